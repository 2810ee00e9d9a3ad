"""Real images of the example project, and real containers running them, for tests that hit the
model server as a user or an operator would: through a published port, `docker logs`,
`docker stop`. The service folder is made the way a build makes it (export of the `serve` cells,
schema from the notebook, smoke test for the requirements, wheels resolved on the host); the
dependency image is keyed and reused like the product's, so only the small service image is
built per test session. Service images and containers are tagged `jupyter-deploy-test/...` and
removed by whoever made them."""

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from importlib.metadata import version as installed
from pathlib import Path
from typing import Any

import docker
import httpx
import pytest
from conftest import BASE_IMAGE as BASE
from service_fixtures import EXAMPLES, train_iris_model

from jupyter_deploy.builds.export import export_service
from jupyter_deploy.builds.image import (
    PORT,
    build_image,
    dependency_tag,
    oci_labels,
    write_dependency_context,
    write_service_context,
)
from jupyter_deploy.builds.smoke import smoke_test
from jupyter_deploy.builds.wheels import resolve_wheels
from jupyter_deploy.schema import infer_schema

RUNTIME_PACKAGES = ("uvicorn", "httptools", "uvloop", "orjson")
TEST_REPOSITORY = "jupyter-deploy-test/runtime"
TEST_LABEL = "io.jupyter-deploy.test"
FLOWER = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
VERSION = {
    "model": "iris-classifier", "version": "v1", "tag": "iris-classifier@v1",
    "source_commit": "a" * 40, "created_at": "2026-11-23T07:00:00+00:00",
    "author": {"name": "Ada"},
    "files": [{"path": "model/model.joblib", "md5": "0" * 32}],
}  # fmt: skip

# The dependency image of each base image, once this process has made or found it: every
# service image of a session shares it, and only the first needs the smoke test and the wheels.
_dependency_images: dict[str, str] = {}


def example_source() -> str:
    """The example notebook's `serve` cells as the service module, as a build exports them."""
    notebook = json.loads((EXAMPLES / "train.ipynb").read_text())
    return export_service(notebook, "train.ipynb", str(VERSION["tag"]))


def _service_folder(folder: Path, source: str) -> dict[str, Path]:
    notebook = json.loads((EXAMPLES / "train.ipynb").read_text())
    folder.mkdir(parents=True)
    (folder / "service.py").write_text(source)
    train_iris_model(folder)
    version = {**VERSION, "schema": infer_schema(notebook)}
    (folder / "deploy-version.json").write_text(json.dumps(version))
    return {
        "service.py": folder / "service.py",
        "deploy-version.json": folder / "deploy-version.json",
        "model/model.joblib": folder / "model" / "model.joblib",
    }


def _dependency_image(client: Any, workdir: Path) -> str:
    """The example's dependency image: built once per base image and lock, then found by its
    tag (and kept, as the product keeps it: later sessions reuse it)."""
    base_id = str(client.images.get(BASE).id)
    if base_id in _dependency_images:
        return _dependency_images[base_id]
    files = _service_folder(workdir / "smoke", example_source())
    needs = smoke_test(files["service.py"].parent, [FLOWER]).requirements()
    runtime = [f"{name}=={installed(name)}" for name in RUNTIME_PACKAGES]
    wheels = resolve_wheels(needs + runtime, workdir / "wheels")
    tag = dependency_tag(base_id, wheels)
    try:
        client.images.get(tag)
    except docker.errors.ImageNotFound:
        context = workdir / "dependency-context"
        write_dependency_context(context, BASE, wheels)
        build_image(client, context, tag, {}, lambda _: None)
    _dependency_images[base_id] = tag
    return tag


def build_example_image(
    client: Any,
    tmp_path_factory: pytest.TempPathFactory,
    service_source_override: str | None = None,
    name: str = "iris",
) -> str:
    """The example project as a service image; returns its (unique) tag. The override replaces
    `service.py` (the example's own source plus a wrapper, say), keeping the example's model,
    schema and dependencies. Remove the image with `remove_image` when done."""
    workdir = tmp_path_factory.mktemp(f"image-{name}")
    dependency = _dependency_image(client, workdir)
    files = _service_folder(workdir / "service", service_source_override or example_source())
    context = workdir / "service-context"
    write_service_context(context, dependency, files)
    tag = f"{TEST_REPOSITORY}-{name}:{uuid.uuid4().hex[:12]}"
    version = json.loads(files["deploy-version.json"].read_text())
    build_image(client, context, tag, {**oci_labels(version), TEST_LABEL: name}, lambda _: None)
    return tag


def remove_image(client: Any, tag: str) -> None:
    """Untag (and so delete) a test image by its tag: never by id, which other tags may share."""
    with suppress(docker.errors.NotFound):
        client.images.remove(tag)


@dataclass
class Server:
    container: Any
    url: str

    def logs(self) -> str:
        return bytes(self.container.logs(stdout=True, stderr=True)).decode(errors="replace")

    def log_entries(self) -> list[dict[str, Any]]:
        """The server's JSON log lines (the runtime writes one object a line)."""
        entries = []
        for line in self.logs().splitlines():
            if line.startswith("{"):
                with suppress(ValueError):
                    entries.append(json.loads(line))
        return entries


def start_container(
    client: Any,
    image: str,
    *args: str,
    volumes: dict[str, dict[str, str]] | None = None,
    healthcheck: bool = True,
) -> Any:
    """A detached container of `image` with the given server arguments, 8080 published on a
    random port of 127.0.0.1 (never on every interface of the test machine). Without
    `healthcheck`, the engine never probes /health/ready itself, so the server's request
    counts are the test's alone."""
    return client.containers.run(
        image,
        list(args),
        detach=True,
        ports={f"{PORT}/tcp": ("127.0.0.1", None)},
        volumes=volumes or {},
        labels={TEST_LABEL: "runtime"},
        healthcheck=None if healthcheck else {"test": ["NONE"]},
    )


def wait_ready(container: Any, timeout: float = 60) -> str:
    """The container's base URL once /health/ready answers 200."""
    deadline = time.monotonic() + timeout
    while True:
        container.reload()
        if container.status != "running":
            raise AssertionError(f"the server exited:\n{_tail(container)}")
        bindings = container.ports.get(f"{PORT}/tcp")
        if bindings:
            url = f"http://127.0.0.1:{bindings[0]['HostPort']}"
            with suppress(httpx.TransportError):
                if httpx.get(f"{url}/health/ready", timeout=2).status_code == 200:
                    return url
        if time.monotonic() > deadline:
            raise AssertionError(f"the server never became ready:\n{_tail(container)}")
        time.sleep(0.1)  # polling readiness, not waiting blind


def _tail(container: Any) -> str:
    return bytes(container.logs()).decode(errors="replace")[-3000:]


@contextmanager
def serve(
    client: Any,
    image: str,
    *args: str,
    volumes: dict[str, dict[str, str]] | None = None,
    healthcheck: bool = True,
) -> Iterator[Server]:
    """A ready server in a container, removed (with its logs) on the way out."""
    container = start_container(client, image, *args, volumes=volumes, healthcheck=healthcheck)
    try:
        yield Server(container, wait_ready(container))
    finally:
        container.remove(force=True)
