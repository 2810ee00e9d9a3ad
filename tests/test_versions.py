"""Versions against real git and DVC: promotion, the user's state left alone, interop."""

import asyncio
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import JUPYTER, call, deploy
from http_store import http_store
from promote_fixtures import ME, committed_project, dvc, fresh_copy, git
from runs_fixtures import make_project

from jupyter_deploy.errors import Conflict, NotFound
from jupyter_deploy.runs import Limits, RunService
from jupyter_deploy.versions import Versions, dvc_store
from jupyter_deploy.versions import restore as restoring
from jupyter_deploy.versions.dvc_store import object_path


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    return committed_project(tmp_path_factory.mktemp("tpl") / "proj")


@pytest.fixture
def project(
    template: tuple[Path, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, list[str]]:
    return fresh_copy(template, tmp_path, monkeypatch)


def user_state(project: Path) -> dict[str, str]:
    return {
        "status": git(project, "status", "--porcelain=v2", "--branch", "--untracked-files=all"),
        "staged": git(project, "diff", "--cached"),
        "unstaged": git(project, "diff"),
        "head": git(project, "rev-parse", "HEAD"),
    }


def test_a_version_is_a_tagged_commit_and_the_users_changes_stay_theirs(
    project: tuple[Path, list[str]],
) -> None:
    root, (run1, _) = project
    (root / "data.txt").write_text("edited, not staged\n")
    (root / "notes.md").write_text("staged\n")
    git(root, "add", "notes.md")
    (root / "scratch.py").write_text("untracked\n")
    before = user_state(root)

    version = Versions(root).promote(run1, ME)

    # .dvc/ appears (untracked, as DVC's own files do); nothing else in the user's state moves.
    after = user_state(root)
    assert after["staged"] == before["staged"]
    assert after["unstaged"] == before["unstaged"]
    assert after["head"] == before["head"]
    new_lines = set(after["status"].splitlines()) - set(before["status"].splitlines())
    assert new_lines <= {"? .dvc/.gitignore", "? .dvc/config", "? .dvc/config.local",
                         "? .dvcignore"}  # fmt: skip

    assert version["tag"] == "edge-cases@v1"
    # `@v1` names the version; `@v1.0.0` on the same commit registers it with GTO (SemVer only).
    assert git(root, "tag", "--list").split() == ["edge-cases@v1", "edge-cases@v1.0.0"]
    assert git(root, "rev-parse", "edge-cases@v1.0.0^{commit}") == git(
        root, "rev-parse", "edge-cases@v1^{commit}"
    )
    assert git(root, "cat-file", "-t", "edge-cases@v1").strip() == "tag"
    assert git(root, "rev-parse", "edge-cases@v1^{commit}^").strip() == before["head"].strip()
    tree = git(root, "ls-tree", "-r", "--name-only", "edge-cases@v1").split()
    for path in ("out/result.txt.dvc", "out/.gitignore", "metrics.json", "write.ipynb",
                 "dvc.yaml", "deploy-version.json", "deploy-environment.txt",
                 ".dvc/config"):  # fmt: skip
        assert path in tree
    assert "notes.md" not in tree
    assert "scratch.py" not in tree
    assert git(root, "show", "edge-cases@v1:data.txt") == "input data\n"
    lock = git(root, "show", "edge-cases@v1:deploy-environment.txt").splitlines()
    assert lock[0].startswith("# edge-cases@v1: the run's kernel environment (Python 3.")
    assert any(line.startswith("ipykernel==") for line in lock)
    meta = json.loads(git(root, "show", "edge-cases@v1:deploy-version.json"))
    assert meta["run_id"] == run1
    assert meta["parameters"] == {"value": 1}
    assert meta["author"] == {"name": "Ada Tester", "email": "ada@example.org"}
    # The data the run read is committed as it was: git keeps it, the version names its hash.
    assert meta["data"] == [
        {"path": "data.txt", "md5": hashlib.md5(b"input data\n").hexdigest(), "size": 11,
         "storage": "git"}
    ]  # fmt: skip
    # The serving API, read from the serve cell's type hints.
    assert meta["schema"]["source"] == "type hints"
    assert meta["schema"]["input"]["items"]["properties"] == {
        "text": {"type": "string"}, "weight": {"type": "number"}
    }  # fmt: skip
    assert meta["schema"]["output"] == {"type": "array", "items": {"type": "string"}}
    # Listings are summaries (a thousand versions stay a small answer); show() is complete.
    (listed,) = Versions(root).listing()
    assert "schema" not in listed
    assert listed["environment"]["package_count"] == len(meta["environment"]["packages"]) > 10
    assert "packages" not in listed["environment"]
    assert Versions(root).show("edge-cases@v1") == meta
    assert git(root, "log", "-1", "--format=%an <%ae>", "edge-cases@v1").strip() == (
        "Ada Tester <ada@example.org>"
    )


def test_a_fresh_clone_reads_versions_with_git_and_dvc_alone(
    project: tuple[Path, list[str]], tmp_path: Path
) -> None:
    root, (run1, run2) = project
    versions = Versions(root)
    versions.promote(run1, ME)
    versions.promote(run2, ME)
    assert [v["version"] for v in versions.listing()] == ["v2", "v1"]
    expected = {
        "edge-cases@v1": (root / "deploy-runs" / run1 / "out/result.txt").read_bytes(),
        "edge-cases@v2": (root / "deploy-runs" / run2 / "out/result.txt").read_bytes(),
    }
    assert expected["edge-cases@v1"] == b"1"

    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(root), str(clone))
    assert git(clone, "tag", "--list", "edge-cases@v?").split() == [
        "edge-cases@v1",
        "edge-cases@v2",
    ]

    got = dvc(clone, "get", ".", "out/result.txt", "--rev", "edge-cases@v2", "-o", "v2.txt")
    assert got.returncode == 0, got.stderr
    assert (clone / "v2.txt").read_bytes() == expected["edge-cases@v2"]

    git(clone, "checkout", "-q", "edge-cases@v1")
    pulled = dvc(clone, "pull")
    assert pulled.returncode == 0, pulled.stderr
    assert (clone / "out/result.txt").read_bytes() == expected["edge-cases@v1"]

    diff = dvc(clone, "metrics", "diff", "edge-cases@v1", "edge-cases@v2", "--json")
    assert diff.returncode == 0, diff.stderr
    change = json.loads(diff.stdout)["metrics.json"]["value"]
    assert (change["old"], change["new"]) == (1, 2)


