"""Builds of a project's versions: start one in its own worker process, follow it, cancel it,
list them, read their logs. Each open project (project/) holds one. Its event sink hears topic
"build" with `{"kind": "build", "build": {...}}` on every state change and `{"kind": "log",
"build_id": ..., "offset": n, "lines": [...]}` for the log lines that arrived together
(`offset`: the line number of the first), as they happen. A build started with its own
`listener` (a deployment's) is reported to it as well, and to the sink like any other, so the
builds view and the event bus see it too."""

import json
import os
import secrets
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..config import is_image_reference
from ..errors import Conflict, InvalidInput, NotFound
from ..events import Discard, EventSink
from ..processes import identity, is_same_process, kill_tree
from ..runs.records import ACTIVE, now
from ..store import STATE_DIR, Store, open_store
from ..versions import Versions
from .engine import docker_client
from .records import WORK_PREFIX, BuildRecords, log_path, stderr_path
from .secret_values import declared_values

Listener = Callable[[dict[str, Any]], None]
MAX_LISTING = 1000
MAX_LOG_LINES = 5000  # per log request; the client asks again from the offset it is given
_PRIVATE = ("worker_pid", "worker_started")


class BuildService:
    def __init__(
        self,
        project_dir: Path,
        store: Store | None = None,
        prefix: str = "",
        events: EventSink | None = None,
    ) -> None:
        self.project_dir = project_dir.resolve()
        self.store = store or open_store(self.project_dir)
        self.records = BuildRecords(self.store)
        self.prefix = prefix
        self.events: EventSink = events or Discard()
        self._followers: dict[str, threading.Thread] = {}
        self._own_listeners: dict[str, Listener] = {}

    def start(
        self,
        reference: str,
        user: str,
        base_image: str | None = None,
        listener: Listener | None = None,
    ) -> dict[str, Any]:
        """Start a build of `reference`; `listener` hears this build's events (from its very
        first) besides the service's listeners."""
        if base_image is not None and not is_image_reference(base_image):
            raise InvalidInput(
                f"base_image: expected an image reference like 'python:3.11-slim', got"
                f" {base_image!r}"
            )
        build_id = f"b-{secrets.token_hex(5)}"
        log_path(self.project_dir, build_id).parent.mkdir(parents=True, exist_ok=True)
        # The worker starts first and imports what it needs while the request is checked here;
        # it begins only when told to (one line on its stdin), after the build is recorded.
        with stderr_path(self.project_dir, build_id).open("ab") as stderr:
            # A session of its own: Ctrl-C in the terminal of `jupyter deploy build` reaches the
            # CLI, which cancels the build, rather than killing the worker mid-step.
            worker = subprocess.Popen(
                [sys.executable, "-m", "jupyter_deploy.builds", str(self.project_dir), build_id],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
                start_new_session=True,
            )  # fmt: skip
        try:
            self._record(build_id, worker.pid, reference, user, base_image)
            assert worker.stdin is not None
            worker.stdin.write(b"go\n")
            worker.stdin.close()
        except BaseException:
            worker.kill()
            worker.wait()
            stderr_path(self.project_dir, build_id).unlink(missing_ok=True)
            raise
        if listener is not None:
            self._own_listeners[build_id] = listener
        follower = threading.Thread(
            target=self._follow, args=(worker, build_id), name=f"follow-{build_id}", daemon=True
        )
        self._followers[build_id] = follower
        follower.start()
        return self.get(build_id)

    def _record(
        self, build_id: str, pid: int, reference: str, user: str, base_image: str | None
    ) -> None:
        versions = Versions(self.project_dir, self.store)
        version = versions.show(reference)
        for active in self.records.active():
            if active["version"] == version["tag"]:
                raise Conflict(
                    f"{version['tag']} is being built already (build {active['id']}); wait for it"
                    " or cancel it"
                )
        # No engine, or a declared secret unset: say so now rather than with a failed build a
        # moment later.
        declared_values(versions.config.secrets)
        docker_client().close()
        self.records.insert(
            {
                "id": build_id,
                "model": versions.model,
                "version": version["tag"],
                "status": "queued",
                "step": None,
                "steps": [],
                "base_image": base_image or versions.config.base_image,
                "created_at": now(),
                "created_by": user,
                "cancel_requested": False,
                "worker_pid": pid,
                "worker_started": identity(pid),
            }
        )

    def wait(self, build_id: str, timeout: float | None = None) -> dict[str, Any]:
        """The build once it ended (started by this service; others are read as they are)."""
        follower = self._followers.get(build_id)
        if follower is not None:
            follower.join(timeout)
        return self.get(build_id)

    def get(self, build_id: str) -> dict[str, Any]:
        row = self.records.get(build_id)
        if row is None:
            raise NotFound(f"no build {build_id!r} in this project")
        return self._public(row)

    def listing(self, version: str | None = None, limit: int = 200) -> dict[str, Any]:
        """The newest `limit` builds (of `version`); `has_more` says whether older ones exist."""
        if not 1 <= limit <= MAX_LISTING:
            raise InvalidInput(f"limit: expected 1 to {MAX_LISTING}, got {limit}")
        if version is not None:
            version = str(Versions(self.project_dir, self.store).show(version)["tag"])
        rows = self.records.find(version, limit + 1)
        return {
            "builds": [self._public(row) for row in rows[:limit]],
            "has_more": len(rows) > limit,
        }

    def log(self, build_id: str, offset: int = 0) -> dict[str, Any]:
        """The log's lines from `offset` (a line number) on, and the offset to ask from next."""
        self.get(build_id)
        if offset < 0:
            raise InvalidInput(f"offset: expected a line number from 0, got {offset}")
        try:
            lines = log_path(self.project_dir, build_id).read_text(errors="replace").splitlines()
        except FileNotFoundError:
            lines = []
        chunk = lines[offset : offset + MAX_LOG_LINES]
        return {"lines": chunk, "offset": offset + len(chunk)}

    def cancel(self, build_id: str, user: str) -> dict[str, Any]:
        row = self.records.get(build_id)
        if row is None:
            raise NotFound(f"no build {build_id!r} in this project")
        if row["status"] not in ACTIVE:
            raise Conflict(f"build {build_id} has {row['status']} already; nothing to cancel")
        # Recorded first, then the worker is stopped: however it ends, the build stays cancelled.
        self.records.update(build_id, cancel_requested=True)
        message = {"code": "cancelled", "message": f"cancelled by {user}", "traceback": None}
        self.records.end(build_id, "cancelled", error=message)
        kill_tree(row["worker_pid"], row["worker_started"])
        build = self.get(build_id)
        self._notify({"kind": "build", "build": build})
        return build

    def reconcile(self) -> list[str]:
        """End builds whose worker is gone (its server or CLI stopped): they are interrupted,
        and the scratch folders of killed workers are removed."""
        ended = []
        for row in self.records.active():
            if not is_same_process(row["worker_pid"], row["worker_started"]):
                message = "the process building it stopped before the build ended"
                error = {"code": "interrupted", "message": message, "traceback": None}
                if self.records.end(row["id"], "interrupted", error=error):
                    ended.append(row["id"])
        running = {row["id"] for row in self.records.active()}
        for scratch in (self.project_dir / STATE_DIR).glob(f"{WORK_PREFIX}b-*"):
            build_id = scratch.name[len(WORK_PREFIX) :][: len("b-0123456789")]
            if build_id not in running:
                shutil.rmtree(scratch, ignore_errors=True)
        return ended

    def close(self) -> None:
        """Stop this service's builds (the server is stopping): they are interrupted. Recorded
        first, as for a cancel, so the worker's own ending on SIGTERM does not say cancelled."""
        for build_id in list(self._followers):
            row = self.records.get(build_id)
            if row is not None and row["status"] in ACTIVE:
                message = "the server stopped while the build ran"
                error = {"code": "interrupted", "message": message, "traceback": None}
                self.records.end(build_id, "interrupted", error=error)
                kill_tree(row["worker_pid"], row["worker_started"])
                self._notify({"kind": "build", "build": self.get(build_id)})
        for follower in list(self._followers.values()):
            follower.join(10)  # its worker is gone: its output ends, and so does the follower
        self.reconcile()

    def _follow(self, worker: subprocess.Popen[bytes], build_id: str) -> None:
        """Relay the worker's reports as events: the log lines that arrived together as one
        event (a docker build writes them in bursts), a state change as the build record."""
        assert worker.stdout is not None
        fd, pending = worker.stdout.fileno(), b""
        while chunk := os.read(fd, 1 << 16):
            *complete, pending = (pending + chunk).split(b"\n")
            lines: list[str] = []
            offset = 0
            for raw in complete:
                try:
                    message = json.loads(raw)
                except ValueError:
                    continue
                if "log" in message:
                    if not lines:
                        offset = int(message["offset"])
                    lines.append(str(message["log"]))
                elif message.get("changed"):
                    self._notify_lines(build_id, offset, lines)
                    lines = []
                    self._notify({"kind": "build", "build": self.get(build_id)})
            self._notify_lines(build_id, offset, lines)
        code = worker.wait()
        row = self.records.get(build_id)
        if row is not None and row["status"] in ACTIVE:
            if row["cancel_requested"]:
                error = {"code": "cancelled", "message": "cancelled", "traceback": None}
                self.records.end(build_id, "cancelled", error=error)
            else:
                message = f"the build process ended unexpectedly (exit {code})"
                error = {
                    "code": "worker_failed",
                    "message": message,
                    "traceback": self._stderr(build_id),
                }
                self.records.end(build_id, "failed", error=error)
            self._notify({"kind": "build", "build": self.get(build_id)})
        self._own_listeners.pop(build_id, None)

    def _notify_lines(self, build_id: str, offset: int, lines: list[str]) -> None:
        if lines:
            self._notify({"kind": "log", "build_id": build_id, "offset": offset, "lines": lines})

    def _stderr(self, build_id: str) -> str | None:
        """The last of what the worker wrote to stderr (a crash's traceback), if anything."""
        try:
            text = stderr_path(self.project_dir, build_id).read_text(errors="replace")
        except FileNotFoundError:
            return None
        return text[-4000:] or None

    def _public(self, row: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in row.items() if k not in _PRIVATE}
        out["project"] = self.prefix
        out["cancel_requested"] = bool(out["cancel_requested"])
        return out

    def _notify(self, event: dict[str, Any]) -> None:
        event = {**event, "project": self.prefix}
        build_id = event.get("build_id") or event.get("build", {}).get("id")
        self.events.emit("build", event)
        own = self._own_listeners.get(str(build_id))
        if own is not None:
            own(event)
