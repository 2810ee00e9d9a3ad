"""The local target's supervisor: one small process per replica, in its own session so that it
outlives the Jupyter server that started it. It runs the model server, starts it again when it
dies (pausing longer each time it keeps dying), keeps `replica.json` current for the target to
read, and on SIGTERM lets the model server finish the requests in flight before it goes.

    python -m jupyter_deploy.targets.supervisor REPLICA_DIR

REPLICA_DIR holds `replica.json` (written first by the target, saying what to run; this process
is its only writer afterwards), `replica.log` (this process's and the model server's output,
appended across restarts) and `stop` (the grace period `stop()` allows, written before it sends
SIGTERM). The process stays single-threaded: it forks the model server with a `preexec_fn`."""

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from types import FrameType
from typing import Any

import psutil

from ..processes import die_with_parent, wait_gone

RECORD = "replica.json"
LOG = "replica.log"
STOP = "stop"
SECRETS = "secrets"
REPLICA_ENV = "JUPYTER_DEPLOY_REPLICA"  # marks every process of a replica, workers included
FIRST_PAUSE_S = 0.5
LONGEST_PAUSE_S = 10.0
SETTLED_S = 30.0  # a model server that lived this long was not crash-looping
DEFAULT_GRACE_S = 10.0  # when SIGTERM comes from elsewhere than stop() (a shutdown, say)
LOG_LIMIT = 16 * 2**20
LOG_KEPT = 2**20


