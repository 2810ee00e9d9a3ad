"""The local target with real processes: a replica serves behind its API key, comes back when
its model server is SIGKILLed (on the same port), outlives the process that started it and is
found again by a fresh target (a restarted server), dies with its supervisor, drains requests
in flight when stopped, reports a model that fails to load with the model's traceback at once,
reads its secrets from files that show in no process's environment or command line, and runs a
real version's exported service."""

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from conftest import copy_example
from version_fixtures import init_repository, new_version

from jupyter_deploy.runtime.keys import digest
from jupyter_deploy.store import open_store
from jupyter_deploy.targets.base import Replica, ReplicaFailed, ReplicaSpec
from jupyter_deploy.targets.local import LocalTarget, replicas_home
from jupyter_deploy.targets.supervisor import REPLICA_ENV

KEY = "k-" + os.urandom(8).hex()
AUTH = {"Authorization": f"Bearer {KEY}"}
SECRET = "s-" + os.urandom(8).hex()
FLOWER = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
SERVICE = """
import hashlib
import os
import time
from pathlib import Path

HERE = Path(__file__).parent


def load():
{load}


def predict(records):
    if records and records[0].get("x") == 99:  # a slow request, for the drain test
        (HERE / "slow-started").touch()
        time.sleep(1.5)
    return [r["x"] * 2 for r in records]
"""


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)  # polling a condition, bounded by the deadline


@pytest.fixture(autouse=True)
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("TINY_TOKEN", raising=False)
    return replicas_home()


@pytest.fixture
def target() -> Iterator[LocalTarget]:
    target = LocalTarget()
    yield target
    for replica in target.replicas("test-dep", "test-project"):
        target.stop(replica, grace_s=1)


def _service(folder: Path, load: str = "pass") -> Path:
    folder.mkdir()
    body = "\n".join(f"    {line}" for line in load.splitlines())
    (folder / "service.py").write_text(SERVICE.format(load=body))
    version = {"model": "tiny", "version": "v1", "tag": "tiny@v1", "schema": None}
    (folder / "deploy-version.json").write_text(json.dumps(version))
    return folder


def _spec(service: Path, tmp_path: Path, **options: Any) -> ReplicaSpec:
    keys = tmp_path / "api-keys"
    keys.write_text(digest(KEY) + "\n")
    defaults: dict[str, Any] = {"version": "tiny@v1", "workers": 1, "api_keys_file": keys}
    return ReplicaSpec(
        deployment="test-dep",
        project_key="test-project",
        artifact=str(service),
        **defaults | options,
    )


def _record(home: Path, replica: Replica) -> dict[str, Any]:
    return dict(json.loads((home / replica.id / "replica.json").read_text()))


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _processes_of(replica_id: str) -> list[psutil.Process]:
    """Live processes carrying the replica's mark (the supervisor, the model server, workers)."""
    found = []
    for process in psutil.process_iter():
        try:
            if (
                process.status() != psutil.STATUS_ZOMBIE
                and process.environ().get(REPLICA_ENV) == replica_id
            ):
                found.append(process)
        except psutil.Error:
            continue
    return found


def test_a_replica_serves_comes_back_after_a_kill_and_is_found_again(
    target: LocalTarget, state_home: Path, tmp_path: Path
) -> None:
    spec = _spec(_service(tmp_path / "service"), tmp_path, workers=2)
    replica = target.wait_ready(target.start(spec), timeout_s=30)
    assert replica.state == "ready"
    assert len(replica.id) >= 12
    answer = httpx.post(f"http://{replica.address}/predict", json=[{"x": 2}], headers=AUTH)
    assert answer.status_code == 200
    assert answer.json() == [4]
    assert answer.headers["x-model-version"] == "tiny@v1"
    assert httpx.post(f"http://{replica.address}/predict", json=[{"x": 2}]).status_code == 401

    # SIGKILL the model server: its supervisor starts it again, on the same port, though the
    # killed server's workers held that port.
    record = _record(state_home, replica)
    os.kill(record["runtime_pid"], signal.SIGKILL)
    back = wait_for(
        lambda: [r for r in target.replicas("test-dep", "test-project") if r.restarts == 1],
        "the model server to be restarted",
    )
    assert back[0].address == replica.address
    wait_for(
        lambda: target.replicas("test-dep", "test-project")[0].state == "ready",
        "the restarted model server to be ready",
    )
    answer = httpx.post(f"http://{replica.address}/predict", json=[{"x": 5}], headers=AUTH)
    assert answer.json() == [10]
    assert any("SIGKILL" in line for line in target.logs(replica, tail=200))

    # A fresh target (the server restarted) finds it by its folder, not by memory.
    (found,) = LocalTarget().replicas("test-dep", "test-project")
    assert (found.id, found.address, found.restarts, found.state) == (
        replica.id,
        replica.address,
        1,
        "ready",
    )
    assert LocalTarget().replicas("other-dep", "test-project") == []

    # SIGKILL the supervisor: the model server and its workers go with it, and the replica's
    # folder is cleaned up the next time anyone looks.
    record = _record(state_home, replica)
    os.kill(record["supervisor_pid"], signal.SIGKILL)
    wait_for(lambda: _gone(record["runtime_pid"]), "the model server to die with its supervisor")
    wait_for(lambda: not _processes_of(replica.id), "the workers to exit")
    assert target.replicas("test-dep", "test-project") == []
    assert not (state_home / replica.id).exists()
    target.stop(replica, grace_s=1)  # already gone: nothing to do


