"""A Jupyter Server killed in the middle of an update, then started again: the new server
re-attaches to what runs (labels on containers, records in the store). The update that was cut
off is recorded as interrupted, its half-started replica is removed, the old version keeps
serving through the same endpoint, and nothing is duplicated."""

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import copy_example
from load_fixtures import FLOWER, stop_deployments
from version_fixtures import init_repository, new_version

from jupyter_deploy.deployments.service import Deployments
from jupyter_deploy.processes import free_port
from jupyter_deploy.versions import Versions

TOKEN = secrets.token_hex(16)


def _quiet(step: str, message: str) -> None:
    pass


class Server:
    """A real `jupyter server` process with the extension, on a port of its own."""

    def __init__(self, root: Path, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "jupyter_server", "--no-browser",
                f"--port={self.port}", f"--ServerApp.root_dir={root}",
                f"--IdentityProvider.token={TOKEN}",
                *(["--allow-root"] if os.geteuid() == 0 else []),
            ],
            stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.http = httpx.Client(
            base_url=self.url, headers={"Authorization": f"token {TOKEN}"}, timeout=30
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.http.get("/api/status").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert self.process.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)

    def deployment(self, name: str) -> dict[str, Any]:
        answer = self.http.get(f"/jupyter-deploy/deployments/{name}", params={"project": "iris"})
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)  # a crash: no shutdown hook runs
        self.process.wait(30)
        self.http.close()


@pytest.fixture
def project(tmp_path: Path, docker_engine: str) -> Iterator[Path]:
    project = copy_example(tmp_path / "iris")
    model = f"iris-rs-{os.urandom(3).hex()}"
    config = project / "jupyter-deploy.yaml"
    config.write_text(config.read_text().replace("model: iris-classifier", f"model: {model}"))
    init_repository(project)
    new_version(project, n_estimators=5)
    new_version(project, n_estimators=6)
    yield project
    stop_deployments(project)


def test_a_server_killed_during_an_update_is_reconciled_on_restart(
    project: Path, tmp_path: Path, client: Any
) -> None:
    deployments = Deployments(project, user="ada")
    model = deployments.config.model
    first = deployments.up(f"{model}@v1")
    key, url = first["api_key"], first["endpoint"]
    # v2's image is built beforehand: the update goes straight to starting its replica.
    v2 = Versions(project, deployments.store).show(f"{model}@v2")
    deployments.artifacts(deployments.target("docker")).prepare(v2, "ada", _quiet)
    log = tmp_path / "server.log"
    server = Server(project.parent, log)
    answer = server.http.post(
        "/jupyter-deploy/deployments", json={"project": "iris", "version": f"{model}@v2"}
    )
    assert answer.status_code == 202, answer.text
    deadline = time.monotonic() + 60
    while server.deployment(model)["operation"]["step"] != "ready":
        assert time.monotonic() < deadline, server.deployment(model)["operation"]
        time.sleep(0.02)
    server.kill()
    labels = [f"io.jupyter-deploy.deployment={model}"]
    left = client.containers.list(all=True, filters={"label": labels})
    assert {c.labels["io.jupyter-deploy.version"] for c in left} == {f"{model}@v1", f"{model}@v2"}

    # v1 still serves while no server runs.
    auth = {"Authorization": f"Bearer {key}"}
    answer = httpx.post(f"{url}/predict", json=FLOWER, headers=auth)
    assert answer.headers["x-model-version"] == f"{model}@v1"

    server = Server(project.parent, log)
    try:
        after = server.deployment(model)
    finally:
        server.kill()
    assert after["operation"]["status"] == "failed"
    assert after["operation"]["error"]["code"] == "interrupted"
    assert after["version"] == f"{model}@v1"
    assert after["status"] == "running"
    assert [r["version"] for r in after["replicas"]] == [f"{model}@v1"]
    assert after["events"][0]["action"] == "reconcile"
    left = client.containers.list(all=True, filters={"label": labels})
    assert [c.labels["io.jupyter-deploy.version"] for c in left] == [f"{model}@v1"]
    assert after["endpoint"] == url
    answer = httpx.post(f"{url}/predict", json=FLOWER, headers=auth)
    assert answer.status_code == 200
    assert answer.headers["x-model-version"] == f"{model}@v1"
