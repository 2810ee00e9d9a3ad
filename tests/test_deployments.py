"""Deployments of real versions (real kernels, git, DVC, Docker engine and nginx) under a
constant stream of requests: update and rollback fail no request, a version whose model does
not load never takes traffic, and every action is in the history."""

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import copy_example
from load_fixtures import FLOWER, Load, stop_deployments
from version_fixtures import edit_serve_cell, init_repository, new_version

from jupyter_deploy.deployments.service import DeployFailed, Deployments
from jupyter_deploy.errors import Conflict
from jupyter_deploy.targets.base import PrepareFailed, ReplicaSpec


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, client: Any) -> Iterator[Path]:
    """The example under a unique model name with v1, v2 (another model), v3 (a load() that
    raises in the model server) and v4 (a load() that raises in the smoke test too)."""
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
    edit_serve_cell(
        project,
        "    global _model, _classes\n",
        # v4: a load() that fails in the build's smoke test too.
        "    global _model, _classes\n"
        "    if os.environ.get('JUPYTER_DEPLOY_MODEL_DIR'):\n"
        "        raise RuntimeError('the model file is corrupt')\n",
    )
    new_version(project, n_estimators=5)
    yield project
    stop_deployments(project)
    for image in client.images.list(name=f"jupyter-deploy/{model}"):
        client.images.remove(image.id, force=True)


def test_update_rollback_and_a_broken_version_fail_no_request(project: Path) -> None:
    deployments = Deployments(project, user="ada")
    model = deployments.config.model
    steps: list[str] = []
    first = deployments.up(f"{model}@v1", progress=lambda step, _: steps.append(step))
    assert first["status"] == "running"
    # No image yet: it is built first, then each step in order.
    assert list(dict.fromkeys(steps)) == ["build", "start", "ready", "switch"]
    assert first["operation"]["status"] == "succeeded"
    assert first["operation"]["step"] == "done"
    # The user's copy of the key, outside the project and readable only by them.
    key_copy = Path(first["api_key_file"])
    assert key_copy.read_text().strip() == first["api_key"]
    assert key_copy.stat().st_mode & 0o077 == 0
    assert project not in key_copy.parents
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
        steps.clear()
        updated = deployments.up(f"{model}@v2", progress=lambda step, _: steps.append(step))
        assert list(dict.fromkeys(steps)) == ["build", "start", "ready", "switch", "drain"]
        # v2's replica started on the image built during v2's smoke test, and was kept.
        messages = [m["message"] for m in updated["operation"]["messages"]]
        assert any("built during its smoke test" in m for m in messages), messages
        assert not any("starting" in m for m in messages if m.startswith("replica "))
        switched = time.monotonic()
        assert updated["version"] == f"{model}@v2"
        assert updated["previous_version"] == f"{model}@v1"
        assert {r["version"] for r in updated["replicas"]} == {f"{model}@v2"}

        with pytest.raises(DeployFailed) as failed:
            deployments.up(f"{model}@v3")
        assert "v2 keeps serving" in failed.value.message
        failed_operation = deployments.status()["operation"]
        assert failed_operation["status"] == "failed"
        assert failed_operation["error"]["code"] == "deploy_failed"
        assert any("needs a GPU" in line for line in failed_operation["error"]["log"])
        assert any("this model needs a GPU" in line for line in failed.value.log)
        with pytest.raises(PrepareFailed, match="the model file is corrupt"):
            deployments.up(f"{model}@v4")
        # Whatever started early on v4's image is gone with the failed build.
        assert {r["version"] for r in deployments.status()["replicas"]} == {f"{model}@v2"}
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
    assert history[:6] == [
        ("rollback", f"{model}@v1", "succeeded"),
        ("update", f"{model}@v4", "failed"),
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
    target = deployments.target(row["target"])
    spec = ReplicaSpec(model, deployments.project_key, f"{model}@v2", f"jupyter-deploy/{model}:v2")
    stray = [target.start(spec)]
    mended = Deployments(project).reconcile()
    assert len(mended) == 2, mended  # the stray removed, the gateway re-attached
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


def test_a_replica_killed_under_load_comes_back_by_itself(project: Path, client: Any) -> None:
    deployments = Deployments(project, user="ada")
    model = deployments.config.model
    first = deployments.up(f"{model}@v1", name="killed", replicas=2)
    key, url = first["api_key"], first["endpoint"]
    victim = first["replicas"][0]
    with Load(url, key) as load:
        time.sleep(1)  # a second of traffic before the kill (load, not sync)
        killed = time.monotonic()
        # A crash, not `docker kill`: the engine does not restart what it was told to stop.
        os.kill(client.containers.get(victim["id"]).attrs["State"]["Pid"], signal.SIGKILL)
        deadline = killed + 60
        while True:  # the engine restarts it; the health check says when it is ready again
            replica = next(
                r for r in deployments.status("killed")["replicas"] if r["id"] == victim["id"]
            )
            if replica["restarts"] >= 1 and replica["state"] == "ready":
                break
            assert time.monotonic() < deadline, replica
            time.sleep(0.2)
        back = time.monotonic()
        time.sleep(2)  # two more seconds of traffic on both replicas (load, not sync)
    outage = (max(load.failed_at) - min(load.failed_at)) if load.failed_at else 0.0
    print(
        f"\nkill -9 of 1 of 2 replicas: {len(load.failures)} of {len(load.answers)} requests"
        f" failed over {outage:.2f} s; the replica was ready again after {back - killed:.1f} s"
    )
    # The other replica takes the traffic: at most the requests in flight on the killed one
    # fail (the router retries the rest), and none once it is back.
    assert len(load.failures) <= 4, load.failures
    assert set(load.statuses_after(back)) == {200}
    assert len(load.answers) > 100
    deployments.down("killed")


def test_the_local_target_deploys_updates_and_stops_behind_the_same_gateway(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Replica records in a folder of this test's own.
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    deployments = Deployments(project, user="ada")
    model = deployments.config.model
    first = deployments.up(f"{model}@v1", name="on-local", target="local")
    assert first["target"] == "local"
    key, url = first["api_key"], first["endpoint"]
    auth = {"Authorization": f"Bearer {key}"}
    answer = httpx.post(f"{url}/predict", json=FLOWER, headers=auth)
    assert answer.status_code == 200
    assert answer.headers["x-model-version"] == f"{model}@v1"
    with Load(url, key) as load:
        time.sleep(1)  # a second of traffic before the update (load, not sync)
        updated = deployments.up(f"{model}@v2", name="on-local")
        switched = time.monotonic()
        time.sleep(1)  # and one after it
    assert load.failures == [], load.failures[:5]
    assert set(load.versions_after(switched + 0.5)) == {f"{model}@v2"}
    assert [r["version"] for r in updated["replicas"]] == [f"{model}@v2"]
    with pytest.raises(Conflict, match="runs on the local target"):
        deployments.up(f"{model}@v1", name="on-local", target="docker")
    down = deployments.down("on-local")
    assert down["replicas"] == []
