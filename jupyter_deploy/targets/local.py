"""The `local` target: each replica is the model server (`python -m jupyter_deploy.runtime`) as
a process on this machine, serving the version's service folder that `deployments/` exported,
run with the server's own interpreter (it has the project's libraries), on a loopback port
chosen here and kept across restarts. A supervisor process per replica (`supervisor.py`), in
its own session, restarts it when it dies and outlives a restart of the Jupyter server; its
folder under the user's state directory (`$XDG_STATE_HOME/jupyter-deploy/replicas/<id>/`) is
how a restarted server finds it again.
It runs with what a container would give it: a minimal environment and its declared secrets as
files, never the server's own variables.

`ReplicaSpec.cpus` and `.memory` are not applied here: the replica shares this machine with the
server, as the notebook did (an address-space limit would break numerical libraries, which
reserve far more virtual memory than they use)."""

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import psutil

from ..atomic import atomic_write_text
from ..clock import now
from ..image_contract import MODEL_DIR_ENV, SECRETS_DIR_ENV, model_environment, write_secret_folder
from ..processes import free_port, reap, wait_gone
from .base import Replica, ReplicaFailed, ReplicaSpec, Target, answers_ready, wait_until_ready
from .supervisor import LOG, RECORD, REPLICA_ENV, SECRETS, STOP, read_record

SUPERVISOR_MODULE = "jupyter_deploy.targets.supervisor"
LOG_LINES_ON_FAILURE = 40
STARTING_GRACE_S = 60.0  # a folder without a supervisor yet is a start in progress, this long
SUPERVISOR_START_S = 30.0

# Supervisors this server process started, so it can reap them when they exit (a detached
# process is still our child: left unreaped it would linger as a zombie).
_children: dict[str, "subprocess.Popen[bytes]"] = {}
_children_lock = threading.Lock()


def replicas_home() -> Path:
    """Per user, not per project: a replica outlives the server, wherever it was started."""
    state = os.environ.get("XDG_STATE_HOME", "")
    base = Path(state) if os.path.isabs(state) else Path.home() / ".local" / "state"
    return base / "jupyter-deploy" / "replicas"


