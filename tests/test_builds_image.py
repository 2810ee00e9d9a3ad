"""A real image from the example (export, smoke test, host-resolved wheels, Docker Engine API),
run as a real container; a version that changes only the model rebuilds only the last layer."""

import json
import os
import time
from importlib.metadata import version as installed
from pathlib import Path
from typing import Any

import httpx
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

FLOWER = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
RUNTIME = ["uvicorn", "httptools", "uvloop", "orjson"]


def _service(folder: Path) -> tuple[dict[str, Path], list[str], dict[str, Any]]:
    notebook = json.loads((EXAMPLES / "train.ipynb").read_text())
    folder.mkdir()
    (folder / "service.py").write_text(
        export_service(notebook, "train.ipynb", "iris-classifier@v1")
    )
    train_iris_model(folder)
    version = {
        "model": "iris-classifier", "version": "v1", "tag": "iris-classifier@v1",
        "source_commit": "a" * 40, "created_at": "2026-11-23T07:00:00+00:00",
        "author": {"name": "Ada"}, "schema": infer_schema(notebook),
        "files": [{"path": "model/model.joblib", "md5": "0" * 32}],
    }  # fmt: skip
    (folder / "deploy-version.json").write_text(json.dumps(version))
    needs = smoke_test(folder, [FLOWER]).requirements()
    runtime = [f"{name}=={installed(name)}" for name in RUNTIME]
    files = {
        "service.py": folder / "service.py",
        "deploy-version.json": folder / "deploy-version.json",
        "model/model.joblib": folder / "model" / "model.joblib",
    }
    return files, needs + runtime, version


def test_the_example_becomes_an_image_that_serves(client: Any, tmp_path: Path) -> None:
    files, requirements, version = _service(tmp_path / "service")
    wheels = resolve_wheels(requirements, tmp_path / "wheels")
    assert {"scikit-learn", "uvicorn"} <= {w.name.lower() for w in wheels}
    lines: list[str] = []
    tag = "jupyter-deploy-test/iris-classifier:v1"
    dependencies = dependency_tag(client.images.get(BASE).id, wheels) + "-test"
    write_dependency_context(tmp_path / "deps", BASE, wheels)
    build_image(client, tmp_path / "deps", dependencies, {}, lines.append)
    context = tmp_path / "context"
    write_service_context(context, dependencies, files, oci_labels(version))
    image = build_image(client, context, tag, {}, lines.append)
    container = None
    try:
        assert image.size > 0
        labels = client.images.get(image.id).labels
        assert labels["org.opencontainers.image.version"] == "v1"
        assert labels["org.opencontainers.image.revision"] == "a" * 40
        assert json.loads(labels["io.jupyter-deploy.dvc-md5"]) == {"model/model.joblib": "0" * 32}
        assert any("Successfully built" in line for line in lines)

        container = client.containers.run(
            image.id, ["--open"], detach=True, ports={f"{PORT}/tcp": ("127.0.0.1", None)}
        )
        container.reload()
        port = container.ports[f"{PORT}/tcp"][0]["HostPort"]
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            container.reload()
            assert container.status == "running", container.logs().decode()[-2000:]
            assert time.monotonic() < deadline, container.logs().decode()[-2000:]
            time.sleep(0.2)  # polling readiness, not waiting blind
        answer = httpx.post(f"{base}/predict", json=FLOWER)
        assert answer.status_code == 200, answer.text
        assert answer.json()["species"] == "setosa"
        assert client.api.inspect_container(container.id)["Config"]["User"] == "model"

        # Only the model changes (uniquely: an earlier run's image must not match it).
        model = tmp_path / "service" / "model" / "model.joblib"
        model.write_bytes(model.read_bytes() + os.urandom(8))
        again: list[str] = []
        second = tmp_path / "context2"
        write_service_context(second, dependencies, files, oci_labels(version))
        rebuilt = build_image(client, second, tag + "-b", {}, again.append)
        steps = [line for line in again if line.startswith("Step ")]
        cached = [line for line in again if "Using cache" in line]
        # Only the service files and the labels are new: every step between FROM (which
        # prints no cache line) and them is cached.
        assert len(cached) == len(steps) - 3, again
        assert steps[-2].endswith("COPY service/ /srv/model/"), steps
        assert rebuilt.id != image.id
        client.images.remove(rebuilt.id, force=True)
    finally:
        if container is not None:
            container.remove(force=True)
        client.images.remove(image.id, force=True)
        client.images.remove(dependencies, force=True)
