"""A project inside another folder's git repository is refused until the user chooses: its own
repository, or DVC's subdirectory mode (`dvc init --subdir`). With that consent its versions are
tags of the outer repository, named by model, that plain DVC restores in the project folder. The
demo's project is always its own repository."""

import asyncio
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, deploy
from promote_fixtures import ME, commit_all, dvc, git, two_runs
from runs_fixtures import make_project

from jupyter_deploy.doctor import run_doctor
from jupyter_deploy.errors import ConfigError
from jupyter_deploy.versions import Versions


@pytest.fixture
def nested(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """(outer repository, project two folders down in it), both committed."""
    monkeypatch.setenv("JUPYTER_DEPLOY_DATA_DIR", str(tmp_path / "data"))
    outer = tmp_path / "outer"
    outer.mkdir()
    (outer / "README.md").write_text("the outer repository\n")
    (outer / ".gitignore").write_text(".jupyter_deploy/\ndeploy-runs/\n")
    project = make_project(outer / "projects" / "edge")
    git(outer, "init", "-q", "-b", "main")
    commit_all(outer, "outer")
    return outer, project


def outer_state(outer: Path) -> tuple[str, str, str]:
    return (
        git(outer, "rev-parse", "HEAD"),
        git(outer, "tag", "--list"),
        git(outer, "status", "--porcelain", "--untracked-files=all"),
    )


def test_a_nested_project_is_refused_with_both_ways_out(nested: tuple[Path, Path]) -> None:
    outer, project = nested
    before = outer_state(outer)

    with pytest.raises(ConfigError) as refused:
        Versions(project)
    message = refused.value.message
    assert f"{project} is inside the git repository {outer}" in message
    assert "`git init`" in message
    assert "`dvc init --subdir`" in message

    for args in (("versions",), ("version", "create", "r-0123456789")):
        done = deploy(*args, cwd=project)
        assert done.returncode == 2, done.stdout
        assert "dvc init --subdir" in done.stderr
        assert "Traceback" not in done.stderr

    check = run_doctor(project).check("repository")
    assert (check.status, check.value) == ("warning", str(outer))
    assert "dvc init --subdir" in (check.hint or "")
    # Nothing of the outer repository was touched: no tag, no commit, no .dvc/ at its root.
    assert outer_state(outer) == before
    assert not (outer / ".dvc").exists()


def test_with_dvc_subdirectory_mode_versions_are_outer_tags_dvc_restores(
    nested: tuple[Path, Path], tmp_path: Path
) -> None:
    outer, project = nested
    initialised = dvc(project, "init", "--subdir", "-q")
    assert initialised.returncode == 0, initialised.stderr
    check = run_doctor(project).check("repository")
    assert check.status == "ok"
    assert "subdirectory mode" in check.detail

    run1, run2 = asyncio.run(two_runs(project))
    versions = Versions(project)
    made = [versions.promote(run1, ME), versions.promote(run2, ME)]
    assert [v["tag"] for v in made] == ["edge-cases@v1", "edge-cases@v2"]
    assert git(outer, "tag", "--list", "edge-cases@v?").split() == [
        "edge-cases@v1",
        "edge-cases@v2",
    ]
    tree = git(outer, "ls-tree", "-r", "--name-only", "edge-cases@v1").split()
    for path in (".dvc/config", ".dvc/.gitignore", ".dvcignore", "out/result.txt.dvc",
                 "out/.gitignore", "deploy-version.json", "dvc.yaml"):  # fmt: skip
        assert f"projects/edge/{path}" in tree
    assert not [p for p in tree if p.startswith(".dvc")], "DVC stays in the project folder"
    assert not (outer / ".dvc").exists()

    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(outer), str(clone))
    for version, expected in zip(made, (b"1", b"2"), strict=True):
        git(clone, "checkout", "-q", version["tag"])
        pulled = dvc(clone / "projects" / "edge", "pull")
        assert pulled.returncode == 0, pulled.stderr
        restored = (clone / "projects" / "edge" / "out" / "result.txt").read_bytes()
        assert restored == expected
        assert hashlib.md5(restored).hexdigest() == version["files"][0]["md5"]


def demo_project(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(REPO / "scripts" / "demo-project.sh"), str(folder)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_the_demo_project_is_its_own_repository_inside_a_checkout(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"  # stands for a clone of jupyter_deploy
    checkout.mkdir()
    (checkout / ".gitignore").write_text(".demo/\n")
    git(checkout, "init", "-q", "-b", "main")
    commit_all(checkout, "product")
    before = outer_state(checkout)
    demo = checkout / ".demo" / "iris"

    def own_repository() -> bool:
        return git(demo, "rev-parse", "--show-toplevel").strip() == str(demo.resolve())

    first = demo_project(demo)
    assert first.returncode == 0, first.stderr
    assert own_repository()
    tracked = git(demo, "ls-files").split()
    for path in ("jupyter-deploy.yaml", "train.ipynb", ".gitignore", "model/.gitignore"):
        assert path in tracked
    head = git(demo, "rev-parse", "HEAD")
    assert demo_project(demo).returncode == 0  # again: nothing to do
    assert git(demo, "rev-parse", "HEAD") == head

    # A copy left inside the checkout without a repository of its own (as the demo used to
    # leave it) is made one, instead of being taken for part of the checkout.
    shutil.rmtree(demo / ".git")
    assert demo_project(demo).returncode == 0
    assert own_repository()
    assert outer_state(checkout) == before