class LocalTarget(Target):
    name = "local"
    artifact = "folder"

    def __init__(self, home: Path | None = None) -> None:
        self.home = home or replicas_home()

    # ----- start

    def start(self, spec: ReplicaSpec) -> Replica:
        replica_id = secrets.token_hex(8)
        folder = self.home / replica_id
        self.home.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.mkdir(mode=0o700)
        address = f"127.0.0.1:{free_port()}"
        service = str(Path(spec.artifact).resolve())
        command = [
            sys.executable, "-m", "jupyter_deploy.runtime", service,
            "--host", "127.0.0.1", "--port", address.rpartition(":")[2],
            "--workers", str(spec.workers), "--max-batch", str(spec.max_batch),
        ]  # fmt: skip
        if spec.api_keys_file is None:
            command.append("--open")
        else:
            command += ["--api-keys-file", str(Path(spec.api_keys_file).resolve())]
        record: dict[str, Any] = {
            "id": replica_id,
            "deployment": spec.deployment,
            "project_key": spec.project_key,
            "version": spec.version,
            "address": address,
            "service": service,
            "command": command,
            "started_at": now(),
            "supervisor_pid": None,
            "runtime_pid": None,
            "restarts": 0,
            "state": "starting",
        }
        try:
            environment = _environment(spec, folder, replica_id)
            atomic_write_text(folder / RECORD, json.dumps(record, indent=2))
            with (folder / LOG).open("ab") as log:
                supervisor = subprocess.Popen(
                    [sys.executable, "-m", SUPERVISOR_MODULE, str(folder)],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=folder,
                    env=environment,
                    start_new_session=True,  # out of the server's process group: survives ^C
                )
        except OSError as exc:  # the replica's folder cannot be written, say
            shutil.rmtree(folder, ignore_errors=True)
            message = f"{spec.version}: the replica could not be started: {exc}"
            raise ReplicaFailed(message, []) from exc
        with _children_lock:
            _children[replica_id] = supervisor
        self._wait_for_supervisor(folder, supervisor, spec.version)
        return _replica(record, "starting")

    def _wait_for_supervisor(
        self, folder: Path, supervisor: "subprocess.Popen[bytes]", version: str
    ) -> None:
        """Until the supervisor recorded itself: from then on `replica.json` names a live
        process, or the replica is gone."""
        deadline = time.monotonic() + SUPERVISOR_START_S
        while True:
            current = read_record(folder) or {}
            if current.get("supervisor_pid") == supervisor.pid:
                return
            if supervisor.poll() is not None or time.monotonic() > deadline:
                lines = _tail(folder / LOG, LOG_LINES_ON_FAILURE)[0]
                _end(supervisor)
                shutil.rmtree(folder, ignore_errors=True)
                raise ReplicaFailed(f"{version}: the replica's supervisor did not start", lines)
            time.sleep(0.02)  # polling the record a fresh process writes, bounded

    # ----- readiness

    def wait_ready(self, replica: Replica, timeout_s: float) -> Replica:
        folder = self.home / replica.id

        def ready() -> Replica | None:
            record = read_record(folder) if answers_ready(replica.address) else None
            return _replica(record, "ready") if record is not None else None

        def stopped() -> bool:
            record = read_record(folder)
            return (
                record is None
                or not _supervisor_alive(record, folder)
                or int(record.get("restarts") or 0) > replica.restarts
                or record.get("state") in ("restarting", "stopping")
            )

        def log() -> list[str]:
            return _tail(folder / LOG, LOG_LINES_ON_FAILURE)[0]

        return wait_until_ready(replica, timeout_s, ready, stopped, log)

    # ----- stop

    def stop(self, replica: Replica, grace_s: float) -> None:
        folder = self.home / replica.id
        record = read_record(folder)
        if record is not None and _supervisor_alive(record, folder):
            pid = int(record["supervisor_pid"])
            # The supervisor reads the grace period from here when SIGTERM arrives.
            with contextlib.suppress(FileNotFoundError):
                atomic_write_text(folder / STOP, f"{grace_s}\n")
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            if not _wait_gone(replica.id, pid, grace_s + 5):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                _wait_gone(replica.id, pid, 5)
                _kill_leftovers(replica.id)
        elif folder.is_dir():
            _kill_leftovers(replica.id)  # its supervisor died: no one stopped the model server
        shutil.rmtree(folder, ignore_errors=True)
        with _children_lock:
            _children.pop(replica.id, None)

    # ----- finding

    def replicas(self, deployment: str, project_key: str) -> list[Replica]:
        found = []
        for record, folder in self._records():
            if record.get("deployment") != deployment or record.get("project_key") != project_key:
                continue
            if record.get("supervisor_pid") is None:
                found.append(_replica(record, "starting"))  # young: _records() dropped the old
            elif not _supervisor_alive(record, folder):
                _kill_leftovers(str(record["id"]))
                shutil.rmtree(folder, ignore_errors=True)
                with _children_lock:
                    _children.pop(str(record["id"]), None)
            else:
                found.append(_replica(record, _state(record)))
        return sorted(found, key=lambda r: r.started_at)

    def _records(self) -> Iterator[tuple[dict[str, Any], Path]]:
        """Every replica's record; folders a start abandoned (no record, or no supervisor, for
        longer than a start takes) are removed on the way."""
        if not self.home.is_dir():
            return
        for folder in sorted(self.home.iterdir()):
            if not folder.is_dir():
                continue
            record = read_record(folder)
            if record is not None and record.get("supervisor_pid") is not None:
                yield record, folder
                continue
            try:
                age = time.time() - folder.stat().st_mtime
            except FileNotFoundError:
                continue
            if age > STARTING_GRACE_S:
                shutil.rmtree(folder, ignore_errors=True)
            elif record is not None:
                yield record, folder

    # ----- logs

    def logs(self, replica: Replica, tail: int = 100, follow: bool = False) -> Iterator[str]:
        folder = self.home / replica.id
        lines, end = _tail(folder / LOG, tail)
        yield from lines
        if not follow:
            return
        yield from _follow(folder, end)


# ----- records and processes


