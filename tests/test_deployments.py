"""Deployments of real versions (real kernels, git, DVC, Docker engine and nginx) under a
constant stream of requests: update and rollback fail no request, a version whose model does
not load never takes traffic, and every action is in the history."""

import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import copy_example
from version_fixtures import edit_serve_cell, init_repository, new_version

from jupyter_deploy.deployments.service import DeployFailed, Deployments

FLOWER = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, client: Any) -> Iterator[Path]:
    """The example under a unique model name with v1, v2 (another model) and v3 (a load() that
    raises)."""
    project = copy_example(tmp_path_factory.mktemp("deploy") / "iris")
    model = f"iris-dep-{os.urandom(3).hex()}"
    config = project / "jupyter-deploy.yaml"
    config.write_text(config.read_text().replace("model: iris-classifier", f"model: {model}"))
    init_repository(project)
    new_version(project, n_estimators=5)
    new_version(project, n_estimators=6)
    edit_serve_cell(
        project,
        "    global _model, _classes\n",
        # Only in the model server: the run and the build's smoke test pass, the replica fails
        # (a GPU the production machine lacks, say).
        "    global _model, _classes\n"
        "    if os.environ.get('JUPYTER_DEPLOY_SERVICE_DIR'):\n"
        "        raise RuntimeError('this model needs a GPU')\n",
    )
    new_version(project, n_estimators=5)
    yield project
    deployments = Deployments(project)
    for row in deployments.records.all():
        deployments.down(row["name"])
    for image in client.images.list(name=f"jupyter-deploy/{model}"):
        client.images.remove(image.id, force=True)


class Load:
    """A constant stream of predict requests from a few keep-alive clients."""

    def __init__(self, url: str, key: str, clients: int = 4) -> None:
        self.url, self.key = url, key
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.answers: list[tuple[float, int, str]] = []  # (time, status, version)
        self.failures: list[str] = []
        self.threads = [threading.Thread(target=self._send, daemon=True) for _ in range(clients)]

    def __enter__(self) -> "Load":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(30)

    def _send(self) -> None:
        headers = {"Authorization": f"Bearer {self.key}"}
        with httpx.Client(timeout=30) as http:
            while not self.stop.is_set():
                try:
                    answer = http.post(f"{self.url}/predict", json=FLOWER, headers=headers)
                except httpx.HTTPError as exc:
                    with self.lock:
                        self.failures.append(f"{type(exc).__name__}: {exc}")
                    continue
                with self.lock:
                    version = answer.headers.get("x-model-version", "")
                    self.answers.append((time.monotonic(), answer.status_code, version))
                    if answer.status_code != 200:
                        self.failures.append(f"{answer.status_code} {answer.text[:200]}")

    def versions_after(self, moment: float) -> Counter[str]:
        with self.lock:
            return Counter(v for t, _, v in self.answers if t > moment)


def test_update_rollback_and_a_broken_version_fail_no_request(project: Path) -> None:
    deployments = Deployments(project, user="ada")
    model = deployments.config.model
    first = deployments.up(f"{model}@v1")
    assert first["status"] == "running"
    assert first["version"] == f"{model}@v1"
    key, url = first["api_key"], first["endpoint"]
    assert "api_key" not in deployments.status()
    assert httpx.post(f"{url}/predict", json=FLOWER).status_code == 401
    answer = httpx.post(f"{url}/predict", json=FLOWER, headers={"Authorization": f"Bearer {key}"})
    assert answer.json()["species"] == "setosa"
    assert answer.headers["x-model-version"] == f"{model}@v1"

    began = time.monotonic()
    with Load(url, key) as load:
        time.sleep(1)  # a second of traffic on v1 before the update (load, not sync)
        updated = deployments.up(f"{model}@v2")
        switched = time.monotonic()
        assert updated["version"] == f"{model}@v2"
        assert updated["previous_version"] == f"{model}@v1"
        assert {r["version"] for r in updated["replicas"]} == {f"{model}@v2"}

        with pytest.raises(DeployFailed) as failed:
            deployments.up(f"{model}@v3")
        assert "v2 keeps serving" in failed.value.message
        assert any("this model needs a GPU" in line for line in failed.value.log)
        after_failure = time.monotonic()

        rolled = deployments.rollback()
        rolled_back = time.monotonic()
        assert rolled["version"] == f"{model}@v1"
        # The issue's ≥ 20 s of constant traffic, and a few seconds of it on the rolled-back v1.
        while time.monotonic() - began < 20 or time.monotonic() - rolled_back < 3:
            time.sleep(0.2)
    assert load.failures == [], load.failures[:5]
    assert len(load.answers) > 200
    assert set(load.versions_after(switched)) >= {f"{model}@v2"}
    assert f"{model}@v3" not in load.versions_after(began)  # never took traffic
    assert set(load.versions_after(after_failure)) <= {f"{model}@v1", f"{model}@v2"}
    assert set(load.versions_after(rolled_back + 0.5)) == {f"{model}@v1"}

    history = [(e["action"], e["version"], e["outcome"]) for e in deployments.status()["events"]]
    assert history[:5] == [
        ("rollback", f"{model}@v1", "succeeded"),
        ("update", f"{model}@v3", "failed"),
        ("update", f"{model}@v2", "succeeded"),
        ("deploy", f"{model}@v1", "succeeded"),
        ("create", None, "succeeded"),
    ]
    assert all(e["by"] == "ada" for e in deployments.status()["events"])

    # A new Deployments (a restarted server) finds the same replicas and gateway.
    again = Deployments(project).status()
    assert again["gateway"]["running"]
    assert len(again["replicas"]) == 1

    # A machine restart left the gateway stopped, and an update killed half-way left a replica
    # of another version: reconciling removes the stray and brings the gateway back.
    row = deployments.records.get(model)
    assert row is not None
    deployments.gateway(row).stop()
    stray = deployments._start(row, f"{model}@v2", f"jupyter-deploy/{model}:v2", 1, print)
    mended = Deployments(project).reconcile()
    assert len(mended) == 2, mended
    assert [r["version"] for r in deployments.status()["replicas"]] == [f"{model}@v1"]
    assert stray[0].id[:12] not in {r["id"] for r in deployments.status()["replicas"]}
    answer = httpx.post(f"{url}/predict", json=FLOWER, headers={"Authorization": f"Bearer {key}"})
    assert answer.headers["x-model-version"] == f"{model}@v1"

    down = deployments.down()
    assert down["status"] == "stopped"
    assert down["replicas"] == []
    assert not down["gateway"]["running"]
    with pytest.raises(httpx.TransportError):
        httpx.post(f"{url}/predict", json=FLOWER, timeout=2)
