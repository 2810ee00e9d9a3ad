"""The images, built through the Docker Engine API from contexts laid out so each layer changes
only when its part does. Two images:

- the dependency image, `jupyter-deploy/deps:<key>`: the base image and a virtual environment
  with the locked wheels, installed offline. The key hashes the base image's id and the lock,
  so versions with the same lock share it and their builds never send the wheels again;
- the version's image on top of it: the model server's own files (change with jupyter_deploy),
  then the service module, version record and model files (change with every version). A
  version that changes only the model rebuilds only that last layer."""

import hashlib
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DeployError
from ..image_contract import MODEL_UID as MODEL_UID
from ..image_contract import PORT as PORT
from .wheels import Wheel, lock_text

PACKAGE = Path(__file__).resolve().parent.parent
# What the model server needs of jupyter_deploy (the runtime imports nothing else of it).
RUNTIME_FILES = ("__init__.py", "_version.py", "runtime", "schema")
SERVICE_DIR = "/srv/model"
DEPENDENCY_REPOSITORY = "jupyter-deploy/deps"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # colours pip and apt put in their output

DEPENDENCY_DOCKERFILE = """\
FROM {base_image}
RUN python3 -m venv /opt/venv \\
 && useradd --uid {model_uid} --no-create-home --shell /usr/sbin/nologin model
COPY wheels/ /tmp/wheels/
RUN /opt/venv/bin/pip install --no-index --no-cache-dir --disable-pip-version-check \\
      --find-links /tmp/wheels -r /tmp/wheels/requirements.lock && rm -rf /tmp/wheels
"""

# Everything that is the same for every version comes before the service files, so a new version
# rebuilds two steps: its files and its labels.
SERVICE_DOCKERFILE = """\
FROM {dependency_image}
COPY runtime/ /opt/jupyter-deploy/
ENV PATH=/opt/venv/bin:$PATH PYTHONPATH=/opt/jupyter-deploy PYTHONDONTWRITEBYTECODE=1 \\
    JUPYTER_DEPLOY_MODEL_DIR={service_dir}
USER model
EXPOSE {port}
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \\
  CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:{port}/health/ready')"
ENTRYPOINT ["python", "-m", "jupyter_deploy.runtime", "{service_dir}", "--host", "0.0.0.0", \\
            "--port", "{port}"]
COPY service/ {service_dir}/
"""


class ImageBuildError(DeployError):
    code = "image_build_failed"


@dataclass(frozen=True)
class BuiltImage:
    id: str
    tags: list[str]
    size: int


def dependency_tag(base_image_id: str, wheels: list[Wheel]) -> str:
    """Names the dependency image: the same base and lock reuse it."""
    key = hashlib.sha256(f"{base_image_id}\n{lock_text(wheels)}".encode()).hexdigest()[:16]
    return f"{DEPENDENCY_REPOSITORY}:{key}"


def link_or_copy(source: Path, target: Path) -> None:
    """A build context's copy of a cached file (a wheel, a DVC object): a hard link when both are
    on one file system, so no bytes move; both sides are never written again."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        target.hardlink_to(source)
    except OSError:
        shutil.copy2(source, target)


def write_dependency_context(
    context: Path, base_image: str, wheels: list[Wheel], labels: dict[str, str] | None = None
) -> None:
    (context / "wheels").mkdir(parents=True)
    for wheel in wheels:
        link_or_copy(wheel.file, context / "wheels" / wheel.file.name)
    (context / "wheels" / "requirements.lock").write_text(lock_text(wheels))
    dockerfile = DEPENDENCY_DOCKERFILE.format(base_image=base_image, model_uid=MODEL_UID)
    (context / "Dockerfile").write_text(dockerfile + label_instruction(labels or {}))


def write_service_context(
    context: Path,
    dependency_image: str,
    service_files: dict[str, Path],
    labels: dict[str, str] | None = None,
) -> None:
    """`service_files` maps paths inside the service folder (e.g. `service.py`,
    `model/model.joblib`) to the files to copy."""
    runtime = context / "runtime" / "jupyter_deploy"
    runtime.mkdir(parents=True)
    for name in RUNTIME_FILES:
        source = PACKAGE / name
        if source.is_dir():
            shutil.copytree(source, runtime / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, runtime / name)
    for rel, source in service_files.items():
        link_or_copy(source, context / "service" / rel)
    dockerfile = SERVICE_DOCKERFILE.format(
        dependency_image=dependency_image, service_dir=SERVICE_DIR, port=PORT
    )
    (context / "Dockerfile").write_text(dockerfile + label_instruction(labels or {}))


def label_instruction(labels: dict[str, str]) -> str:
    """One LABEL instruction for all labels: the Engine API's `labels` become one build step
    each (a container created and committed apiece), which is most of a model-only rebuild."""
    if not labels:
        return ""
    pairs = [f"{_quoted(key)}={_quoted(value)}" for key, value in sorted(labels.items())]
    return "LABEL " + " \\\n      ".join(pairs) + "\n"


def _quoted(text: str) -> str:
    # A Dockerfile string: JSON's escapes for quotes and backslashes, and `$` kept literal.
    return json.dumps(text, ensure_ascii=False).replace("$", "\\$")


def build_image(
    client: Any,
    context: Path,
    tag: str | None,
    labels: dict[str, str],
    log: Callable[[str], None],
) -> BuiltImage:
    """Build through the Engine API, streaming each log line to `log`. Prefer labels written
    into the context's Dockerfile (`label_instruction`) to `labels`, which cost a step each."""
    image_id: str | None = None
    for chunk in client.api.build(
        path=str(context), tag=tag, labels=labels or None, rm=True, forcerm=True, decode=True
    ):
        if "error" in chunk:
            detail = chunk.get("errorDetail", {}).get("message") or chunk["error"]
            raise ImageBuildError(f"docker build failed: {str(detail).strip()}")
        if "stream" in chunk:
            for line in _ANSI.sub("", str(chunk["stream"])).splitlines():
                if line.strip():
                    log(line)
        aux = chunk.get("aux")
        if isinstance(aux, dict) and "ID" in aux:
            image_id = str(aux["ID"])
    if image_id is None:
        raise ImageBuildError("docker build ended without an image")
    image = client.images.get(image_id)
    return BuiltImage(image.id, list(image.tags), int(image.attrs.get("Size", 0)))


def oci_labels(version: dict[str, Any]) -> dict[str, str]:
    """OCI annotations naming where the image comes from."""
    files = [*version.get("files", []), *version.get("data", [])]
    return {
        "org.opencontainers.image.title": str(version.get("model", "")),
        "org.opencontainers.image.version": str(version.get("version", "")),
        "org.opencontainers.image.revision": str(version.get("source_commit", "")),
        "org.opencontainers.image.created": str(version.get("created_at", "")),
        "org.opencontainers.image.authors": str(version.get("author", {}).get("name", "")),
        "io.jupyter-deploy.tag": str(version.get("tag", "")),
        "io.jupyter-deploy.dvc-md5": json.dumps({f["path"]: f["md5"] for f in files}),
    }
