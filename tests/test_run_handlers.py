"""Runs through the REST API of a real Jupyter Server, with real kernels."""

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import call
from runs_fixtures import make_project

RUN_SCHEMA = "https://events.jupyter.org/jupyter_deploy/run/v1"


@pytest.fixture
def project(jp_root_dir: Path) -> Path:
    return make_project(jp_root_dir / "proj")


async def wait_done(jp_fetch: Any, run_ids: list[str]) -> list[dict]:
    for _ in range(1200):  # bounded: 60 s
        _, listing = await call(jp_fetch, "jupyter-deploy", "runs", params={"project": "proj"})
        runs = [r for r in listing["runs"] if r["id"] in run_ids]
        if all(r["status"] not in ("queued", "running") for r in runs):
            return runs
        await asyncio.sleep(0.05)
    raise AssertionError("runs did not finish")


async def test_parameters_of_a_notebook(jp_fetch: Any, project: Path) -> None:
    code, body = await call(
        jp_fetch, "jupyter-deploy", "parameters", params={"path": "proj/write.ipynb"}
    )
    assert code == 200
    assert body["project"] == "proj"
    assert body["parameters"] == [
        {"name": "value", "type": "int", "default": 0, "help": "what this run writes"},
        {"name": "label", "type": "str", "default": "x", "help": None},
    ]


async def test_sweep_progress_is_pushed_and_results_listed(
    jp_fetch: Any, jp_serverapp: Any, project: Path
) -> None:
    events: list[dict] = []

    async def listener(logger: Any, schema_id: str, data: dict) -> None:
        events.append(data)

    jp_serverapp.event_logger.add_listener(schema_id=RUN_SCHEMA, listener=listener)
    code, body = await call(
        jp_fetch,
        "jupyter-deploy",
        "sweeps",
        body={
            "notebook": "proj/write.ipynb",
            "parameters": {"value": [1, 2]},
            "mode": "grid",
            "concurrency": 2,
        },
    )
    assert code == 201
    assert body["sweep"]["total"] == 2
    runs = await wait_done(jp_fetch, [r["id"] for r in body["runs"]])
    assert {r["status"] for r in runs} == {"succeeded"}
    assert {r["metrics"]["value"] for r in runs} == {1, 2}
    assert all(r["output_notebook"].startswith("proj/deploy-runs/") for r in runs)
    assert all(r["created_by"] for r in runs)
    await asyncio.sleep(0)  # let the event bus deliver what was already emitted
    payloads = [json.loads(e["run"]) for e in events]
    assert any(p["status"] == "running" and p["progress"]["cell"] > 0 for p in payloads)
    assert any(e["sweep"] and json.loads(e["sweep"])["counts"]["succeeded"] == 2 for e in events)


async def test_single_run_rerun_and_cancel(jp_fetch: Any, project: Path) -> None:
    code, run = await call(
        jp_fetch,
        "jupyter-deploy",
        "runs",
        body={"notebook": "proj/slow.ipynb", "parameters": {"seconds": 30}},
    )
    assert code == 201
    assert run["status"] in ("queued", "running")
    first, _ = await call(
        jp_fetch, "jupyter-deploy", "runs", run["id"], "cancel", body={}, params={"project": "proj"}
    )
    second, again = await call(
        jp_fetch, "jupyter-deploy", "runs", run["id"], "cancel", body={}, params={"project": "proj"}
    )
    assert (first, second) == (202, 202)
    assert again["id"] == run["id"]
    (final,) = await wait_done(jp_fetch, [run["id"]])
    assert final["status"] == "cancelled"
    code, rerun = await call(
        jp_fetch, "jupyter-deploy", "runs", run["id"], "rerun", body={}, params={"project": "proj"}
    )
    assert code == 201
    assert rerun["id"] != run["id"]
    assert rerun["parameters"] == {"seconds": 30}
    await call(
        jp_fetch,
        "jupyter-deploy",
        "runs",
        rerun["id"],
        "cancel",
        body={},
        params={"project": "proj"},
    )
    code, one = await call(
        jp_fetch, "jupyter-deploy", "runs", run["id"], params={"project": "proj"}
    )
    assert code == 200
    assert one["id"] == run["id"]


@pytest.mark.parametrize(
    ("parts", "body", "status", "fragment"),
    [
        (
            ("runs",),
            {"notebook": "proj/write.ipynb", "parameters": {"value": "abc"}},
            400,
            "value: expected an integer",
        ),
        (("runs",), {"notebook": "../outside.ipynb"}, 403, "outside the Jupyter root"),
        (("runs",), {"notebook": "proj/nope.ipynb"}, 404, "notebook: no such notebook"),
        (("runs",), {"notebook": "loose.ipynb"}, 400, "notebook: not inside a project"),
        (
            ("runs",),
            {"notebook": "proj/write.ipynb", "paramters": {}},
            400,
            "request body: unknown field; allowed: cell_timeout, notebook, parameters",
        ),
        (("runs",), "{not json", 400, "not valid JSON"),
        (("runs",), "[1, 2]", 400, "request body: expected a JSON object"),
        (
            ("runs",),
            {"notebook": "proj/write.ipynb", "time_limit": "soon"},
            400,
            "time_limit: expected",
        ),
        (
            ("sweeps",),
            {"notebook": "proj/write.ipynb", "parameters": {"value": [1]}, "mode": "random"},
            400,
            "mode: expected 'grid' or 'zip'",
        ),
        (
            ("sweeps",),
            {"notebook": "proj/write.ipynb", "parameters": {"value": []}},
            400,
            "non-empty list",
        ),
        (
            ("sweeps",),
            {"notebook": "proj/write.ipynb", "parameters": {"value": [1]}, "concurrency": 0},
            400,
            "concurrency: expected a whole number from 1 to 256",
        ),
    ],
)
async def test_bad_requests_are_4xx_that_name_the_problem(
    jp_fetch: Any,
    jp_root_dir: Path,
    project: Path,
    parts: tuple,
    body: Any,
    status: int,
    fragment: str,
) -> None:
    (jp_root_dir / "loose.ipynb").write_bytes((project / "write.ipynb").read_bytes())
    code, answer = await call(jp_fetch, "jupyter-deploy", *parts, body=body)
    assert code == status
    assert fragment in answer["error"]["message"]
    assert not (project / "deploy-runs").exists()


@pytest.mark.parametrize(
    ("parts", "params", "status"),
    [
        (("runs",), {}, 400),
        (("runs",), {"project": "nowhere"}, 404),
        (("runs",), {"project": "proj", "status": "done"}, 400),
        (("runs", "r-0000000000"), {"project": "proj"}, 404),
        (("runs", "not-an-id"), {"project": "proj"}, 400),
        (("parameters",), {"path": "proj/data.txt"}, 400),
    ],
)
async def test_bad_queries(
    jp_fetch: Any, project: Path, parts: tuple, params: dict, status: int
) -> None:
    code, _ = await call(jp_fetch, "jupyter-deploy", *parts, params=params)
    assert code == status
