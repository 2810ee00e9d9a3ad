"""`jupyter deploy up|status|logs|rollback|down` as a user runs them, on the local target (real
model server processes, real nginx): progress on stderr, the key once, clear exits on failure."""

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import copy_example, deploy
from load_fixtures import FLOWER
from version_fixtures import init_repository, new_version

MODEL = "iris-classifier"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    # Replica records and the user's key copies in folders of this test's own; the CLI is a
    # child process and inherits them.
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    project = copy_example(tmp_path / "iris")
    init_repository(project)
    yield project
    deploy("down", "--project", str(project))


def test_up_status_logs_rollback_down_from_a_terminal(project: Path, tmp_path: Path) -> None:
    where = ("--project", str(project))
    none = deploy("up", MODEL, "--target", "local", *where)
    assert none.returncode == 2
    assert "no versions yet" in none.stderr
    assert "Traceback" not in none.stderr

    new_version(project, n_estimators=5)
    bad = [
        (["up", "other-model", "--target", "local"], "no model 'other-model'"),
        (["up", f"{MODEL}@v9", "--target", "local"], "no version"),
        (["up", MODEL, "--target", "local", "--replicas", "0"], "replicas"),
        (["up", MODEL, "--target", "local", "--name", "Bad Name"], "deployment name"),
        (["status", "nothing"], "no deployment by that name (none exists yet)"),
        (["rollback", "nothing"], "no deployment by that name (none exists yet)"),
    ]
    for args, text in bad:
        answer = deploy(*args, *where)
        assert answer.returncode == 2, (args, answer.stderr)
        assert text in answer.stderr, (args, answer.stderr)
        assert "Traceback" not in answer.stderr

    up = deploy("up", MODEL, "--target", "local", *where)
    assert up.returncode == 0, up.stderr
    for step in ("[build]", "[start]", "[ready]", "[switch]"):
        assert step in up.stderr
    key = up.stdout.strip().splitlines()[-1].strip()
    key_file = tmp_path / "data" / "jupyter-deploy" / "keys"
    assert key in {f.read_text().strip() for f in key_file.rglob("*.key")}
    assert oct(next(key_file.rglob("*.key")).stat().st_mode & 0o777) == "0o600"

    status = json.loads(deploy("status", "--json", *where).stdout)
    assert status["version"] == f"{MODEL}@v1"
    assert status["target"] == "local"
    assert "api_key" not in status
    answer = httpx.post(
        f"{status['endpoint']}/predict", json=FLOWER, headers={"Authorization": f"Bearer {key}"}
    )
    assert answer.status_code == 200

    # A missing deployment's message names the ones that exist and how to make one; it does
    # not send the user back to the command they just ran.
    missing = deploy("status", "nothing", *where)
    assert missing.returncode == 2
    assert f"deployments in this project: {MODEL}" in missing.stderr
    assert "jupyter deploy up" in missing.stderr
    assert "see `jupyter deploy status`" not in missing.stderr

    logs = deploy("logs", "--tail", "20", *where)
    assert logs.returncode == 0
    assert logs.stdout.strip()

    rollback = deploy("rollback", *where)
    assert rollback.returncode == 1
    assert "no previous version" in rollback.stderr

    down = deploy("down", *where)
    assert down.returncode == 0, down.stderr
    assert "stopped" in down.stdout
    again = deploy("down", *where)
    assert again.returncode == 1
    assert "already stopped" in again.stderr
