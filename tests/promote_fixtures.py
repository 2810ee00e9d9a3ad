"""A committed git project (runs_fixtures' `edge-cases`) with two succeeded runs, made once per
module and copied fresh for each test: what promotion tests start from."""

import asyncio
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from runs_fixtures import make_project

from jupyter_deploy.runs import Limits, RunService
from jupyter_deploy.versions import Identity

DVC = str(Path(sys.executable).parent / "dvc")
ME = Identity("Ada Tester", "ada@example.org")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def dvc(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DVC, *args], cwd=cwd, capture_output=True, text=True, check=False)


def commit_all(cwd: Path, message: str) -> None:
    git(cwd, "add", ".")
    git(cwd, "-c", "user.name=T", "-c", "user.email=t@x", "commit", "-qm", message)


async def two_runs(project: Path) -> list[str]:
    """Run write.ipynb with value 1 and value 2; their run ids in that order."""
    service = RunService(project, max_concurrency=2)
    try:
        _, runs = await service.start_sweep(
            "write.ipynb", {"value": [1, 2]}, mode="grid", user="tester", limits=Limits()
        )
        await service.wait([r["id"] for r in runs])
        done = [service.get(r["id"]) for r in runs]
    finally:
        await service.close()
    assert [r["status"] for r in done] == ["succeeded", "succeeded"]
    return [r["id"] for r in sorted(done, key=lambda r: r["parameters"]["value"])]


def committed_project(folder: Path) -> tuple[Path, list[str]]:
    """A committed git project at `folder` with two succeeded runs (value 1, value 2)."""
    project = make_project(folder)
    (project / ".gitignore").write_text("/.jupyter_deploy/\n/deploy-runs/\n")
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "project")
    return project, asyncio.run(two_runs(project))


def fresh_copy(
    template: tuple[Path, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, list[str]]:
    """A copy of `committed_project`'s project for one test, with its own DVC remote."""
    monkeypatch.setenv("JUPYTER_DEPLOY_DATA_DIR", str(tmp_path / "data"))
    copy = tmp_path / "proj"
    shutil.copytree(template[0], copy, symlinks=True)
    return copy, template[1]
