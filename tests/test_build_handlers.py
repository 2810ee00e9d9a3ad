"""Builds through the REST API of a real Jupyter Server: a real version built by the real engine,
its progress and log pushed as events, and every malformed request answered with a 4xx."""

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import call, copy_example
from version_fixtures import init_repository, new_version

BUILD_SCHEMA = "https://events.jupyter.org/jupyter_deploy/build/v1"


@pytest.fixture
def project(jp_root_dir: Path, docker_engine: str) -> Path:
    project = copy_example(jp_root_dir / "iris")
    init_repository(project)
    new_version(project, n_estimators=5)
    return project


async def test_a_build_through_rest_streams_its_progress_and_refuses_bad_input(
    jp_fetch: Any, jp_serverapp: Any, project: Path
) -> None:
    events: list[dict[str, Any]] = []

    async def listener(logger: Any, schema_id: str, data: dict[str, Any]) -> None:
        events.append(data)

    jp_serverapp.event_logger.add_listener(schema_id=BUILD_SCHEMA, listener=listener)
    builds = ("jupyter-deploy", "builds")
    bad = [
        ({"project": "iris"}, 400, "version: required"),
        ({"project": "iris", "version": "iris-classifier@v7"}, 404, "no version"),
        ({"project": "nowhere", "version": "iris-classifier@v1"}, 404, "no jupyter-deploy.yaml"),
        ({"project": "../..", "version": "iris-classifier@v1"}, 403, "outside"),
        ({"project": "iris", "version": "iris-classifier@v1", "base_image": "Bad Image"}, 400, ""),
        ({"project": "iris", "version": "iris-classifier@v1", "force": True}, 400, "unknown"),
    ]
    for body, status, text in bad:
        code, answer = await call(jp_fetch, *builds, body=body)
        assert code == status, (body, answer)
        assert text in answer["error"]["message"] if "error" in answer else answer
    code, answer = await call(jp_fetch, *builds, body="[1, 2")
    assert code == 400

    code, build = await call(
        jp_fetch, *builds, body={"project": "iris", "version": "iris-classifier@v1"}
    )
    assert code == 201
    assert build["status"] in ("queued", "running")
    assert build["project"] == "iris"
    again, answer = await call(
        jp_fetch, *builds, body={"project": "iris", "version": "iris-classifier@v1"}
    )
    assert again == 409
    assert build["id"] in answer["error"]["message"]
    for _ in range(6000):  # bounded: 300 s
        _, build = await call(jp_fetch, *builds, build["id"], params={"project": "iris"})
        if build["status"] not in ("queued", "running"):
            break
        await asyncio.sleep(0.05)
    assert build["status"] == "succeeded", build["error"]
    # Named per project (builds/naming.py): another project's iris-classifier is another image.
    assert re.fullmatch(r"jupyter-deploy/[0-9a-f]{12}/iris-classifier:v1", build["image"]["tag"])

    code, log = await call(jp_fetch, *builds, build["id"], "log", params={"project": "iris"})
    assert code == 200
    assert "── image" in log["lines"]
    assert log["offset"] == len(log["lines"])
    for _ in range(200):  # the last events are emitted on the loop just after the record
        if any(
            e["kind"] == "build" and json.loads(e["build"])["status"] == "succeeded" for e in events
        ):
            break
        await asyncio.sleep(0.05)
    streamed = [line for e in events if e["kind"] == "log" for line in json.loads(e["lines"])]
    assert next(e["offset"] for e in events if e["kind"] == "log") == 0
    assert streamed == log["lines"][: len(streamed)]
    assert "── smoke" in streamed
    assert {e["project"] for e in events} == {"iris"}

    code, listing = await call(
        jp_fetch, *builds, params={"project": "iris", "version": "iris-classifier@v1"}
    )
    assert code == 200
    assert [b["id"] for b in listing["builds"]] == [build["id"]]
    assert listing["has_more"] is False
    code, answer = await call(jp_fetch, *builds, params={"project": "iris", "limit": "0"})
    assert code == 400
    code, answer = await call(jp_fetch, *builds, build["id"], "cancel", body={"project": "iris"})
    assert code == 409
    assert "succeeded already" in answer["error"]["message"]
    code, answer = await call(
        jp_fetch, *builds, build["id"], "log", params={"project": "iris", "offset": "-1"}
    )
    assert code == 400
    code, answer = await call(jp_fetch, *builds, "b-0123456789", params={"project": "iris"})
    assert code == 404
    code, answer = await call(jp_fetch, *builds, "not-an-id", params={"project": "iris"})
    assert code == 400
    assert answer["error"]["message"].startswith("build_id:")