def test_a_replica_outlives_the_process_that_started_it(
    target: LocalTarget, state_home: Path, tmp_path: Path
) -> None:
    """A server that exits (or restarts) leaves its replicas serving; the next one adopts them."""
    spec = _spec(_service(tmp_path / "service"), tmp_path)
    starter = (
        "import sys\n"
        "from pathlib import Path\n"
        "from jupyter_deploy.targets.base import ReplicaSpec\n"
        "from jupyter_deploy.targets.local import LocalTarget\n"
        "spec = ReplicaSpec('test-dep', 'test-project', 'tiny@v1', sys.argv[1], workers=1,"
        " api_keys_file=Path(sys.argv[2]))\n"
        "print(LocalTarget().start(spec).id)\n"
    )
    started = subprocess.run(
        [sys.executable, "-c", starter, spec.artifact, str(spec.api_keys_file)],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    (found,) = target.replicas("test-dep", "test-project")
    assert found.id == started.stdout.strip()
    replica = target.wait_ready(found, timeout_s=30)
    answer = httpx.post(f"http://{replica.address}/predict", json=[{"x": 1}], headers=AUTH)
    assert answer.json() == [2]
    pids = [p.pid for p in _processes_of(replica.id)]
    target.stop(replica, grace_s=5)  # its supervisor is no child of this process
    assert all(_gone(pid) for pid in pids)
    assert not (state_home / replica.id).exists()


def test_stop_lets_a_request_in_flight_finish_then_removes_the_replica(
    target: LocalTarget, state_home: Path, tmp_path: Path
) -> None:
    service = _service(tmp_path / "service")
    replica = target.wait_ready(target.start(_spec(service, tmp_path)), timeout_s=30)
    answers: list[httpx.Response] = []

    def slow_request() -> None:
        answers.append(
            httpx.post(
                f"http://{replica.address}/predict", json=[{"x": 99}], headers=AUTH, timeout=30
            )
        )

    followed: list[str] = []

    def follow() -> None:
        followed.extend(target.logs(replica, tail=2, follow=True))

    assert len(list(target.logs(replica, tail=3))) == 3
    follower = threading.Thread(target=follow)
    follower.start()
    request = threading.Thread(target=slow_request)
    request.start()
    wait_for(lambda: (service / "slow-started").exists(), "the slow request to reach predict")
    pids = [p.pid for p in _processes_of(replica.id)]
    target.stop(replica, grace_s=10)
    request.join(timeout=30)
    follower.join(timeout=5)
    assert not follower.is_alive()  # following ends when the replica is removed
    assert any("finishes requests in flight" in line for line in followed[2:]), followed
    (answer,) = answers
    assert answer.status_code == 200
    assert answer.json() == [198]
    assert not (state_home / replica.id).exists()
    assert all(_gone(pid) for pid in pids)
    assert target.replicas("test-dep", "test-project") == []
    target.stop(replica, grace_s=1)  # idempotent


def test_a_model_that_fails_to_load_is_reported_with_its_traceback_at_once(
    target: LocalTarget, tmp_path: Path
) -> None:
    mark = os.urandom(4).hex()
    service = _service(tmp_path / "service", f"raise RuntimeError('model file corrupt {mark}')")
    replica = target.start(_spec(service, tmp_path))
    with pytest.raises(ReplicaFailed) as failed:
        target.wait_ready(replica, timeout_s=60)
    # Reported as stopped, not as "not ready after 60 s": it did not wait for the timeout.
    assert failed.value.message == "tiny@v1: the replica stopped before it was ready"
    log = "\n".join(failed.value.log)
    assert len(failed.value.log) <= 40
    assert f"RuntimeError: model file corrupt {mark}" in log
    assert "Traceback (most recent call last)" in log
    assert "load() failed" in log


def test_secrets_reach_load_as_files_and_show_in_no_environment_or_command_line(
    target: LocalTarget, state_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The server's own variables: none may reach the model's processes.
    server_token, unrelated = "jt-" + os.urandom(8).hex(), "u-" + os.urandom(8).hex()
    monkeypatch.setenv("JUPYTER_TOKEN", server_token)
    monkeypatch.setenv("JD_TEST_UNRELATED", unrelated)
    expected = hashlib.sha256(SECRET.encode()).hexdigest()
    load = (
        "token = os.environ.get('TINY_TOKEN', '')\n"
        f"if hashlib.sha256(token.encode()).hexdigest() != {expected!r}:\n"
        "    raise RuntimeError('TINY_TOKEN is missing or wrong')"
    )
    service = _service(tmp_path / "service", load)
    spec = _spec(service, tmp_path, workers=2, secrets={"TINY_TOKEN": SECRET})
    assert SECRET not in repr(spec)
    replica = target.wait_ready(target.start(spec), timeout_s=30)  # load() saw the secret

    copy = state_home / replica.id / "secrets" / "TINY_TOKEN"
    assert copy.stat().st_mode & 0o777 == 0o600
    assert copy.parent.stat().st_mode & 0o777 == 0o700
    processes = _processes_of(replica.id)
    assert len(processes) >= 3  # the supervisor, the model server, its workers
    for process in processes:
        environ = Path(f"/proc/{process.pid}/environ").read_bytes()
        command = Path(f"/proc/{process.pid}/cmdline").read_bytes()
        assert SECRET.encode() not in environ
        assert SECRET.encode() not in command
        names = {item.partition(b"=")[0].decode() for item in environ.split(b"\0") if item}
        assert not {"JUPYTER_TOKEN", "JD_TEST_UNRELATED", "TINY_TOKEN"} & names, names
        assert server_token.encode() not in environ
        assert unrelated.encode() not in environ
        # What a container would have: the interpreter's needs and the runtime's own settings.
        assert names <= {"PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR",
                         "PYTHONPATH", "PYTHONUNBUFFERED"} | {n for n in names if
                         n.startswith(("LC_", "JUPYTER_DEPLOY_"))}, names  # fmt: skip
    assert SECRET not in (state_home / replica.id / "replica.json").read_text()


@pytest.fixture(scope="module")
def versioned_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_example(tmp_path_factory.mktemp("local") / "iris")
    init_repository(project)
    new_version(project, n_estimators=5)
    return project


def test_prepare_exports_a_version_once_and_a_replica_serves_it(
    target: LocalTarget, versioned_project: Path, tmp_path: Path
) -> None:
    from jupyter_deploy.deployments.folders import FolderArtifacts
    from jupyter_deploy.versions import Versions

    store = open_store(versioned_project)
    try:
        version = Versions(versioned_project, store).show("v1")
        said: list[tuple[str, str]] = []
        folders = FolderArtifacts(versioned_project, store)
        folder = Path(folders.prepare(version, "ada", lambda *m: said.append(m)))
        services = versioned_project / ".jupyter_deploy" / "services"
        assert folder == services / version["model"] / "v1"
        step, message = said[0]
        assert step == "build"
        assert f"exporting {version['tag']}" in message
        assert (folder / "service.py").is_file()
        assert json.loads((folder / "deploy-version.json").read_text())["tag"] == version["tag"]
        assert (folder / "model" / "model.joblib").is_file()
        assert [p.name for p in folder.parent.iterdir()] == ["v1"]  # no scratch left behind

        said.clear()
        assert folders.prepare(version, "ada", lambda *m: said.append(m)) == str(folder)
        assert said == []  # reused: nothing exported again
    finally:
        store.close()

    spec = _spec(folder, tmp_path, version=version["tag"])
    replica = target.wait_ready(target.start(spec), timeout_s=60)
    answer = httpx.post(f"http://{replica.address}/predict", json=FLOWER, headers=AUTH)
    assert answer.status_code == 200, answer.text
    assert answer.json()["species"] == "setosa"
    assert answer.headers["x-model-version"] == version["tag"]
