"""Deployments through the REST API of a real Jupyter Server: real versions deployed on the real
engine behind nginx, the progress pushed as events, metrics read from the replicas, and every
malformed request answered with a 4xx that names the problem."""

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import call
from load_fixtures import FLOWER, deployed_example

SCHEMA = "https://events.jupyter.org/jupyter_deploy/deployment/v1"
MODEL = "iris-classifier"


@pytest.fixture
def project(jp_root_dir: Path, docker_engine: str) -> Any:
    yield from deployed_example(jp_root_dir / "iris")


async def _settled(jp_fetch: Any, name: str) -> dict[str, Any]:
    """The deployment once its operation has ended (bounded: 300 s)."""
    for _ in range(6000):
        _, deployment = await call(
            jp_fetch, "jupyter-deploy", "deployments", name, params={"project": "iris"}
        )
        if deployment["operation"]["status"] != "running":
            return dict(deployment)
        await asyncio.sleep(0.05)
    raise AssertionError(f"{name}: the operation did not end")


async def test_deploy_update_rollback_and_down_through_rest(
    jp_fetch: Any, jp_serverapp: Any, project: Path
) -> None:
    events: list[dict[str, Any]] = []

    async def listener(logger: Any, schema_id: str, data: dict[str, Any]) -> None:
        events.append(data)

    jp_serverapp.event_logger.add_listener(schema_id=SCHEMA, listener=listener)
    root = ("jupyter-deploy", "deployments")
    v1, v2 = f"{MODEL}@v1", f"{MODEL}@v2"
    bad = [
        ({"project": "iris"}, 400, "version: required"),
        ({"project": "iris", "version": f"{MODEL}@v9"}, 404, "no version"),
        ({"project": "nowhere", "version": v1}, 404, "no jupyter-deploy.yaml"),
        ({"project": "../..", "version": v1}, 403, "outside"),
        ({"project": "iris", "version": v1, "replicas": 0}, 400, "replicas"),
        ({"project": "iris", "version": v1, "replicas": "2"}, 400, "replicas"),
        ({"project": "iris", "version": v1, "max_batch": 5000}, 400, "max_batch"),
        ({"project": "iris", "version": v1, "target": "mainframe"}, 400, "target"),
        ({"project": "iris", "version": v1, "name": "Not A Name"}, 400, "deployment name"),
        ({"project": "iris", "version": v1, "force": True}, 400, "unknown"),
    ]
    for body, status, text in bad:
        code, answer = await call(jp_fetch, *root, body=body)
        assert code == status, (body, answer)
        assert text in answer["error"]["message"], answer
    assert (await call(jp_fetch, *root, body="{"))[0] == 400
    code, _ = await call(jp_fetch, *root, "iris", params={"project": "iris"})
    assert code == 404
    code, _ = await call(jp_fetch, *root, "iris", "rollback", body={"project": "iris"})
    assert code == 404

    code, started = await call(jp_fetch, *root, body={"project": "iris", "version": v1})
    assert code == 202, started
    key = started["api_key"]
    assert started["operation"]["status"] == "running"
    assert started["deployment"]["project"] == "iris"
    busy, answer = await call(jp_fetch, *root, body={"project": "iris", "version": v2})
    assert busy == 409, answer
    assert "in progress" in answer["error"]["message"]

    deployment = await _settled(jp_fetch, MODEL)
    assert deployment["operation"]["status"] == "succeeded", deployment["operation"]
    assert deployment["status"] == "running"
    assert deployment["version"] == v1
    # Ready as soon as it answers, not when the engine's next health check runs.
    assert [r["state"] for r in deployment["replicas"]] == ["ready"]
    assert "api_key" not in deployment
    # One model server process per whole CPU the example's replicas may use (cpus: 1.0).
    assert deployment["settings"] == {"max_batch": 1, "workers": 1}
    url = deployment["endpoint"]
    auth = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient() as http:
        for _ in range(7):
            answer = await http.post(f"{url}/predict", json=FLOWER, headers=auth)
            assert answer.status_code == 200
        assert (
            await http.post(f"{url}/predict", json={"sepal_length": "x"}, headers=auth)
        ).status_code == 422

    # The steps reached the browser as events, in order, then the deployment itself.
    for _ in range(200):  # the last events are emitted on the loop just after the record
        if any(e["kind"] == "deployment" for e in events):
            break
        await asyncio.sleep(0.05)
    steps = [json.loads(e["operation"])["step"] for e in events if e["kind"] == "operation"]
    assert [s for s in dict.fromkeys(steps) if s != "build"] == ["start", "ready", "switch", "done"]
    ended = [json.loads(e["deployment"]) for e in events if e["kind"] == "deployment"]
    assert ended[-1]["version"] == v1

    code, metrics = await call(jp_fetch, *root, MODEL, "metrics", params={"project": "iris"})
    assert code == 200
    assert metrics["requests"] == 8
    assert metrics["rejected"] == 1
    assert metrics["errors"] == 0
    assert metrics["by_version"] == {v1: 8}
    assert metrics["latency"]["count"] == 8

    code, logs = await call(
        jp_fetch, *root, MODEL, "logs", params={"project": "iris", "tail": "50"}
    )
    assert code == 200
    assert logs["lines"]
    for tail in ("0", "x", "99999"):
        code, _ = await call(
            jp_fetch, *root, MODEL, "logs", params={"project": "iris", "tail": tail}
        )
        assert code == 400

    code, answer = await call(jp_fetch, *root, MODEL, "rollback", body={"project": "iris"})
    assert code == 409
    assert "no previous version" in answer["error"]["message"]

    code, _ = await call(jp_fetch, *root, body={"project": "iris", "version": v2, "name": MODEL})
    assert code == 202
    deployment = await _settled(jp_fetch, MODEL)
    assert (deployment["version"], deployment["previous_version"]) == (v2, v1)

    code, _ = await call(jp_fetch, *root, MODEL, "rollback", body={"project": "iris"})
    assert code == 202
    deployment = await _settled(jp_fetch, MODEL)
    assert deployment["version"] == v1
    assert [(e["action"], e["version"]) for e in deployment["events"][:3]] == [
        ("rollback", v1),
        ("update", v2),
        ("deploy", v1),
    ]
    async with httpx.AsyncClient() as http:
        answer = await http.post(f"{url}/predict", json=FLOWER, headers=auth)
    assert answer.headers["x-model-version"] == v1

    code, listing = await call(jp_fetch, *root, params={"project": "iris"})
    assert [d["name"] for d in listing["deployments"]] == [MODEL]
    assert "events" not in listing["deployments"][0]

    code, _ = await call(jp_fetch, *root, MODEL, "down", body={"project": "iris"})
    assert code == 202
    deployment = await _settled(jp_fetch, MODEL)
    assert deployment["status"] == "stopped"
    assert deployment["endpoint"] is None
    assert deployment["replicas"] == []
    code, answer = await call(jp_fetch, *root, MODEL, "down", body={"project": "iris"})
    assert code == 409
    assert "already stopped" in answer["error"]["message"]
