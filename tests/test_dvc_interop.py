"""Plain DVC restores versions of the example project exactly as shipped (its own .gitignore and
model/.gitignore): git clone → git checkout TAG → dvc pull gives the version's bytes. And the
doctor names ignore rules that would hide DVC's pointers, as `/model/*` did."""

import asyncio
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_example
from promote_fixtures import ME, commit_all, dvc, git

from jupyter_deploy.doctor import run_doctor
from jupyter_deploy.runs import Limits, RunService
from jupyter_deploy.versions import Versions


async def _runs(project: Path, n_estimators: list[int]) -> list[str]:
    service = RunService(project, max_concurrency=1)
    try:
        _, runs = await service.start_sweep(
            "train.ipynb", {"n_estimators": n_estimators}, mode="grid", user="t", limits=Limits()
        )
        await service.wait([r["id"] for r in runs])
        done = [service.get(r["id"]) for r in runs]
    finally:
        await service.close()
    assert [r["status"] for r in done] == ["succeeded"] * len(done), [r["error"] for r in done]
    return [r["id"] for r in sorted(done, key=lambda r: r["parameters"]["n_estimators"])]


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """examples/ copied as a user copies it, made a repository with every file it ships."""
    monkeypatch.setenv("JUPYTER_DEPLOY_DATA_DIR", str(tmp_path / "data"))
    project = copy_example(tmp_path / "iris")
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "Example project")
    return project


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def test_git_clone_checkout_and_dvc_pull_restore_each_version(
    shipped: Path, tmp_path: Path
) -> None:
    versions = Versions(shipped)
    made: list[dict[str, Any]] = [
        versions.promote(run, ME) for run in asyncio.run(_runs(shipped, [5, 10]))
    ]
    assert [v["tag"] for v in made] == ["iris-classifier@v1", "iris-classifier@v2"]
    assert made[0]["files"][0]["md5"] != made[1]["files"][0]["md5"]

    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(shipped), str(clone))
    for version in made:
        git(clone, "checkout", "-q", version["tag"])
        status = dvc(clone, "status", "-c", "--json")
        assert status.returncode == 0, status.stderr
        # DVC sees what the version tracks: nothing of it is in this clone's cache yet.
        assert json.loads(status.stdout), "DVC sees no tracked data"
        pulled = dvc(clone, "pull")
        assert pulled.returncode == 0, pulled.stderr
        for item in version["files"]:
            assert md5(clone / item["path"]) == item["md5"], (version["tag"], item["path"])
        assert git(clone, "status", "--porcelain") == "", "restored files are ignored by git"

    assert run_doctor(shipped).check("dvc_ignore").status == "ok"


def test_the_doctor_names_ignore_rules_that_hide_dvc_pointers(shipped: Path) -> None:
    # What the example shipped before: ignore the folder's contents, re-include the pointers.
    # git keeps model/*.dvc, but DVC takes model/ itself as ignored and never looks inside.
    (shipped / "model" / ".gitignore").unlink()
    (shipped / ".gitignore").write_text("/.jupyter_deploy/\n/model/*\n!/model/*.dvc\n")
    commit_all(shipped, "ignore the model folder's contents")

    check = run_doctor(shipped).check("dvc_ignore")
    assert check.status == "warning"
    assert check.value == "model/input_example.json.dvc, model/model.joblib.dvc"
    assert "hide model/ from DVC" in check.detail
    assert "`dvc pull` restores nothing" in check.detail
    assert "model/.gitignore" in (check.hint or "")
    assert "/model.joblib" in (check.hint or "")
