"""An operation on a deployment (deploy, update, rollback, down): its steps and messages,
recorded in the deployment's row as they happen and emitted as events, so the UI, the CLI and a
restarted server all see the same progress.

Each deployment has a lock file; the operation holds it from the moment it is accepted until it
ends. A row whose operation says "running" while nobody holds that lock was left by a process that
died, which is how a restarted server (or a CLI) knows it was interrupted."""

import contextlib
import fcntl
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..clock import now
from ..errors import Conflict
from .records import DeploymentRecords

STEPS = ("build", "start", "ready", "switch", "drain", "done")
Emit = Callable[[str, str, dict[str, Any]], None]  # (kind, deployment, payload): context.emit


class DeploymentLock:
    """An exclusive flock on one deployment (or, named "", on creating deployments)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def try_acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._handle = handle
        return True

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a")
        fcntl.flock(handle, fcntl.LOCK_EX)
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        self.acquire()
        try:
            yield
        finally:
            self.release()


class Operation:
    """One operation, written through to the deployment's row at every step."""

    def __init__(
        self,
        records: DeploymentRecords,
        deployment: str,
        action: str,
        version: str | None,
        by: str,
        lock: DeploymentLock,
        emit: Emit,
    ) -> None:
        self.records = records
        self.lock = lock  # held by the caller that accepted the operation; released by end()
        self.emit = emit
        self.data: dict[str, Any] = {
            "id": f"op-{secrets.token_hex(5)}",
            "deployment": deployment,
            "action": action,
            "version": version,
            "status": "running",
            "step": "start" if action != "down" else "drain",
            "messages": [],
            "error": None,
            "started_at": now(),
            "finished_at": None,
            "by": by,
        }
        self._save()

    @property
    def id(self) -> str:
        return str(self.data["id"])

    def progress(self, step: str, message: str) -> None:
        self.data["step"] = step
        self.data["messages"].append({"at": now(), "step": step, "message": message})
        self._save()

    def end(self, error: dict[str, Any] | None = None) -> None:
        self.data["status"] = "failed" if error else "succeeded"
        self.data["error"] = error
        if not error:
            self.data["step"] = "done"
        self.data["finished_at"] = now()
        try:
            self._save()
        finally:
            self.lock.release()

    def _save(self) -> None:
        self.records.update(self.data["deployment"], operation=dict(self.data))
        self.emit("operation", self.data["deployment"], self.data)


def busy(name: str, operation: dict[str, Any] | None) -> Conflict:
    if operation and operation.get("status") == "running":
        what = f"{operation['action']} of {operation.get('version') or name}"
        return Conflict(
            f"{name}: a {what} is in progress (started {operation['started_at'][:19]} by"
            f" {operation['by']}); wait for it to end"
        )
    return Conflict(f"{name}: another operation holds the deployment; wait for it to end")


@dataclass
class Accepted:
    """An operation that was checked and recorded, waiting to be carried out."""

    operation: Operation
    deployment: dict[str, Any]
    api_key: str | None = None  # a new deployment's key, shown once: only its digest is kept
    version: dict[str, Any] | None = None  # read once, when accepted
    replicas: int | None = None
