"""Deployments of real versions (real kernels, git, DVC, Docker engine and nginx) under a
constant stream of requests: update and rollback fail no request, a version whose model does
not load never takes traffic, and every action is in the history."""

import asyncio
import hashlib
import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from conftest import call, copy_example
from load_fixtures import FLOWER, Load, stop_deployments
from target_plugins import NAME, register
from version_fixtures import edit_serve_cell, init_repository, new_version

from jupyter_deploy.builds.naming import image_tag, project_id
from jupyter_deploy.builds.records import BuildRecords
from jupyter_deploy.builds.secret_values import SecretMissing
from jupyter_deploy.deployments.artifacts import PrepareFailed
from jupyter_deploy.deployments.service import DeployFailed, Deployments, DeploySpec
from jupyter_deploy.errors import Conflict
from jupyter_deploy.events import Fanout
from jupyter_deploy.store import open_store
from jupyter_deploy.targets.base import ReplicaSpec
from jupyter_deploy.targets.supervisor import REPLICA_ENV


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
    remove_images(client, model)


def remove_images(client: Any, model: str) -> None:
    for image in client.images.list(filters={"label": f"org.opencontainers.image.title={model}"}):
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
    v2_image = image_tag(project_id(deployments.store), {"model": model, "version": "v2"})
    spec = ReplicaSpec(model, deployments.project_key, f"{model}@v2", v2_image)
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


