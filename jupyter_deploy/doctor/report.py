"""Assemble the doctor report; the slow probes run side by side."""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from .. import identity
from .._version import API_VERSION, __version__
from ..config import CONFIG_FILE_NAME, DEFAULT_BASE_IMAGE, ProjectConfig, find_project, load_config
from ..deployments.selection import choose_target
from ..errors import DeployError
from ..paths import relative_to_root
from ..probes import probe_docker, probe_dvc, probe_git, probe_nginx
from ..store import StoreStatus, inspect_store
from . import checks, repository
from .model import DoctorReport, ProjectInfo


def _project(
    start: Path, root: Path | None
) -> tuple[Path | None, ProjectConfig | None, ProjectInfo]:
    project_dir = find_project(start, root)
    if project_dir is None:
        return None, None, ProjectInfo(path=None, config_file=None, valid=None)

    def shown(path: Path) -> str:
        return relative_to_root(root, path) if root is not None else str(path)

    config_file = shown(project_dir / CONFIG_FILE_NAME)
    try:
        config = load_config(project_dir)
    except DeployError as exc:
        return project_dir, None, ProjectInfo(shown(project_dir), config_file, False, exc.message)
    return (
        project_dir,
        config,
        ProjectInfo(shown(project_dir), config_file, True, model=config.model),
    )


def _store(project_dir: Path | None) -> tuple[StoreStatus | None, str | None]:
    if project_dir is None:
        return None, None
    try:
        return inspect_store(project_dir), None
    except DeployError as exc:
        return None, exc.message


def run_doctor(
    start: Path, root: Path | None = None, user: identity.Identity | None = None
) -> DoctorReport:
    """Report on this machine and the project at or above `start` (not above `root`); `user` is
    the caller's named Jupyter user, if any (see `identity.resolve`)."""
    began = time.monotonic()
    project_dir, config, info = _project(start, root)
    base_image = config.base_image if config else DEFAULT_BASE_IMAGE
    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="jd-doctor") as pool:
        git = pool.submit(probe_git)
        dvc = pool.submit(probe_dvc)
        nginx = pool.submit(probe_nginx)
        docker = pool.submit(probe_docker, base_image)
        who = pool.submit(identity.resolve, project_dir or start, user)
        store_status, store_error = _store(project_dir)
        git_facts, dvc_facts, docker_facts = git.result(), dvc.result(), docker.result()

    choice = choose_target(config.target if config else "auto", docker_facts)
    searched = relative_to_root(root, start) if root is not None else str(start.resolve())
    report_checks = [
        checks.check_product(),
        checks.check_python(),
        checks.check_jupyterlab(),
        checks.check_tool(
            "git", "git", git_facts, "Install git (e.g. apt-get install git): versions are commits"
        ),
        checks.check_tool(
            "dvc", "DVC", dvc_facts, "pip install 'dvc>=3' here: data and model files use DVC"
        ),
        checks.check_tool(
            "nginx",
            "nginx",
            nginx.result(),
            "Install nginx (Debian: apt-get install nginx-light): it is every deployment's gateway",
        ),
        checks.check_docker(docker_facts),
        checks.check_base_image(docker_facts, base_image),
        checks.check_target(choice),
        checks.check_project(info, searched),
        checks.check_store(store_status, store_error, project_dir),
        repository.check_repository(project_dir),
        repository.check_dvc_ignores(project_dir, config),
    ]
    return DoctorReport(
        product={"name": "jupyter_deploy", "version": __version__, "api_version": API_VERSION},
        generated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        duration_ms=round((time.monotonic() - began) * 1000),
        target={"name": choice.name, "reason": choice.reason},
        project=info,
        checks=report_checks,
        identity=who.result(),
    )
