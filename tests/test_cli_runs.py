"""`jupyter deploy run | sweep | runs | cancel` as a user (or CI) runs them."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest
from conftest import JUPYTER, deploy
from runs_fixtures import kernels_among, make_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")


def test_sweep_then_list_sorted_by_metric(project: Path) -> None:
    done = deploy("sweep", "write.ipynb", "-p", "value", "3,1,2", "--json", cwd=project)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["sweep"]["total"] == 3
    assert result["sweep"]["counts"]["succeeded"] == 3  # final counts, not those at submission
    assert [r["status"] for r in result["runs"]] == ["succeeded"] * 3

    listing = deploy("runs", "--sort", "value", "--json", cwd=project)
    values = [r["metrics"]["value"] for r in json.loads(listing.stdout)["runs"]]
    assert values == [3, 2, 1]
    table = deploy("runs", "--sort", "value", "--ascending", cwd=project)
    assert table.stdout.index("value=1") < table.stdout.index("value=3")


def test_failed_run_exits_1_and_names_the_cell(project: Path) -> None:
    done = deploy("run", "fail.ipynb", cwd=project)
    assert done.returncode == 1
    assert "cell_error (cell" in done.stdout
    assert "ValueError: boom at 2" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "write.ipynb", "-p", "value", "abc"], "value: expected an integer"),
        (["run", "missing.ipynb"], "notebook 'missing.ipynb' does not exist"),
        (["sweep", "write.ipynb", "-p", "value", "1,2", "-p", "label", "a", "--zip"], "zip needs"),
        (["sweep", "write.ipynb"], "a sweep needs at least one -p"),
        (["cancel", "r-0000000000"], "no run 'r-0000000000'"),
        (
            ["run", "write.ipynb", "--time-limit", "-5"],
            "--time-limit: expected a number of seconds",
        ),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(
    project: Path, args: list[str], message: str
) -> None:
    done = deploy(*args, cwd=project)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_notebook_outside_a_project_is_refused(tmp_path: Path, project: Path) -> None:
    stray = tmp_path / "stray.ipynb"
    stray.write_bytes((project / "write.ipynb").read_bytes())
    done = deploy("run", str(stray), cwd=tmp_path)
    assert done.returncode == 2
    assert "is not inside a project" in done.stderr


def _wait_for(predicate, what: str, limit_s: float = 60.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)  # polling an external process's state, bounded by limit_s
    raise AssertionError(f"timed out waiting for {what}")


def _running_run(project: Path) -> dict | None:
    listing = deploy("runs", "--json", cwd=project)
    runs = json.loads(listing.stdout)["runs"] if listing.returncode == 0 else []
    return next((r for r in runs if r["status"] == "running" and r["progress"]["cell"] >= 3), None)


def test_killed_owner_leaves_no_kernel_and_the_run_shows_interrupted(project: Path) -> None:
    owner = subprocess.Popen(
        [JUPYTER, "deploy", "run", "slow.ipynb"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        run = _wait_for(lambda: _running_run(project), "the slow cell to start")
        family = psutil.Process(owner.pid).children(recursive=True)
        assert kernels_among(family), "no kernel found"
        os.kill(owner.pid, signal.SIGKILL)  # no chance to clean up, like a crashed server
        owner.wait(timeout=10)
        _, alive = psutil.wait_procs(family, timeout=10)
        assert not alive, f"orphaned processes: {[p.cmdline() for p in alive]}"
    finally:
        if owner.poll() is None:
            owner.kill()
    listing = json.loads(deploy("runs", "--json", cwd=project).stdout)["runs"]
    after = next(r for r in listing if r["id"] == run["id"])
    assert after["status"] == "interrupted"
    assert after["error"]["kind"] == "interrupted"


def test_cancel_from_another_process(project: Path) -> None:
    owner = subprocess.Popen(
        [JUPYTER, "deploy", "run", "slow.ipynb"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        run = _wait_for(lambda: _running_run(project), "the slow cell to start")
        first = deploy("cancel", run["id"], cwd=project)
        assert first.returncode == 0, first.stderr
        assert owner.wait(timeout=30) == 1  # the owner reports its run did not succeed
        second = deploy("cancel", run["id"], cwd=project)
        assert second.returncode == 0
        assert second.stdout.strip() == f"{run['id']} cancelled"
    finally:
        if owner.poll() is None:
            owner.kill()
