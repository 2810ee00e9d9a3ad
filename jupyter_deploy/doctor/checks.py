"""Turn probe results into checks a person can act on (the hint says what to do)."""

import platform
import sys
from pathlib import Path

from .._version import API_VERSION, __version__
from ..config import CONFIG_FILE_NAME, DEFAULT_BASE_IMAGE
from ..deployments.selection import TargetChoice
from ..probes import DockerFacts, ToolFacts, package_version
from ..store import StoreStatus
from ..targets import registry
from .model import Check, ProjectInfo

BASE_IMAGE_SCRIPT = "bash scripts/build-base-image.sh"


def check_product() -> Check:
    return Check(
        "product", "jupyter_deploy", "ok", __version__, f"server extension, REST API v{API_VERSION}"
    )


def check_python() -> Check:
    # requires-python keeps older interpreters out, so reaching here means it is new enough.
    return Check("python", "Python", "ok", platform.python_version(), sys.executable)


def check_jupyterlab() -> Check:
    version = package_version("jupyterlab")
    if version is None:
        return Check(
            "jupyterlab",
            "JupyterLab",
            "warning",
            None,
            "JupyterLab is not installed here",
            "pip install 'jupyterlab>=4' to use the Deploy sidebar; the CLI works without it",
        )
    return Check("jupyterlab", "JupyterLab", "ok", version, "JupyterLab 4 is installed")


def check_tool(check_id: str, label: str, facts: ToolFacts, hint: str) -> Check:
    if not facts.found:
        return Check(check_id, label, "error", None, f"{label} is not usable: {facts.error}", hint)
    return Check(check_id, label, "ok", facts.version, str(facts.path))


def check_docker(facts: DockerFacts) -> Check:
    if not facts.reachable:
        return Check(
            "docker",
            "Docker engine",
            "warning",
            None,
            f"not reachable: {facts.error}",
            "No Docker engine reachable: deployments will use the local target. Start the engine"
            " (e.g. `sudo systemctl start docker` or `sudo dockerd &`)"
            " or set DOCKER_HOST to use containers.",
        )
    return Check("docker", "Docker engine", "ok", facts.version, f"reachable at {facts.host}")


def check_base_image(facts: DockerFacts, image: str) -> Check:
    label = "Base image"
    if not facts.reachable:
        return Check(
            "base_image",
            label,
            "warning",
            image,
            "not checked: no Docker engine is reachable",
            None,
        )
    if facts.base_image_present is None:
        return Check(
            "base_image", label, "warning", image, f"could not be checked: {facts.error}", None
        )
    if not facts.base_image_present:
        how = (
            f"{BASE_IMAGE_SCRIPT} {image}"
            if image == DEFAULT_BASE_IMAGE
            else f"docker pull {image}"
        )
        return Check(
            "base_image",
            label,
            "warning",
            image,
            "not present in the local Docker engine",
            f"Builds need it locally: run `{how}`"
            f" (or `docker pull {image}` where a registry is reachable)",
        )
    return Check("base_image", label, "ok", image, f"present locally (image {facts.base_image_id})")


def check_target(choice: TargetChoice) -> Check:
    if not choice.usable:
        others = " or ".join(f"`target: {n}`" for n in registry.choices() if n != choice.name)
        fix = "Start a Docker engine, or set" if choice.name == "docker" else "Set"
        return Check(
            "target",
            "Deployment target",
            "error",
            choice.name,
            choice.reason,
            f"{fix} {others} in {CONFIG_FILE_NAME}",
        )
    return Check("target", "Deployment target", "ok", choice.name, choice.reason)


def check_project(info: ProjectInfo, searched_from: str) -> Check:
    label = "Project config"
    if info.path is None:
        return Check(
            "project",
            label,
            "warning",
            None,
            f"no {CONFIG_FILE_NAME} in {searched_from or 'the root folder'}"
            " or the folders above it",
            f"Open a project folder, or add a {CONFIG_FILE_NAME} naming the model, notebook,"
            " artifacts and metrics file (see examples/)",
        )
    if not info.valid:
        return Check(
            "project",
            label,
            "error",
            info.config_file,
            f"invalid: {info.error}",
            f"Fix {info.config_file} and refresh",
        )
    return Check(
        "project",
        label,
        "ok",
        info.config_file,
        f"{CONFIG_FILE_NAME} is valid (model {info.model})",
    )


def check_store(status: StoreStatus | None, error: str | None, project_dir: Path | None) -> Check:
    label = "State store"
    if project_dir is None:
        return Check("store", label, "ok", None, "no project, so no state database yet")
    if error is not None:
        return Check(
            "store",
            label,
            "error",
            None,
            error,
            "Move the broken database aside; runs and deployments will start a new one",
        )
    assert status is not None
    if not status.exists:
        return Check(
            "store", label, "ok", "not created yet", f"created on first use at {status.path}"
        )
    if status.schema_version > status.latest_version:
        return Check(
            "store",
            label,
            "error",
            f"schema v{status.schema_version}",
            f"{status.path} is newer than this version understands (v{status.latest_version})",
            "Upgrade jupyter_deploy to the version that wrote this database",
        )
    if status.schema_version < status.latest_version:
        return Check(
            "store",
            label,
            "ok",
            f"schema v{status.schema_version}",
            f"{status.path} will be migrated to v{status.latest_version} on next use",
        )
    return Check(
        "store", label, "ok", f"schema v{status.schema_version}", f"{status.path} is current"
    )