def _replica(record: dict[str, Any], state: str) -> Replica:
    return Replica(
        id=str(record["id"]),
        deployment=str(record["deployment"]),
        version=str(record["version"]),
        address=str(record["address"]),
        state=state,
        started_at=str(record["started_at"]),
        restarts=int(record.get("restarts") or 0),
    )


def _state(record: dict[str, Any]) -> str:
    supervised = record.get("state")
    if supervised == "restarting":
        return "restarting"
    if supervised == "stopping":
        return "exited"
    if record.get("runtime_pid") is not None and answers_ready(str(record["address"]), 0.5):
        return "ready"
    return "starting"


# No proxy: an http_proxy setting must not send loopback health checks elsewhere.


def _supervisor_alive(record: dict[str, Any], folder: Path) -> bool:
    """Whether the recorded pid is still this replica's supervisor: pids are reused, so its
    command line must name the replica's folder."""
    pid = record.get("supervisor_pid")
    if not isinstance(pid, int):
        return False
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            reap(pid)
            return False
        command = process.cmdline()
    except psutil.Error:
        return False
    return SUPERVISOR_MODULE in command and str(folder) in command


def _wait_gone(replica_id: str, pid: int, timeout: float) -> bool:
    with _children_lock:
        child = _children.get(replica_id)
    if child is not None and child.pid == pid:
        try:
            child.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            return False
    try:
        process = psutil.Process(pid)
    except psutil.Error:
        return True
    if wait_gone([process], timeout):
        return False
    reap(pid)  # when it is our child, it leaves no zombie
    return True


def _end(process: "subprocess.Popen[bytes]") -> None:
    with contextlib.suppress(ProcessLookupError):
        process.kill()
    process.wait()


def _kill_leftovers(replica_id: str) -> None:
    """SIGKILL what is left of a replica whose supervisor is gone: every process carrying its
    mark in its environment (the model server and its workers)."""
    me = os.getuid()
    for process in psutil.process_iter(["uids"]):
        try:
            if process.info["uids"] is None or process.info["uids"].real != me:
                continue
            if process.environ().get(REPLICA_ENV) == replica_id:
                process.kill()
        except psutil.Error:
            continue


def _environment(spec: ReplicaSpec, folder: Path, replica_id: str) -> dict[str, str]:
    """What a container would have: the few variables an interpreter of this machine needs
    (`model_environment`) and the replica's own, never the server's (its token, credentials).
    Secrets are files in the replica's folder (0600), read by the model server's
    `load_secrets()` into its own process: /proc/PID/environ shows the environment a process
    started with, so they are in no process's."""
    environment = model_environment()
    environment[REPLICA_ENV] = replica_id
    environment[MODEL_DIR_ENV] = str(Path(spec.artifact).resolve())
    environment["PYTHONUNBUFFERED"] = "1"  # print() in the model reaches the log at once
    if spec.secrets:
        environment[SECRETS_DIR_ENV] = str(write_secret_folder(folder / SECRETS, spec.secrets))
    return environment


# ----- the log


def _tail(path: Path, count: int) -> tuple[list[str], int]:
    """The last `count` lines of `path` and where the file ended when they were read."""
    try:
        log = path.open("rb")
    except FileNotFoundError:
        return [], 0
    with log:
        end = log.seek(0, os.SEEK_END)
        if count <= 0:
            return [], end
        data = b""
        position = end
        while position > 0 and data.count(b"\n") <= count:
            step = min(64 * 1024, position)
            position -= step
            log.seek(position)
            data = log.read(step) + data
    lines = data.decode(errors="replace").splitlines()
    return lines[-count:], end


def _follow(folder: Path, offset: int) -> Iterator[str]:
    """New lines of the replica's log from `offset`, until the replica's folder goes away."""
    path = folder / LOG
    pending = b""
    log: IO[bytes] | None = None
    try:
        while folder.is_dir():
            if log is None:
                try:
                    log = path.open("rb")
                except FileNotFoundError:
                    return
            size = os.fstat(log.fileno()).st_size
            if size < offset:  # trimmed by the supervisor: read it again from its start
                offset, pending = 0, b""
            log.seek(offset)
            chunk = log.read()
            offset += len(chunk)
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                yield line.decode(errors="replace")
            if not chunk:
                time.sleep(0.2)  # polling a file that has no change notification here
    finally:
        if log is not None:
            log.close()
