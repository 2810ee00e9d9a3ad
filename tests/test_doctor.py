"""The doctor against the real tools of this machine: git, DVC and the Docker engine."""

from pathlib import Path

import pytest

from jupyter_deploy.config import CONFIG_FILE_NAME
from jupyter_deploy.doctor import run_doctor
from jupyter_deploy.store import latest_version, open_store

IDS = [
    "product",
    "python",
    "jupyterlab",
    "git",
    "dvc",
    "nginx",
    "docker",
    "base_image",
    "target",
    "project",
    "store",
    "repository",
    "dvc_ignore",
]


def test_report_has_every_check_in_order(example_project: Path) -> None:
    report = run_doctor(example_project)
    assert [c.id for c in report.checks] == IDS
    data = report.to_dict()
    assert data["product"] == {"name": "jupyter_deploy", "version": "0.1.0", "api_version": 1}
    assert data["status"] in ("ok", "warning")


def test_git_and_dvc_are_found_with_versions(example_project: Path) -> None:
    report = run_doctor(example_project)
    assert report.check("git").status == "ok"
    assert report.check("git").value[0].isdigit()
    assert report.check("dvc").status == "ok"
    assert report.check("dvc").value.startswith("3.")
    assert report.check("nginx").status == "ok"
    assert report.check("nginx").value[0].isdigit()


def test_missing_git_is_an_error_with_a_hint(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(example_project))  # a PATH with no git on it
    report = run_doctor(example_project)
    git = report.check("git")
    assert git.status == "error"
    assert "Install git" in (git.hint or "")
    assert report.status == "error"


def test_reachable_engine_means_docker_target(example_project: Path, docker_engine: str) -> None:
    report = run_doctor(example_project)
    assert report.check("docker").status == "ok"
    assert report.check("docker").value == docker_engine
    assert report.target["name"] == "docker"
    assert docker_engine in report.target["reason"]


def test_missing_base_image_says_how_to_build_it(example_project: Path, docker_engine: str) -> None:
    config = example_project / CONFIG_FILE_NAME
    config.write_text(
        config.read_text().replace("python:3.11-slim", "jupyter-deploy-test/absent:never")
    )
    check = run_doctor(example_project).check("base_image")
    assert check.status == "warning"
    assert check.value == "jupyter-deploy-test/absent:never"
    assert "not present" in check.detail
    assert "docker pull jupyter-deploy-test/absent:never" in (check.hint or "")


def test_no_engine_means_local_target_with_hint(example_project: Path, no_docker: None) -> None:
    report = run_doctor(example_project)
    docker = report.check("docker")
    assert docker.status == "warning"
    assert "does not exist" in docker.detail
    assert "deployments will use the local target" in (docker.hint or "")
    assert report.target["name"] == "local"
    assert report.check("base_image").detail.startswith("not checked")


def test_config_asking_for_docker_without_engine_is_an_error(
    example_project: Path, no_docker: None
) -> None:
    config = example_project / CONFIG_FILE_NAME
    config.write_text(config.read_text().replace("target: auto", "target: docker"))
    report = run_doctor(example_project)
    assert report.check("target").status == "error"
    assert report.check("target").value == "docker"
    assert "no Docker engine is reachable" in report.check("target").detail


def test_project_is_found_from_a_subfolder_inside_the_root(example_project: Path) -> None:
    sub = example_project / "notebooks"
    sub.mkdir()
    report = run_doctor(sub, root=example_project.parent)
    assert report.project.path == "iris"
    assert report.project.config_file == f"iris/{CONFIG_FILE_NAME}"
    assert report.project.valid is True
    assert report.check("project").status == "ok"
    assert "iris-classifier" in report.check("project").detail


def test_no_project_is_a_warning_not_an_error(tmp_path: Path) -> None:
    report = run_doctor(tmp_path, root=tmp_path)
    assert report.project.path is None
    check = report.check("project")
    assert check.status == "warning"
    assert CONFIG_FILE_NAME in check.detail


def test_invalid_config_reports_the_exact_problem(example_project: Path) -> None:
    config = example_project / CONFIG_FILE_NAME
    config.write_text(config.read_text() + "\nreplicas: lots\n")
    report = run_doctor(example_project)
    assert report.status == "error"
    assert report.project.valid is False
    assert "replicas" in (report.project.error or "")
    assert report.check("project").status == "error"


def test_store_states(example_project: Path) -> None:
    assert run_doctor(example_project).check("store").value == "not created yet"
    open_store(example_project).close()
    assert run_doctor(example_project).check("store").value == f"schema v{latest_version()}"


def test_a_project_outside_git_is_told_how_to_get_versions(example_project: Path) -> None:
    report = run_doctor(example_project)
    repository = report.check("repository")
    assert repository.status == "warning"
    assert "not in a git repository" in repository.detail
    assert "git init" in (repository.hint or "")
    assert report.check("dvc_ignore").detail.startswith("not checked:")