def test_runs_that_cannot_become_versions_are_refused(project: tuple[Path, list[str]]) -> None:
    root, _ = project
    versions = Versions(root)
    with pytest.raises(NotFound, match="no run 'r-0000000000'"):
        versions.promote("r-0000000000", ME)
    run = versions.records.find()[0]
    versions.records.update(run["id"], status="failed")
    with pytest.raises(Conflict, match="only a succeeded run becomes a version"):
        versions.promote(run["id"], ME)
    assert git(root, "tag", "--list") == ""


def test_promotions_at_once_are_serialised_into_distinct_versions(
    project: tuple[Path, list[str]],
) -> None:
    root, (run1, run2) = project
    errors: list[BaseException] = []

    def promote(run_id: str) -> None:
        try:
            Versions(root).promote(run_id, ME, copy=True)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=promote, args=(r,)) for r in [run1, run2] * 5]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(git(root, "tag", "--list").split()) == sorted(
        f"edge-cases@v{n}{gto}" for n in range(1, 11) for gto in ("", ".0.0")
    )


def test_command_line_creates_lists_and_shows_versions(project: tuple[Path, list[str]]) -> None:
    root, (run1, run2) = project
    git(root, "config", "user.name", "Grace CLI")
    git(root, "config", "user.email", "grace@example.org")

    created = deploy("version", "create", run1, cwd=root)
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith(f"edge-cases@v1: run {run1}, commit ")
    second = deploy("version", "create", run2, "--json", cwd=root)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["tag"] == "edge-cases@v2"

    listing = deploy("versions", "--json", cwd=root)
    versions = json.loads(listing.stdout)["versions"]
    assert [v["tag"] for v in versions] == ["edge-cases@v2", "edge-cases@v1"]
    assert versions[1]["author"] == {"name": "Grace CLI", "email": "grace@example.org"}
    assert versions[0]["metrics"]["value"] == 2
    table = deploy("versions", "edge-cases", cwd=root).stdout
    assert "edge-cases@v2" in table
    other = deploy("versions", "iris", cwd=root)
    assert other.returncode == 2
    assert "no model 'iris'" in other.stderr
    assert "its model is 'edge-cases'" in other.stderr
    assert "value=2" in table

    shown = deploy("version", "show", "edge-cases@v1", "--json", cwd=root)
    assert json.loads(shown.stdout)["run_id"] == run1
    text = deploy("version", "show", "edge-cases@v1", cwd=root).stdout
    assert f"run       {run1} of write.ipynb" in text
    assert "  value = 1" in text
    assert "model out/result.txt  1 B  md5 " in text
    assert "data  data.txt  11 B" in text
    assert "input  [].text: string" in text
    assert "output [](body)" not in text
    for bad, message in [
        ("edge-cases@v9", "no version edge-cases@v9"),
        ("other@v1", "expected edge-cases@v<N>"),
        ("edge-cases@latest", "MODEL@vN: expected a version as MODEL@vN"),
    ]:
        refused = deploy("version", "show", bad, cwd=root)
        assert refused.returncode == 2
        assert message in refused.stderr
        assert "Traceback" not in refused.stderr

    missing = deploy("version", "create", "r-0000000000", cwd=root)
    assert missing.returncode == 2
    assert "no run 'r-0000000000'" in missing.stderr


