"""The server samples its running deployments in the background: a deployment's chart history
grows while no panel asks for its metrics, so a panel opened later shows what happened meanwhile.
A real docker deployment through the REST API; who deployed it is the project's git identity."""

import asyncio
import itertools
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import call
from test_deployment_totals import (  # the deployed example and its helpers, reused
    MODEL,
    ROOT,
    V1,
    _metrics,
    _send,
    _settled,
    project,  # noqa: F401
)

GRACE = ("Grace Hopper", "grace@example.org")
INTERVAL_S = 0.5


@pytest.fixture
def jp_server_config(jp_server_config: Any) -> Any:
    jp_server_config["DeployApp"]["metrics_interval"] = INTERVAL_S
    return jp_server_config


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)


async def _history(sampler: Any, key: str, at_least: int) -> list[dict[str, Any]]:
    """The sampler's history of `key` once it holds `at_least` points (bounded: 120 s)."""
    for _ in range(2400):
        points = list(sampler.history(key))
        if len(points) >= at_least:
            return points
        await asyncio.sleep(0.05)
    raise AssertionError(f"{key}: the history stays at {len(sampler.history(key))} points")


def _requests_in(points: list[dict[str, Any]]) -> float:
    """Requests counted in the windows between consecutive points (rate x window)."""
    return sum(p["request_rate"] * (p["at"] - q["at"]) for q, p in itertools.pairwise(points))


async def test_history_grows_while_no_panel_looks(
    jp_fetch: Any,
    jp_serverapp: Any,
    project: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "EMAIL"):
        monkeypatch.delenv(variable, raising=False)
    _git(project, "config", "user.name", GRACE[0])
    _git(project, "config", "user.email", GRACE[1])
    projects = jp_serverapp.web_app.settings["jupyter_deploy_projects"]

    code, started = await call(jp_fetch, *ROOT, body={"project": "iris", "version": V1})
    assert code == 202, started
    key = started["api_key"]
    deployed = await _settled(jp_fetch, MODEL)
    # Jupyter's test user is a made-up anonymous one: the project's git identity signs.
    assert deployed["created_by"] == GRACE[0]
    assert deployed["operation"]["by"] == GRACE[0]
    assert {e["action"] for e in deployed["events"]} >= {"create", "deploy"}
    assert {e["by"] for e in deployed["events"]} == {GRACE[0]}

    deployments = await projects.deployments(project.resolve())
    sampler = deployments.sampler
    sampled = f"{deployments.project_key}/{MODEL}"
    # Sampling has begun (a point needs two samples); nothing was sent before this point.
    anchor = len(await _history(sampler, sampled, 1)) - 1
    await _send(deployed["endpoint"], key, ok=6, invalid=2)
    sent_at = len(sampler.history(sampled))
    points = await _history(sampler, sampled, sent_at + 2)
    # No metrics route was called: the background samples counted every request.
    assert round(_requests_in(points[anchor:]), 3) == 8
    assert any(p["request_rate"] > 0 for p in points[anchor + 1 :])

    metrics = await _metrics(jp_fetch)  # the panel opens
    assert metrics["history"][: len(points)] == points
    assert (metrics["requests"], metrics["rejected"], metrics["errors"]) == (8, 2, 0)
    assert metrics["predictions"] == 6
    assert metrics["latency"]["count"] == 8
    assert metrics["by_version"] == {V1: 8}

    sampling = (await projects.open(project.resolve())).sampling
    assert sampling.running
    await jp_serverapp.cleanup_extensions()  # the server's shutdown hooks
    assert not sampling.running
