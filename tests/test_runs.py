"""The run engine with real kernels: isolation, failures, limits, cancel, bad input."""

import json
import re
from datetime import datetime
from pathlib import Path

import nbformat
import psutil
import pytest
from runs_fixtures import CLOCK, make_project, write_notebook

from jupyter_deploy.errors import Forbidden, InvalidInput, NotFound
from jupyter_deploy.events import Fanout
from jupyter_deploy.runs import Limits, RunService, read_parameters


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")


async def run_to_end(
    service: RunService, notebook: str, limits: Limits | None = None, **values: object
) -> dict:
    run = await service.start_run(notebook, values, user="tester", limits=limits or Limits())
    await service.wait([run["id"]])
    return service.get(run["id"])


async def test_sweep_runs_are_isolated_and_recorded(project: Path) -> None:
    events: list[dict] = []
    sink = Fanout()
    sink.subscribe(lambda topic, event: events.append(event))
    service = RunService(project, max_concurrency=2, events=sink)
    try:
        sweep, runs = await service.start_sweep(
            "write.ipynb", {"value": [1, 2]}, mode="grid", user="tester", limits=Limits()
        )
        assert sweep["total"] == 2
        await service.wait([r["id"] for r in runs])
        done = [service.get(r["id"]) for r in runs]
    finally:
        await service.close()
    assert [r["status"] for r in done] == ["succeeded", "succeeded"], [r["error"] for r in done]
    assert sorted(r["metrics"]["value"] for r in done) == [1, 2]
    assert {r["metrics"]["nested.score"] for r in done} == {2, 4}
    for run in done:
        files = {f["path"]: f for f in run["files"]}
        assert set(files) == {"out/result.txt", "metrics.json"}
        assert len(files["out/result.txt"]["sha256"]) == 64
        assert run["created_by"] == "tester"
        assert run["environment"]["python"].count(".") == 2
        assert "papermill" in run["environment"]["packages"]
        assert run["progress"]["cell"] == run["progress"]["total"] > 0
        output = project / run["output_notebook"]
        assert nbformat.read(output, as_version=4).metadata["papermill"]["parameters"]["value"] in (
            1,
            2,
        )
    # The user's working files are untouched: no outputs landed in the project itself.
    assert not (project / "out").exists()
    assert not (project / "metrics.json").exists()
    assert any(e["run"]["status"] == "running" for e in events)
    assert events[-1]["sweep"]["counts"]["succeeded"] in (1, 2)


async def test_failing_cell_is_reported_with_its_index(project: Path) -> None:
    service = RunService(project)
    try:
        run = await run_to_end(service, "fail.ipynb")
    finally:
        await service.close()
    assert run["status"] == "failed"
    error = run["error"]
    assert error["kind"] == "cell_error"
    assert error["ename"] == "ValueError"
    assert error["evalue"] == "boom at 2"
    output = nbformat.read(project / run["output_notebook"], as_version=4)
    failing = output.cells[error["cell_index"]]
    assert "raise ValueError" in failing.source
    assert any(o.get("output_type") == "error" for o in failing.outputs)


async def test_killed_kernel_fails_the_run(project: Path) -> None:
    service = RunService(project)
    try:
        run = await run_to_end(service, "die.ipynb")
    finally:
        await service.close()
    assert run["status"] == "failed"
    assert run["error"]["kind"] == "dead_kernel"
    nbformat.read(project / run["output_notebook"], as_version=4)  # still a valid notebook


async def test_a_cell_asking_for_input_fails_instead_of_waiting(project: Path) -> None:
    nb = nbformat.read(project / "fail.ipynb", as_version=4)
    nb.cells[-1].source = "input('?')"
    nbformat.write(nb, project / "ask.ipynb")
    service = RunService(project)
    try:
        run = await run_to_end(service, "ask.ipynb")
    finally:
        await service.close()
    assert run["status"] == "failed"
    assert run["error"]["ename"] == "StdinNotImplementedError"


async def test_cell_timeout(project: Path) -> None:
    service = RunService(project)
    try:
        run = await run_to_end(service, "slow.ipynb", Limits(cell_timeout=1), seconds=30)
    finally:
        await service.close()
    assert run["status"] == "failed"
    assert run["error"]["kind"] == "cell_timeout"
    assert (
        "sleep"
        in nbformat.read(project / run["output_notebook"], as_version=4)
        .cells[run["error"]["cell_index"]]
        .source
    )


def _epoch(timestamp: str) -> float:
    return datetime.fromisoformat(timestamp).timestamp()


async def test_time_limit_and_duration_are_one_clock_that_starts_with_the_kernel(
    project: Path,
) -> None:
    write_notebook(
        project / "clock.ipynb", "seconds = 60", CLOCK, "import time\ntime.sleep(seconds)"
    )
    service = RunService(project)
    try:
        # A cold pool: the run waits for a worker and a kernel to start, which is not its time.
        run = await run_to_end(service, "clock.ipynb", Limits(time_limit=2), seconds=30)
    finally:
        await service.close()
    assert run["status"] == "failed"
    error = run["error"]
    assert (error["kind"], error["ename"]) == ("time_limit", "TimeLimitExceeded")
    assert "time limit of 2 s" in error["evalue"]
    output = nbformat.read(project / run["output_notebook"], as_version=4)
    assert "sleep" in output.cells[error["cell_index"]].source

    started, finished = _epoch(run["started_at"]), _epoch(run["finished_at"])
    clock = json.loads((project / run["output_notebook"]).with_name("clock.json").read_text())
    # The clock starts once the run's kernel exists, not when the run was claimed...
    assert _epoch(run["created_at"]) <= clock["kernel_created"] <= started <= clock["cell_began"]
    # ...and the limit, the duration and started/finished_at all read that one clock.
    assert run["duration_s"] >= 2
    assert finished - started == pytest.approx(run["duration_s"], abs=0.002)