def test_a_project_outside_git_gets_a_clear_error(tmp_path: Path) -> None:
    project = make_project(tmp_path / "loose")
    refused = deploy("versions", cwd=project)
    assert refused.returncode == 2  # a configuration problem, as jupyter-deploy.yaml errors are
    assert "not in a git repository" in refused.stderr
    assert "git init" in refused.stderr


def test_a_promotion_killed_at_any_moment_leaves_a_whole_version_or_none(
    project: tuple[Path, list[str]], tmp_path: Path
) -> None:
    root, (run1, _) = project
    remote = next((tmp_path / "data" / "dvc-remote").glob("*"), None)
    for delay in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.5):
        proc = subprocess.Popen(
            [JUPYTER, "deploy", "version", "create", run1, "--copy"],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.kill()
        proc.wait()
        remote = next((tmp_path / "data" / "dvc-remote").glob("*"), remote)
        for version in Versions(root).listing():
            for item in version["files"]:
                md5 = item["md5"]
                assert object_path(root / ".dvc" / "cache", md5).is_file(), version["tag"]
                assert remote is not None
                assert object_path(remote, md5).is_file(), version["tag"]
    # The lock dies with its holder: the next promotion goes through, and registers with GTO
    # any version killed between its two tags.
    after = deploy("version", "create", run1, "--copy", cwd=root)
    assert after.returncode == 0, after.stderr
    numbers = [v["version"] for v in Versions(root).listing()]
    assert sorted(git(root, "tag", "--list", "*.0.0").split()) == sorted(
        f"edge-cases@{n}.0.0" for n in numbers
    )


async def test_versions_through_the_rest_api(
    jp_fetch: Any,
    jp_root_dir: Path,
    template: tuple[Path, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JUPYTER_DEPLOY_DATA_DIR", str(jp_root_dir.parent / "data"))
    shutil.copytree(template[0], jp_root_dir / "proj", symlinks=True)
    run1, run2 = template[1]
    q = {"params": {"project": "proj"}}

    code, body = await call(jp_fetch, "jupyter-deploy", "versions", **q)
    assert (code, body["model"], body["versions"]) == (200, "edge-cases", [])
    code, created = await call(
        jp_fetch, "jupyter-deploy", "versions", body={"project": "proj", "run_id": run2}
    )
    assert code == 201, created
    assert created["tag"] == "edge-cases@v1"
    assert created["author"]["name"]  # the Jupyter user, whoever the test server signs in
    code, body = await call(jp_fetch, "jupyter-deploy", "versions", **q)
    assert [v["run_id"] for v in body["versions"]] == [run2]
    code, one = await call(jp_fetch, "jupyter-deploy", "versions", "edge-cases@v1", **q)
    assert (code, one["metrics"]["value"]) == (200, 2)

    refusals = [
        ({"project": "proj"}, 400, "run_id"),
        ({"project": "proj", "run_id": "r-0000000000"}, 404, "no run"),
        ({"project": "../outside", "run_id": run1}, 403, ""),
        ({"project": "proj", "run_id": run1, "extra": 1}, 400, "request body: unknown field"),
    ]
    for payload, status, words in refusals:
        code, body = await call(jp_fetch, "jupyter-deploy", "versions", body=payload)
        assert code == status, (payload, body)
        assert words in body["error"]["message"]
    code, body = await call(jp_fetch, "jupyter-deploy", "versions", "edge-cases@v7", **q)
    assert code == 404
    assert "no version edge-cases@v7" in body["error"]["message"]

    # Compare, stage and restore through the API, as the sidebar will.
    code, _ = await call(
        jp_fetch, "jupyter-deploy", "versions", body={"project": "proj", "run_id": run1}
    )
    assert code == 201
    code, changes = await call(
        jp_fetch,
        "jupyter-deploy",
        "versions",
        "diff",
        params={"project": "proj", "old": "edge-cases@v1", "new": "edge-cases@v2"},
    )
    assert (code, changes["parameters"]) == (200, {"value": {"old": 2, "new": 1}})
    code, body = await call(jp_fetch, "jupyter-deploy", "versions", "diff", **q)
    assert code == 400

    stage = {"project": "proj", "version": "edge-cases@v2", "stage": "production"}
    code, assigned = await call(jp_fetch, "jupyter-deploy", "stages", body=stage)
    assert (code, assigned["tag"]) == (201, "edge-cases#production#1")
    code, body = await call(jp_fetch, "jupyter-deploy", "stages", body={**stage, "stage": "Prod"})
    assert code == 400
    code, body = await call(jp_fetch, "jupyter-deploy", "stages", **q)
    assert body["current"] == {"production": "v2"}
    code, body = await call(jp_fetch, "jupyter-deploy", "versions", **q)
    assert [v["stages"] for v in body["versions"]] == [["production"], []]

    code, planned = await call(
        jp_fetch, "jupyter-deploy", "versions", "edge-cases@v2", "restore", **q
    )
    assert [(f["path"], f["action"]) for f in planned["files"]] == [
        ("out/result.txt", "create"),
        ("metrics.json", "create"),  # from the version's commit, as git keeps it
        ("data.txt", "unchanged"),
    ]
    assert not (jp_root_dir / "proj" / "out").exists(), "a plan changes nothing"
    code, done = await call(
        jp_fetch, "jupyter-deploy", "versions", "edge-cases@v2", "restore", body={"project": "proj"}
    )
    assert (code, done["files"][0]["action"]) == (200, "create")
    assert (jp_root_dir / "proj" / "out" / "result.txt").read_text() == "1"

    # The executed notebook of a version, as a read-only file to open in JupyterLab.
    opened = {"project": "proj"}
    code, body = await call(
        jp_fetch, "jupyter-deploy", "versions", "edge-cases@v1", "notebook", body=opened
    )
    assert code == 200, body
    path = jp_root_dir / body["path"]
    assert body["path"] == "proj/deploy-runs/versions/edge-cases@v1/write.ipynb"
    injected = json.loads(path.read_text())["cells"][2]["source"]
    assert "".join(injected) == "# Parameters\nvalue = 2\n"
    assert not os.access(path, os.W_OK) or os.geteuid() == 0
    assert path.stat().st_mode & 0o222 == 0
    code, body = await call(
        jp_fetch, "jupyter-deploy", "versions", "edge-cases@v9", "notebook", body=opened
    )
    assert code == 404


def test_an_unchanged_file_is_not_read_again_and_a_changed_one_is(
    project: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, (run1, _) = project
    versions = Versions(root)
    first = versions.promote(run1, ME)

    def no_copy(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged file was read and copied again")

    with monkeypatch.context() as patched:
        patched.setattr(dvc_store.tempfile, "mkstemp", no_copy)
        second = versions.promote(run1, ME, copy=True)
    assert second["files"] == first["files"]

    artifact = root / "deploy-runs" / run1 / "out/result.txt"
    artifact.write_text("changed")
    third = versions.promote(run1, ME, copy=True)
    assert third["files"][0]["md5"] != first["files"][0]["md5"]
    assert third["files"][0]["size"] == len("changed")


def test_stages_are_gto_stage_tags_and_keep_their_history(
    project: tuple[Path, list[str]],
) -> None:
    root, (run1, run2) = project
    git(root, "config", "user.name", "Ops Person")
    git(root, "config", "user.email", "ops@example.org")
    versions = Versions(root)
    versions.promote(run1, ME)
    versions.promote(run2, ME)

    for reference, stage in [
        ("edge-cases@v1", "production"),
        ("edge-cases@v2", "staging"),
        ("edge-cases@v2", "production"),
    ]:
        done = deploy("stage", "set", reference, stage, cwd=root)
        assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("production: edge-cases@v2 (tag edge-cases#production#2)")

    tags = git(root, "tag", "--list", "edge-cases#*").split()
    assert sorted(tags) == [
        "edge-cases#production#1",
        "edge-cases#production#2",
        "edge-cases#staging#1",
    ]
    for tag, version in [("edge-cases#production#1", "v1"), ("edge-cases#production#2", "v2")]:
        assert git(root, "cat-file", "-t", tag).strip() == "tag"
        assert git(root, "rev-parse", f"{tag}^{{commit}}") == git(
            root, "rev-parse", f"edge-cases@{version}^{{commit}}"
        )

    listing = json.loads(deploy("versions", "--json", cwd=root).stdout)["versions"]
    assert {v["version"]: v["stages"] for v in listing} == {
        "v2": ["production", "staging"],
        "v1": [],
    }
    history = json.loads(deploy("stage", "history", "--json", cwd=root).stdout)["assignments"]
    assert [(a["stage"], a["version"]) for a in history] == [
        ("production", "v1"),
        ("staging", "v2"),
        ("production", "v2"),
    ]
    assert {a["author"]["name"] for a in history} == {"Ops Person"}

    # GTO's own tool reads the same registry: versions, and the stage each one holds.
    gto = subprocess.run(
        [str(Path(sys.executable).parent / "gto"), "show", "--json"],
        cwd=root, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert json.loads(gto.stdout)["edge-cases"]["version"] == "v2.0.0"
    assert json.loads(gto.stdout)["edge-cases"]["stage"] == {
        "production": "v2.0.0", "staging": "v2.0.0"
    }  # fmt: skip

    for args, message in [
        (("edge-cases@v1", "Prod!"), "lowercase letters, digits and dashes"),
        (("edge-cases@v5", "staging"), "no version edge-cases@v5"),
    ]:
        refused = deploy("stage", "set", *args, cwd=root)
        assert refused.returncode == 2
        assert message in refused.stderr


def test_diff_names_what_changed_between_two_versions(project: tuple[Path, list[str]]) -> None:
    root, (run1, run2) = project
    versions = Versions(root)
    versions.promote(run1, ME)
    versions.promote(run2, ME)

    done = deploy("version", "diff", "edge-cases@v1", "edge-cases@v2", "--json", cwd=root)
    assert done.returncode == 0, done.stderr
    changes = json.loads(done.stdout)
    assert changes["parameters"] == {"value": {"old": 1, "new": 2}}
    assert changes["metrics"]["value"] == {"old": 1, "new": 2, "delta": 1}
    assert changes["metrics"]["nested.score"]["delta"] == 2
    assert set(changes["files"]) == {"out/result.txt"}
    assert changes["data"] == {}
    assert changes["schema"] == {"breaking": False, "changes": []}
    # Only papermill's injected parameters differ: matched by its tag, not its per-run id.
    assert [(c["cell_id"], c["change"]) for c in changes["cells"]] == [
        ("injected-parameters", "modified")
    ]
    assert "-value = 1\n+value = 2" in changes["cells"][0]["diff"]

    text = deploy("version", "diff", "edge-cases@v1", "edge-cases@v2", cwd=root).stdout
    assert "value: 1 → 2  (+1)" in text
    same = deploy("version", "diff", "edge-cases@v1", "edge-cases@v1", cwd=root).stdout
    assert "parameters: unchanged" in same
    assert "serving API: unchanged" in same
    assert "notebook cells: unchanged" in same


def test_restore_asks_first_keeps_what_it_overwrites_and_verifies_what_it_writes(
    project: tuple[Path, list[str]],
) -> None:
    root, (run1, run2) = project
    versions = Versions(root)
    versions.promote(run1, ME)
    versions.promote(run2, ME)
    target = root / "out" / "result.txt"
    target.parent.mkdir()
    target.write_text("my local experiment")  # in no version: must never be lost

    unconfirmed = deploy("version", "restore", "edge-cases@v1", cwd=root)
    assert unconfirmed.returncode == 2
    assert "overwrite" in unconfirmed.stdout
    assert "add --yes" in unconfirmed.stderr
    assert target.read_text() == "my local experiment"

    done = deploy("version", "restore", "edge-cases@v1", "--yes", cwd=root)
    assert done.returncode == 0, done.stderr
    assert target.read_bytes() == (root / "deploy-runs" / run1 / "out/result.txt").read_bytes()
    line = next(ln for ln in done.stdout.splitlines() if "saved the previous" in ln)
    kept = object_path(root / ".dvc" / "cache", line.rsplit(" ", 1)[1])
    assert kept.read_text() == "my local experiment"
    assert json.loads((root / "metrics.json").read_text())["value"] == 1

    again = deploy("version", "restore", "edge-cases@v1", "--yes", cwd=root)
    assert "Nothing to do." in again.stdout

    # A damaged stored copy is refused and the file in place is left alone.
    v2_md5 = versions.show("edge-cases@v2")["files"][0]["md5"]
    for base in (root / ".dvc" / "cache", next((root.parent / "data" / "dvc-remote").glob("*"))):
        damaged = object_path(base, v2_md5)
        damaged.chmod(0o644)
        damaged.write_text("bit rot")
    refused = deploy("version", "restore", "edge-cases@v2", "--yes", cwd=root)
    assert refused.returncode == 1
    assert "damaged" in refused.stderr
    assert target.read_bytes() == b"1"
    assert json.loads((root / "metrics.json").read_text())["value"] == 1


def test_promotion_reports_progress_per_stored_file(project: tuple[Path, list[str]]) -> None:
    root, (run1, _) = project
    artifact = root / "deploy-runs" / run1 / "out/result.txt"
    artifact.write_bytes(b"x" * (9 * 2**20))  # more than two read chunks
    seen: list[tuple[str, int, int]] = []
    Versions(root).promote(run1, ME, lambda name, done, total: seen.append((name, done, total)))
    model = [s for s in seen if s[0] == "storing result.txt"]
    assert [s[1] for s in model] == sorted(s[1] for s in model)
    assert len(model) == 3
    assert model[-1] == ("storing result.txt", 9 * 2**20, 9 * 2**20)
    assert seen[len(model) :] == [
        ("hashing data.txt", 11, 11),  # the data it read, kept by git
        ("pushing out/result.txt to jupyter-deploy", 9 * 2**20, 9 * 2**20),
    ]


def test_data_the_run_read_is_versioned_and_must_be_what_the_run_read(
    project: tuple[Path, list[str]],
) -> None:
    root, _ = project
    big = root / "data" / "big.bin"
    big.parent.mkdir()
    big.write_bytes(bytes(range(256)) * 8192)  # 2 MiB: linked into workspaces, not copied
    config = root / "jupyter-deploy.yaml"
    config.write_text(
        config.read_text().replace("data: [data.txt]", "data: [data.txt, data/big.bin]")
    )

    async def one_run() -> str:
        service = RunService(root, max_concurrency=1)
        try:
            run = await service.start_run("write.ipynb", {"value": 3}, user="t", limits=Limits())
            await service.wait([run["id"]])
            assert service.get(run["id"])["status"] == "succeeded"
            return str(run["id"])
        finally:
            await service.close()

    run = asyncio.run(one_run())
    version = Versions(root).promote(run, ME)
    md5 = hashlib.md5(big.read_bytes()).hexdigest()
    assert version["data"] == [
        {"path": "data.txt", "md5": hashlib.md5(b"input data\n").hexdigest(), "size": 11,
         "storage": "git"},
        {"path": "data/big.bin", "md5": md5, "size": 2 * 1024 * 1024, "storage": "dvc"},
    ]  # fmt: skip
    # Not in git: DVC-tracked in the version's commit, its bytes in the cache and the remote.
    assert f"md5: {md5}" in git(root, "show", f"{version['tag']}:data/big.bin.dvc")
    assert "/big.bin" in git(root, "show", f"{version['tag']}:data/.gitignore").splitlines()
    remote = Versions(root).dvc.remote("edge-cases").path
    assert remote is not None
    assert object_path(remote, md5).read_bytes() == big.read_bytes()

    # A linked input changed after the run started is not what the run read.
    os.utime(big)
    with pytest.raises(Conflict, match=r"data/big\.bin changed after run"):
        Versions(root).promote(run, ME, copy=True)

    # A git-tracked input with uncommitted edits the run read: commit first.
    (root / "data.txt").write_text("committed later\n")
    git(root, "-c", "user.name=T", "-c", "user.email=t@x", "commit", "-qam", "new data")
    (root / "data.txt").write_text("input data\n")  # what the notebook expects, uncommitted
    edited = asyncio.run(one_run())
    with pytest.raises(Conflict, match=r"data\.txt is tracked by git and the run read uncommitted"):
        Versions(root).promote(edited, ME)
    assert git(root, "tag", "--list").split() == [version["tag"], f"{version['tag']}.0.0"]


def test_any_dvc_remote_by_configuration(project: tuple[Path, list[str]], tmp_path: Path) -> None:
    """A remote DVC reaches over the network (here an HTTP object store standing in for S3 and
    the like): versions are pushed with DVC's own transfer and restored from it."""
    root, (run1, run2) = project
    store = tmp_path / "store"
    with http_store(store) as base:
        assert dvc(root, "init", "-q").returncode == 0
        url = base.replace("://", "://ada:s3cret@") + "/dvc"
        assert dvc(root, "remote", "add", "-d", "web", url).returncode == 0
        seen: list[str] = []
        version = Versions(root).promote(run1, ME, lambda name, done, total: seen.append(name))
        md5 = version["files"][0]["md5"]
        assert object_path(store / "dvc", md5).read_bytes() == b"1"
        assert "pushing out/result.txt to web" in seen
        # Clones find the remote in the version, without the password.
        committed = git(root, "show", f"{version['tag']}:.dvc/config")
        assert "/dvc" in committed
        assert "s3cret" not in committed

        # A restore with an empty local cache fetches from the remote and verifies.
        shutil.rmtree(root / ".dvc" / "cache")
        restoring.restore(Versions(root), version["tag"])
        assert (root / "out" / "result.txt").read_bytes() == b"1"

    # The store is gone: the promotion fails before any tag, and says why without the password.
    with pytest.raises(Conflict, match="DVC remote 'web'") as caught:
        Versions(root).promote(run2, ME)
    assert "s3cret" not in str(caught.value)
    assert "ada:***@" in str(caught.value)
    assert git(root, "tag", "--list", "edge-cases@v?").split() == ["edge-cases@v1"]
