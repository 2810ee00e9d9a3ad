"""A real deployment's totals through the REST API: exactly what was sent, across an update and
a rollback that replace its replicas between two reads of the metrics; the charts' history kept
by the server for a panel opened again (or a server started again); the endpoint's uptime
counted from its first start, whatever version serves."""

import asyncio
import itertools
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import call
from load_fixtures import FLOWER, deployed_example

import jupyter_deploy
from jupyter_deploy.deployments.metrics import MetricsSampler
from jupyter_deploy.notebook import _timestamp

MODEL = "iris-classifier"
V1, V2 = f"{MODEL}@v1", f"{MODEL}@v2"
ROOT = ("jupyter-deploy", "deployments")
INVALID = {"sepal_length": "x"}  # refused with a 422: a request, not a prediction


@pytest.fixture
def project(jp_root_dir: Path, docker_engine: str) -> Any:
    yield from deployed_example(jp_root_dir / "iris")


def spaced_clock() -> Any:
    """The sampler's clock: two seconds between its samples, as the panel polls, whatever the
    machine's speed (its history's spacing is then the test's to decide)."""
    ticks = itertools.count()
    start = time.time()
    return lambda: start + 2.0 * next(ticks)


async def _settled(jp_fetch: Any, name: str) -> dict[str, Any]:
    for _ in range(6000):  # bounded: 300 s
        code, deployment = await call(jp_fetch, *ROOT, name, params={"project": "iris"})
        assert code == 200, deployment
        if deployment["operation"]["status"] != "running":
            assert deployment["operation"]["status"] == "succeeded", deployment["operation"]
            return dict(deployment)
        await asyncio.sleep(0.05)
    raise AssertionError(f"{name}: the operation did not end")


async def _metrics(jp_fetch: Any) -> dict[str, Any]:
    """The metrics once no request is in flight (a request is counted as its answer leaves)."""
    for _ in range(100):
        code, metrics = await call(jp_fetch, *ROOT, MODEL, "metrics", params={"project": "iris"})
        assert code == 200, metrics
        if metrics["in_flight"] == 0:
            return dict(metrics)
    raise AssertionError(f"requests stay in flight: {metrics}")


async def _send(url: str, key: str, ok: int, invalid: int = 0) -> None:
    auth = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient() as http:
        for body, status, count in ((FLOWER, 200, ok), (INVALID, 422, invalid)):
            for _ in range(count):
                answer = await http.post(f"{url}/predict", json=body, headers=auth)
                assert answer.status_code == status, answer.text


async def test_totals_are_exact_across_an_update_and_a_rollback(
    jp_fetch: Any, jp_serverapp: Any, project: Path
) -> None:
    opened = await jp_serverapp.web_app.settings["jupyter_deploy_projects"].open(project.resolve())
    opened.metrics = MetricsSampler(clock=spaced_clock())
    code, started = await call(jp_fetch, *ROOT, body={"project": "iris", "version": V1})
    assert code == 202, started
    key = started["api_key"]
    first = await _settled(jp_fetch, MODEL)
    up_at = time.time()
    url, since = first["endpoint"], first["live_since"]
    assert _timestamp(since) is not None
    assert _timestamp(since) <= up_at  # uptime >= the time since the first deploy ended

    assert (await _metrics(jp_fetch))["requests"] == 0  # the panel's last look before the update
    await _send(url, key, ok=7, invalid=2)  # answered by v1's replica, which the update stops
    code, _ = await call(jp_fetch, *ROOT, body={"project": "iris", "version": V2, "name": MODEL})
    assert code == 202
    updated = await _settled(jp_fetch, MODEL)
    assert updated["version"] == V2
    assert updated["live_since"] == since  # the endpoint's start, not the new replica's

    await _send(url, key, ok=5, invalid=1)
    middle = await _metrics(jp_fetch)
    assert (middle["requests"], middle["rejected"]) == (15, 3)
    await _send(url, key, ok=3)  # after the last look: v2's replica stops with these
    code, _ = await call(jp_fetch, *ROOT, MODEL, "rollback", body={"project": "iris"})
    assert code == 202
    rolled = await _settled(jp_fetch, MODEL)
    assert rolled["version"] == V1
    assert rolled["live_since"] == since
    await _send(url, key, ok=4)

    totals = await _metrics(jp_fetch)
    assert totals["requests"] == 22
    assert totals["rejected"] == 3
    assert totals["errors"] == 0
    assert totals["predictions"] == 19
    assert totals["latency"]["count"] == 22
    assert totals["by_version"] == {V1: 13, V2: 9}
    history = totals["history"]
    assert len(history) >= 2  # a point per window between the panel's looks
    assert sum(1 for p in history if p["request_rate"] > 0) >= 2
    assert all(p["p50"] is not None for p in history if p["request_rate"] > 0)

    # The panel closed and opened again: a fresh read has the points.
    again = await _metrics(jp_fetch)
    assert again["history"][: len(history)] == history
    # The server started again: the totals and the points come from the deployment's ledger.
    opened.metrics = MetricsSampler(clock=spaced_clock())
    restarted = await _metrics(jp_fetch)
    assert restarted["history"][: len(history)] == history
    assert (restarted["requests"], restarted["by_version"]) == (22, {V1: 13, V2: 9})

    # A notebook's status shows the same totals and the endpoint's start.
    shown = await asyncio.to_thread(jupyter_deploy.status, MODEL, project)
    assert shown.metrics is not None
    assert (shown.metrics["requests"], shown.metrics["predictions"]) == (22, 19)
    assert "22 requests" in repr(shown)
    assert shown.data["live_since"] == since

    code, _ = await call(jp_fetch, *ROOT, MODEL, "down", body={"project": "iris"})
    assert code == 202
    assert (await _settled(jp_fetch, MODEL))["live_since"] is None
