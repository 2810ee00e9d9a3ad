"""A run becomes a version once: promoting it again is refused, naming the version it already is,
unless a copy is asked for; the runs listing says which versions each run became."""

import asyncio
import json
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import call, deploy
from promote_fixtures import ME, committed_project, fresh_copy, git

from jupyter_deploy.errors import Conflict
from jupyter_deploy.runs import RunService
from jupyter_deploy.versions import Versions
from jupyter_deploy.versions.promoted import promotions


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    return committed_project(tmp_path_factory.mktemp("tpl") / "proj")


@pytest.fixture
def project(
    template: tuple[Path, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, list[str]]:
    return fresh_copy(template, tmp_path, monkeypatch)


def version_tags(root: Path) -> list[str]:
    return git(root, "tag", "--list", "edge-cases@v?").split()


def test_a_promoted_run_is_refused_unless_a_copy_is_asked_for(
    project: tuple[Path, list[str]],
) -> None:
    root, (run1, run2) = project
    versions = Versions(root)
    assert versions.promote(run1, ME)["tag"] == "edge-cases@v1"

    with pytest.raises(Conflict, match=rf"run {run1} is already version edge-cases@v1;") as no:
        versions.promote(run1, ME)
    assert "copy" in str(no.value)
    assert version_tags(root) == ["edge-cases@v1"]

    copied = versions.promote(run1, ME, copy=True)
    assert (copied["tag"], copied["run_id"]) == ("edge-cases@v2", run1)
    with pytest.raises(Conflict, match="already version edge-cases@v1, edge-cases@v2;"):
        versions.promote(run1, ME)
    # Another run is another version, copy or not.
    assert versions.promote(run2, ME)["tag"] == "edge-cases@v3"
    assert promotions(versions.git, "edge-cases") == {
        run1: ["edge-cases@v1", "edge-cases@v2"],
        run2: ["edge-cases@v3"],
    }


def test_promotions_of_one_run_at_once_make_one_version(project: tuple[Path, list[str]]) -> None:
    root, (run1, _) = project
    outcomes: list[Any] = []

    def promote() -> None:
        try:
            outcomes.append(Versions(root).promote(run1, ME)["tag"])
        except Conflict as exc:
            outcomes.append(exc.message)

    threads = [threading.Thread(target=promote) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[0] == "edge-cases@v1"
    assert all("already version edge-cases@v1;" in o for o in sorted(outcomes)[1:])
    assert version_tags(root) == ["edge-cases@v1"]


def test_command_line_refuses_a_second_promotion_and_copies_on_request(
    project: tuple[Path, list[str]],
) -> None:
    root, (run1, run2) = project
    assert deploy("version", "create", run1, cwd=root).returncode == 0

    again = deploy("version", "create", run1, cwd=root)
    assert again.returncode != 0
    assert f"run {run1} is already version edge-cases@v1" in again.stderr
    assert "--copy" in again.stderr
    assert "Traceback" not in again.stderr
    assert version_tags(root) == ["edge-cases@v1"]

    copied = deploy("version", "create", run1, "--copy", cwd=root)
    assert copied.returncode == 0, copied.stderr
    assert copied.stdout.startswith(f"edge-cases@v2: run {run1}")

    listed = deploy("runs", "--json", cwd=root)
    marks = {r["id"]: r["promoted_to"] for r in json.loads(listed.stdout)["runs"]}
    assert marks == {run1: ["edge-cases@v1", "edge-cases@v2"], run2: []}


async def test_rest_answers_409_naming_the_version_and_lists_promoted_runs(
    jp_fetch: Any,
    jp_root_dir: Path,
    template: tuple[Path, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JUPYTER_DEPLOY_DATA_DIR", str(jp_root_dir.parent / "data"))
    shutil.copytree(template[0], jp_root_dir / "proj", symlinks=True)
    run1, run2 = template[1]
    promote = {"project": "proj", "run_id": run1}

    code, created = await call(jp_fetch, "jupyter-deploy", "versions", body=promote)
    assert (code, created["tag"]) == (201, "edge-cases@v1")
    code, refused = await call(jp_fetch, "jupyter-deploy", "versions", body=promote)
    assert code == 409
    assert f"run {run1} is already version edge-cases@v1" in refused["error"]["message"]
    code, body = await call(jp_fetch, "jupyter-deploy", "versions", body={**promote, "copy": 1})
    assert code == 400
    assert "copy" in body["error"]["message"]
    code, copied = await call(
        jp_fetch, "jupyter-deploy", "versions", body={**promote, "copy": True}
    )
    assert (code, copied["tag"], copied["run_id"]) == (201, "edge-cases@v2", run1)

    code, listing = await call(jp_fetch, "jupyter-deploy", "runs", params={"project": "proj"})
    assert code == 200
    marks = {r["id"]: r["promoted_to"] for r in listing["runs"]}
    assert marks == {run1: ["edge-cases@v1", "edge-cases@v2"], run2: []}


def test_a_project_without_versions_lists_its_runs_unmarked(
    project: tuple[Path, list[str]],
) -> None:
    root, (run1, run2) = project
    shutil.rmtree(root / ".git")  # no repository: runs still list, none promoted
    service = RunService(root)
    try:
        marks = {r["id"]: r["promoted_to"] for r in service.listing()["runs"]}
    finally:
        asyncio.run(service.close())
    assert marks == {run1: [], run2: []}
