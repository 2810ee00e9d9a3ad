"""Facts about this machine's tools: git, DVC, the Docker engine.

Each probe returns a plain value and never raises for an absent tool: absence is a fact the
doctor reports, not an error.
"""

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

PROBE_TIMEOUT_S = 15.0
DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock"


@dataclass(frozen=True)
class ToolFacts:
    found: bool
    version: str | None = None
    path: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class DockerFacts:
    reachable: bool
    version: str | None = None
    host: str | None = None
    error: str | None = None
    base_image: str | None = None
    base_image_present: bool | None = None
    base_image_id: str | None = None


def package_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _executable(name: str) -> str | None:
    # Prefer the tool installed next to this interpreter (the venv's dvc), then PATH.
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return str(beside)
    return shutil.which(name)


def _run_version(argv: list[str], pattern: str) -> ToolFacts:
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return ToolFacts(found=False, path=argv[0], error=_one_line(str(exc)))
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        return ToolFacts(
            found=False, path=argv[0], error=_one_line(output) or f"exit {done.returncode}"
        )
    match = re.search(pattern, output)
    return ToolFacts(found=True, path=argv[0], version=match.group(1) if match else output[:40])


def probe_git() -> ToolFacts:
    exe = shutil.which("git")
    if exe is None:
        return ToolFacts(found=False, error="git is not on PATH")
    return _run_version([exe, "--version"], r"git version (\S+)")


def probe_dvc() -> ToolFacts:
    exe = _executable("dvc")
    if exe is None:
        return ToolFacts(found=False, error="the dvc command is not installed")
    return _run_version([exe, "--version"], r"(\d+\.\d+\S*)")


def probe_nginx() -> ToolFacts:
    from .deployments.nginx import NginxMissing, find_nginx

    try:
        exe = find_nginx()
    except NginxMissing as exc:
        return ToolFacts(found=False, error=exc.message)
    # nginx prints its version on stderr.
    return _run_version([exe, "-v"], r"nginx/(\S+)")


def probe_docker(base_image: str | None, timeout_s: float = 5.0) -> DockerFacts:
    import docker
    from docker.errors import DockerException, ImageNotFound

    try:
        client = docker.from_env(timeout=timeout_s)
    except DockerException as exc:
        return DockerFacts(reachable=False, error=_docker_error(exc))
    try:
        # docker-py reports unix sockets as "http+docker://localhost"; name what the user set.
        host = os.environ.get("DOCKER_HOST") or DEFAULT_DOCKER_HOST
        try:
            version = client.version().get("Version")
        except (DockerException, OSError) as exc:
            return DockerFacts(reachable=False, host=host, error=_docker_error(exc))
        if base_image is None:
            return DockerFacts(reachable=True, version=version, host=host)
        try:
            image = client.images.get(base_image)
        except ImageNotFound:
            return DockerFacts(True, version, host, base_image=base_image, base_image_present=False)
        except (DockerException, OSError) as exc:
            return DockerFacts(True, version, host, error=_docker_error(exc), base_image=base_image)
        return DockerFacts(
            True,
            version,
            host,
            base_image=base_image,
            base_image_present=True,
            base_image_id=str(image.short_id),
        )
    finally:
        client.close()


# docker-py nests the real cause deep inside its message; the innermost reason is what a user
# can act on.
_DOCKER_CAUSES = (
    ("FileNotFoundError", "the Docker socket does not exist (is the engine running?)"),
    ("ConnectionRefusedError", "the Docker engine refused the connection"),
    (
        "PermissionError",
        "permission denied on the Docker socket (is the user in the docker group?)",
    ),
)


def _docker_error(exc: BaseException) -> str:
    text = str(exc)
    for marker, message in _DOCKER_CAUSES:
        if marker in text:
            return message
    return _one_line(text)


def _one_line(text: str, limit: int = 200) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"