def read_record(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / RECORD).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_record(folder: Path, record: dict[str, Any]) -> None:
    """Atomically, and never creating `folder`: a replica whose folder was removed stays gone."""
    fd, tmp = tempfile.mkstemp(prefix=f".{RECORD}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump(record, handle, indent=2)
        os.replace(tmp, folder / RECORD)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _timestamp() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _exit_reason(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class Supervisor:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        record = read_record(folder)
        if record is None:
            raise SystemExit(f"no readable {RECORD} in {folder}")
        self.record = record
        self.stopping = False
        self._pid = os.getpid()
        self.runtime: subprocess.Popen[bytes] | None = None
        # Signals wake the select() below through this pipe: no polling, no lost wake-up.
        self._wake, wake_write = os.pipe()
        os.set_blocking(self._wake, False)
        os.set_blocking(wake_write, False)
        signal.set_wakeup_fd(wake_write)
        for stop_signal in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(stop_signal, self._on_stop)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so SIGCHLD reaches the pipe

    def _on_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    # ----- the loop

    def run(self) -> None:
        self._update(supervisor_pid=os.getpid(), state="running")
        pause = FIRST_PAUSE_S
        while not self.stopping and self.folder.is_dir():
            began = time.monotonic()
            code = self._launch()
            if code is None:
                code = self._wait_for_exit()
            if code is None or self.stopping:
                break
            if time.monotonic() - began >= SETTLED_S:
                pause = FIRST_PAUSE_S
            self._say(f"the model server stopped ({_exit_reason(code)}); restarting in {pause:g} s")
            self._update(
                state="restarting",
                runtime_pid=None,
                restarts=int(self.record.get("restarts") or 0) + 1,
                last_exit=code,
            )
            resume = time.monotonic() + pause
            while not self.stopping and time.monotonic() < resume:
                self._pause_until(resume)
            pause = min(pause * 2, LONGEST_PAUSE_S)
        self._shutdown()

    def _launch(self) -> int | None:
        """Start the model server: None if it runs, else a failure's exit status (127: it could
        not be started at all; -1: the folder was removed)."""
        self._trim_log()
        try:
            log = (self.folder / LOG).open("ab")
        except FileNotFoundError:
            self.stopping = True
            return -1
        with log:
            try:
                self.runtime = subprocess.Popen(
                    self.record["command"],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=self.record["service"],
                    preexec_fn=self._in_child,  # safe: this process has one thread
                )
            except OSError as exc:  # the service folder was removed, say
                self.runtime = None
                self._say(f"the model server could not be started: {exc}")
                return 127
        self._update(state="running", runtime_pid=self.runtime.pid)
        return None

    def _in_child(self) -> None:
        # Its own process group: its workers go with it (uvicorn leaves them serving when its
        # parent is SIGKILLed, holding the port a restart needs).
        os.setpgid(0, 0)
        # If this supervisor is SIGKILLed, the model server gets SIGTERM and drains.
        die_with_parent()
        if os.getppid() != self._pid:  # it died before the line above took effect
            os._exit(1)

    def _wait_for_exit(self) -> int | None:
        """The model server's exit status once it exited (its process group killed with it),
        or None when told to stop or the folder went away."""
        assert self.runtime is not None
        while True:
            if self._exited():
                self._kill_group(signal.SIGKILL)
                return self.runtime.wait()
            if self.stopping or not self.folder.is_dir():
                self.stopping = True
                return None
            # The folder's removal sends no signal: look again each second.
            self._pause_until(time.monotonic() + 1.0)

    def _exited(self) -> bool:
        assert self.runtime is not None
        if not hasattr(os, "waitid"):  # macOS: reaped now, its group id free a little early
            return self.runtime.poll() is not None
        # WNOWAIT leaves the zombie in place: its process group id cannot be reused until the
        # group's leftover workers are killed.
        flags = os.WEXITED | os.WNOHANG | os.WNOWAIT
        return os.waitid(os.P_PID, self.runtime.pid, flags) is not None

    def _shutdown(self) -> None:
        if self.runtime is None or self.runtime.returncode is not None:
            return
        grace = self._grace()
        self._say(f"stopping: the model server finishes requests in flight (up to {grace:g} s)")
        self._update(state="stopping")
        self.runtime.send_signal(signal.SIGTERM)
        # wait_gone leaves the zombie unreaped, so the group id is still ours for the kill.
        if wait_gone([psutil.Process(self.runtime.pid)], grace):
            self._say(f"the model server did not stop within {grace:g} s: killed")
        self._kill_group(signal.SIGKILL)  # its workers, whether it stopped or not
        self.runtime.wait()

    # ----- helpers

    def _kill_group(self, signum: int) -> None:
        assert self.runtime is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.runtime.pid, signum)

    def _pause_until(self, deadline: float) -> None:
        """Until `deadline`, or sooner if a signal (a stop, a child's exit) arrives."""
        remaining = deadline - time.monotonic()
        if remaining > 0:
            select.select([self._wake], [], [], remaining)
        with contextlib.suppress(BlockingIOError):
            while os.read(self._wake, 512):
                pass

    def _grace(self) -> float:
        try:
            return max(0.0, float((self.folder / STOP).read_text()))
        except (OSError, ValueError):
            return DEFAULT_GRACE_S

    def _update(self, **changes: Any) -> None:
        self.record.update(changes)
        try:
            write_record(self.folder, self.record)
        except FileNotFoundError:
            self.stopping = True  # the folder was removed: nobody can find this replica any more

    def _say(self, message: str) -> None:
        """One line in the replica's log, shaped like the model server's own."""
        entry = {
            "time": _timestamp(),
            "level": "info",
            "logger": "jupyter_deploy.supervisor",
            "message": message,
            "pid": os.getpid(),
        }
        sys.stderr.write(json.dumps(entry) + "\n")
        sys.stderr.flush()

    def _trim_log(self) -> None:
        """Keep a crash-looping replica's log bounded. In place, between two runs of the model
        server: this process's stderr stays on the same file."""
        path = self.folder / LOG
        try:
            if path.stat().st_size <= LOG_LIMIT:
                return
            with path.open("r+b") as log:
                log.seek(-LOG_KEPT, os.SEEK_END)
                kept = log.read()
                kept = kept[kept.find(b"\n") + 1 :]
                log.seek(0)
                log.write(kept)
                log.truncate()
        except OSError:
            pass


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        raise SystemExit("usage: python -m jupyter_deploy.targets.supervisor REPLICA_DIR")
    Supervisor(Path(args[0])).run()


if __name__ == "__main__":
    main()