async def _wait_until_running(service: RunService, run_id: str) -> dict:
    for _ in range(600):
        run = service.get(run_id)
        if run["status"] == "running" and run["progress"]["cell"] >= 3:
            return run
        await __import__("asyncio").sleep(0.05)  # polling a state change, bounded to 30 s
    raise AssertionError(f"run never reached its slow cell: {service.get(run_id)}")


async def test_cancel_ends_kernel_and_is_safe_to_repeat(project: Path) -> None:
    service = RunService(project)
    try:
        run = await service.start_run("slow.ipynb", {}, user="tester", limits=Limits())
        await _wait_until_running(service, run["id"])
        worker_pid = service.records.get(run["id"])["worker_pid"]
        family = [psutil.Process(worker_pid), *psutil.Process(worker_pid).children(recursive=True)]
        assert len(family) >= 2  # the worker and its kernel
        first = await service.cancel(run["id"])
        await service.wait([run["id"]])
        second = await service.cancel(run["id"])
        final = service.get(run["id"])
    finally:
        await service.close()
    assert first["id"] == second["id"] == run["id"]
    assert final["status"] == "cancelled"
    _, alive = psutil.wait_procs(family, timeout=5)
    assert not alive, f"processes left behind: {alive}"


async def test_cancel_of_queued_run_never_starts_it(project: Path) -> None:
    service = RunService(project, max_concurrency=1)
    try:
        blocker = await service.start_run("slow.ipynb", {"seconds": 30}, user="t", limits=Limits())
        queued = await service.start_run("write.ipynb", {"value": 7}, user="t", limits=Limits())
        assert service.get(queued["id"])["status"] == "queued"
        cancelled = await service.cancel(queued["id"])
        await service.cancel(blocker["id"])
        await service.wait([blocker["id"], queued["id"]])
    finally:
        await service.close()
    assert cancelled["status"] == "cancelled"
    assert not (project / "deploy-runs" / queued["id"]).exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"value": "abc"}, "value: expected an integer"),
        ({"value": True}, "value: expected an integer"),
        ({"label": 3}, "label: expected a str"),
        ({"valeu": 1}, "parameters: an unknown name; the notebook's parameters are: value, label"),
    ],
)
async def test_bad_parameter_values_are_refused_before_anything_runs(
    project: Path, values: dict, message: str
) -> None:
    service = RunService(project)
    try:
        with pytest.raises(InvalidInput) as caught:
            await service.start_run("write.ipynb", values, user="t", limits=Limits())
    finally:
        await service.close()
    assert message in caught.value.message
    assert not (project / "deploy-runs").exists()
    assert service.records.find() == []


@pytest.mark.parametrize(
    ("notebook", "error"),
    [
        ("../outside.ipynb", Forbidden),
        ("/etc/passwd", InvalidInput),
        ("missing.ipynb", NotFound),
        ("data.txt", InvalidInput),
    ],
)
async def test_notebooks_outside_the_project_are_refused(
    project: Path, notebook: str, error: type
) -> None:
    (project.parent / "outside.ipynb").write_text("{}")
    service = RunService(project)
    try:
        with pytest.raises(error):
            await service.start_run(notebook, {}, user="t", limits=Limits())
    finally:
        await service.close()


async def test_bad_limits_and_sweeps(project: Path) -> None:
    service = RunService(project)
    try:
        with pytest.raises(InvalidInput, match="cell_timeout: expected a finite number of seconds"):
            Limits(cell_timeout=-1)
        with pytest.raises(InvalidInput, match="zip needs the same number of values"):
            await service.start_sweep(
                "write.ipynb",
                {"value": [1, 2], "label": ["a"]},
                mode="zip",
                user="t",
                limits=Limits(),
            )
    finally:
        await service.close()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "is not a readable notebook"),
        ('{"cells": "nope", "nbformat": 4}', "is not a notebook (no list of cells)"),
        ('{"cells": [], "nbformat": 3}', "uses notebook format v3"),
    ],
)
def test_unreadable_notebooks_are_refused(project: Path, content: str, message: str) -> None:
    (project / "bad.ipynb").write_text(content)
    with pytest.raises(InvalidInput, match=re.escape(message)):
        read_parameters(project / "bad.ipynb")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), 0, -1, True, "3"])
@pytest.mark.parametrize("name", ["cell_timeout", "time_limit"])
def test_the_core_refuses_limits_that_are_not_finite_positive_numbers(
    name: str, value: object
) -> None:
    # The REST and CLI edges refuse these first; a caller of the core (a notebook helper, a
    # script) must not store NaN as "no limit" or Infinity that breaks every listing.
    with pytest.raises(InvalidInput, match=f"^{name}: expected a finite number") as refused:
        Limits(**{name: value})  # type: ignore[arg-type]
    assert str(value) not in refused.value.message.replace("above 0", "")