def test_a_target_another_package_registers_deploys_on_a_thread_the_service_owns(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    register(monkeypatch)  # an entry point in jupyter_deploy.targets, as a plug-in adds one
    events = Fanout()
    seen: list[tuple[str, str, str]] = []
    events.subscribe(lambda topic, event: seen.append((topic, event["kind"], event["name"])))
    deployments = Deployments(project, user="ada", events=events)
    model = deployments.config.model
    accepted = deployments.begin_up(DeploySpec(version=f"{model}@v1", name=NAME, target=NAME))
    try:
        deployments.launch(accepted)
        assert deployments.close(timeout=300)  # the operation ended: the service waited for it
        status = deployments.status(NAME)
        assert status["target"] == NAME
        assert status["operation"]["status"] == "succeeded", status["operation"]
        auth = {"Authorization": f"Bearer {accepted.api_key}"}
        answer = httpx.post(f"{status['endpoint']}/predict", json=FLOWER, headers=auth)
        assert answer.headers["x-model-version"] == f"{model}@v1"
        # Each step of the operation, then the deployment's status, as "deployment" events.
        assert seen[0] == ("deployment", "operation", NAME)
        assert seen[-1] == ("deployment", "deployment", NAME)
        assert {kind for _, kind, _ in seen} == {"operation", "deployment"}
    finally:
        deployments.down(NAME)


TOKEN = "t-" + os.urandom(8).hex()
SERVER_TOKEN = "jt-" + os.urandom(8).hex()


@pytest.fixture(scope="module")
def secret_project(tmp_path_factory: pytest.TempPathFactory, client: Any) -> Iterator[Path]:
    """The example whose model server needs a declared secret (only where it serves: the run
    and the notebook do not), with the right value's digest in its serve cell."""
    project = copy_example(tmp_path_factory.mktemp("secret") / "iris")
    model = f"iris-secret-{os.urandom(3).hex()}"
    config = project / "jupyter-deploy.yaml"
    text = config.read_text().replace("model: iris-classifier", f"model: {model}")
    config.write_text(text.replace("secrets: []", "secrets: [IRIS_TOKEN]"))
    init_repository(project)
    digest = hashlib.sha256(TOKEN.encode()).hexdigest()
    edit_serve_cell(
        project,
        "    global _model, _classes\n",
        "    global _model, _classes\n"
        "    if os.environ.get('JUPYTER_DEPLOY_MODEL_DIR'):\n"
        "        token = os.environ['IRIS_TOKEN']\n"
        "        import hashlib\n"
        f"        if hashlib.sha256(token.encode()).hexdigest() != {digest!r}:\n"
        "            raise RuntimeError('IRIS_TOKEN has the wrong value')\n",
    )
    new_version(project, n_estimators=5)
    yield project
    stop_deployments(project)
    remove_images(client, model)


def _replica_environments(replica_id: str) -> list[bytes]:
    """/proc/PID/environ of a local replica's processes (its supervisor, server, workers)."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get(REPLICA_ENV, "").startswith(replica_id):
                found.append(Path(f"/proc/{process.pid}/environ").read_bytes())
        except (psutil.Error, OSError):
            continue
    return found


def test_declared_secrets_reach_replicas_on_both_targets_and_nothing_else_does(
    secret_project: Path, client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("IRIS_TOKEN", raising=False)
    config = secret_project / "jupyter-deploy.yaml"
    declared = config.read_text()
    config.write_text(declared.replace("secrets: [IRIS_TOKEN]", "secrets: []"))
    deployments = Deployments(secret_project, user="ada")
    model = deployments.config.model
    # The user declares it while the server runs (which keeps `deployments`): it counts at once.
    config.write_text(declared)
    with pytest.raises(SecretMissing) as missing:
        deployments.up(f"{model}@v1", name="secret-docker", target="docker")
    assert missing.value.message.startswith("secret IRIS_TOKEN is declared")
    # Refused before anything started: no deployment, no build, no replica.
    assert deployments.records.all() == []
    assert BuildRecords(deployments.store).find(None, 10) == []

    monkeypatch.setenv("IRIS_TOKEN", TOKEN)
    monkeypatch.setenv("JUPYTER_TOKEN", SERVER_TOKEN)  # the server's own: never the model's
    for target in ("docker", "local"):
        name = f"secret-{target}"
        up = deployments.up(f"{model}@v1", name=name, target=target)  # load() checked it
        auth = {"Authorization": f"Bearer {up['api_key']}"}
        answer = httpx.post(f"{up['endpoint']}/predict", json=FLOWER, headers=auth)
        assert answer.status_code == 200, answer.text
        [replica] = up["replicas"]
        if target == "docker":
            inspected = json.dumps(client.api.inspect_container(replica["id"]))
            assert TOKEN not in inspected
            assert SERVER_TOKEN not in inspected
        else:
            environments = _replica_environments(replica["id"])
            assert len(environments) >= 2  # the supervisor and the model server at least
            for environ in environments:
                names = {item.partition(b"=")[0] for item in environ.split(b"\0")}
                assert not {b"JUPYTER_TOKEN", b"IRIS_TOKEN"} & names
                assert TOKEN.encode() not in environ
                assert SERVER_TOKEN.encode() not in environ
        deployments.down(name)


BUILD_SCHEMA = "https://events.jupyter.org/jupyter_deploy/build/v1"


async def test_a_build_a_deploy_starts_is_the_servers_and_stops_with_it(
    jp_fetch: Any, jp_serverapp: Any, jp_root_dir: Path, docker_engine: str
) -> None:
    project = copy_example(jp_root_dir / "iris")
    init_repository(project)
    # A smoke test that never ends (only where the model serves): the build is still running
    # when the server stops, whatever the machine's speed.
    edit_serve_cell(
        project,
        "    global _model, _classes\n",
        "    global _model, _classes\n"
        "    if os.environ.get('JUPYTER_DEPLOY_MODEL_DIR'):\n"
        "        import threading\n"
        "        threading.Event().wait()\n",
    )
    await asyncio.to_thread(new_version, project, n_estimators=5)  # it runs its own loop
    events: list[dict[str, Any]] = []

    async def listener(logger: Any, schema_id: str, data: dict[str, Any]) -> None:
        events.append(data)

    jp_serverapp.event_logger.add_listener(schema_id=BUILD_SCHEMA, listener=listener)
    body = {"project": "iris", "version": "iris-classifier@v1"}
    code, started = await call(jp_fetch, "jupyter-deploy", "deployments", body=body)
    assert code == 202, started

    def smoke_running() -> dict[str, Any] | None:
        for event in events:
            build = json.loads(event["build"]) if event["kind"] == "build" else {}
            if build.get("step") == "smoke":
                return dict(build)
        return None

    for _ in range(6000):  # bounded: 300 s
        if smoke_running() is not None:
            break
        await asyncio.sleep(0.05)
    build = smoke_running()
    assert build is not None, events  # the deploy's build reached the server's event bus
    assert build["version"] == "iris-classifier@v1"
    assert any(e["kind"] == "log" and e["build_id"] == build["id"] for e in events)
    code, listing = await call(jp_fetch, "jupyter-deploy", "builds", params={"project": "iris"})
    assert [(b["id"], b["status"]) for b in listing["builds"]] == [(build["id"], "running")]

    records = BuildRecords(open_store(project))
    row = records.get(build["id"])
    assert row is not None
    worker = psutil.Process(row["worker_pid"])
    family = [worker, *worker.children(recursive=True)]  # the smoke test's interpreter too
    assert len(family) >= 2
    [app] = jp_serverapp.extension_manager.extension_apps["jupyter_deploy"]
    await app.stop_extension()  # what a server shutdown does
    _, alive = psutil.wait_procs(family, timeout=30)
    assert alive == []
    stopped = records.get(build["id"])
    assert stopped is not None
    assert stopped["status"] == "interrupted"
    assert "server stopped" in stopped["error"]["message"]
    # The deploy that waited for it ends failed, naming the build's end.
    deployments = Deployments(project)
    for _ in range(6000):  # bounded: 300 s
        operation = (deployments.records.get("iris-classifier") or {}).get("operation") or {}
        if operation.get("status") not in (None, "running"):
            break
        await asyncio.sleep(0.05)
    assert operation["status"] == "failed"
    assert "interrupted" in operation["error"]["message"]
