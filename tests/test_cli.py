"""The real `jupyter deploy` command, run as a user would run it."""

import json
from pathlib import Path

from conftest import deploy

from jupyter_deploy.config import CONFIG_FILE_NAME


def test_help_lists_doctor() -> None:
    done = deploy("--help")
    assert done.returncode == 0
    assert "doctor" in done.stdout


def test_no_command_prints_usage_and_fails() -> None:
    done = deploy()
    assert done.returncode == 2
    assert "usage: jupyter deploy" in done.stdout


def test_unknown_command_is_a_usage_error() -> None:
    done = deploy("deplyo")
    assert done.returncode == 2
    assert "invalid choice: 'deplyo'" in done.stderr


def test_doctor_json(example_project: Path) -> None:
    done = deploy("doctor", "--json", cwd=example_project)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["product"]["version"] == "0.1.0"
    assert report["target"]["name"] in ("docker", "local")
    assert report["project"]["valid"] is True
    assert {c["id"] for c in report["checks"]} >= {"docker", "git", "dvc", "target", "project"}


def test_doctor_human_output_names_the_target(example_project: Path) -> None:
    done = deploy("doctor", "--project", str(example_project))
    assert done.returncode == 0, done.stderr
    assert "Deployments will use the" in done.stdout
    assert "Project config" in done.stdout


def test_doctor_fails_on_invalid_config(example_project: Path) -> None:
    config = example_project / CONFIG_FILE_NAME
    config.write_text(config.read_text() + "\ntarget: cloud\n")
    done = deploy("doctor", cwd=example_project)
    assert done.returncode == 1
    assert "duplicate key 'target'" in done.stdout


def test_doctor_rejects_a_missing_folder(tmp_path: Path) -> None:
    done = deploy("doctor", "--project", str(tmp_path / "nope"))
    assert done.returncode == 2
    assert "is not a folder" in done.stderr
