"""The image: a build context laid out so each layer changes only when its part does, built
through the Docker Engine API. Layers, bottom up: the base image; a virtual environment with the
locked wheels, installed offline (changes with the lock); the model server (changes with
jupyter_deploy); the service module, version record and model files (changes with every
version). A version that changes only the model rebuilds only the last layer."""

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DeployError
from .wheels import Wheel, lock_text

PACKAGE = Path(__file__).resolve().parent.parent
# What the model server needs of jupyter_deploy (the runtime imports nothing else of it).
RUNTIME_FILES = ("__init__.py", "_version.py", "runtime", "schema")
SERVICE_DIR = "/srv/model"
PORT = 8080

DOCKERFILE = """\
FROM {base_image}
RUN python3 -m venv /opt/venv && useradd --system --uid 10001 --no-create-home model
COPY wheels/ /tmp/wheels/
RUN /opt/venv/bin/pip install --no-index --no-cache-dir --disable-pip-version-check \\
      --find-links /tmp/wheels -r /tmp/wheels/requirements.lock && rm -rf /tmp/wheels
COPY runtime/ /opt/jupyter-deploy/
COPY service/ {service_dir}/
ENV PATH=/opt/venv/bin:$PATH PYTHONPATH=/opt/jupyter-deploy PYTHONDONTWRITEBYTECODE=1 \\
    JUPYTER_DEPLOY_MODEL_DIR={service_dir}
USER model
EXPOSE {port}
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \\
  CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:{port}/health/ready')"
ENTRYPOINT ["python", "-m", "jupyter_deploy.runtime", "{service_dir}", "--host", "0.0.0.0", \\
            "--port", "{port}"]
"""


class ImageBuildError(DeployError):
    code = "image_build_failed"


@dataclass(frozen=True)
class BuiltImage:
    id: str
    tags: list[str]
    size: int


def write_context(
    context: Path,
    base_image: str,
    wheels: list[Wheel],
    service_files: dict[str, Path],
) -> None:
    """Lay out the build context. `service_files` maps paths inside the service folder (e.g.
    `service.py`, `model/model.joblib`) to the files to copy."""
    (context / "wheels").mkdir(parents=True)
    for wheel in wheels:
        shutil.copy2(wheel.file, context / "wheels" / wheel.file.name)
    (context / "wheels" / "requirements.lock").write_text(lock_text(wheels))
    runtime = context / "runtime" / "jupyter_deploy"
    runtime.mkdir(parents=True)
    for name in RUNTIME_FILES:
        source = PACKAGE / name
        if source.is_dir():
            shutil.copytree(source, runtime / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, runtime / name)
    for rel, source in service_files.items():
        target = context / "service" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    (context / "Dockerfile").write_text(
        DOCKERFILE.format(base_image=base_image, service_dir=SERVICE_DIR, port=PORT)
    )


def build_image(
    client: Any,
    context: Path,
    tag: str,
    labels: dict[str, str],
    log: Callable[[str], None],
) -> BuiltImage:
    """Build through the Engine API, streaming each log line to `log`."""
    image_id: str | None = None
    for chunk in client.api.build(
        path=str(context), tag=tag, labels=labels, rm=True, forcerm=True, decode=True
    ):
        if "error" in chunk:
            detail = chunk.get("errorDetail", {}).get("message") or chunk["error"]
            raise ImageBuildError(f"docker build failed: {str(detail).strip()}")
        if "stream" in chunk:
            for line in str(chunk["stream"]).splitlines():
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
