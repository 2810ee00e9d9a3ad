import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openapi_check import checked

pytest_plugins = ("pytest_jupyter.jupyter_server",)

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def copy_example(dest: Path) -> Path:
    """A working copy of the example project: tests never touch the repo's own examples/."""
    # The notebook's outputs, should someone have run it in examples/; model/.gitignore is
    # part of the project as shipped.
    outputs = (".ipynb_checkpoints", ".jupyter_deploy", "*.joblib", "input_example.json",
               "metrics.json")  # fmt: skip
    shutil.copytree(EXAMPLES, dest, ignore=shutil.ignore_patterns(*outputs))
    return dest


@pytest.fixture
def example_project(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "iris")


BASE_IMAGE = "python:3.11-slim"  # built locally by scripts/build-base-image.sh


@pytest.fixture(scope="session")
def docker_engine() -> str:
    """The reachable engine's version. In CI a missing engine fails the test, never skips it."""
    from jupyter_deploy.probes import probe_docker

    facts = probe_docker(None)
    if not facts.reachable:
        message = f"no Docker engine reachable: {facts.error}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    assert facts.version
    return facts.version


@pytest.fixture(scope="session")
def client(docker_engine: str) -> Iterator[Any]:
    """The engine, with the base image builds need (no registry here to pull it from)."""
    import docker

    engine = docker.from_env()
    try:
        engine.images.get(BASE_IMAGE)
    except docker.errors.ImageNotFound:
        engine.close()
        pytest.fail(f"{BASE_IMAGE} is missing: run scripts/build-base-image.sh")
    yield engine
    engine.close()


@pytest.fixture
def no_docker(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Point the Docker SDK at a socket that does not exist: a machine without an engine."""
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-such-docker.sock")


@pytest.fixture
def jp_server_config(jp_server_config: Any) -> Any:
    jp_server_config["ServerApp"]["jpserver_extensions"]["jupyter_deploy"] = True
    return jp_server_config


JUPYTER = str(Path(sys.executable).parent / "jupyter")


def deploy(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real `jupyter deploy` command, as a user runs it."""
    return subprocess.run(
        [JUPYTER, "deploy", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=180,
        check=False,
    )


async def call(jp_fetch: Any, *parts: str, body: Any = None, **kwargs: Any) -> tuple[int, Any]:
    """A REST call through the test server: (status, decoded JSON); never a traceback."""
    if body is not None:
        kwargs.update(method="POST", body=body if isinstance(body, str) else json.dumps(body))
    response = await jp_fetch(*parts, raise_error=False, **kwargs)
    text = response.body.decode()
    assert "Traceback" not in text
    return response.code, json.loads(text) if text else None


@pytest.fixture
def jp_fetch(jp_fetch: Any, jp_base_url: str) -> Any:
    """pytest-jupyter's fetch, with every /jupyter-deploy/ answer checked against
    docs/openapi.yaml (route, status and body): the document stays the server's contract."""
    return checked(jp_fetch, jp_base_url)
