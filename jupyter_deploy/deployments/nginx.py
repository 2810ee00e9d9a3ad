"""One nginx daemon on the host: its configuration, pid file and error log in a folder of the
caller's, and how to test a configuration, start the daemon, reload it, find it again and end it.

nginx runs as its own daemon (it forks and its launcher exits), so the daemon outlives whoever
started it and is found again through its pid file. A pid alone is not an identity (pids are
reused): the master's start time is recorded beside it, and a master is only touched when both
match. What the daemon serves, and why there are two of them, is the gateway's business.
"""

import contextlib
import grp
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import psutil

from ..atomic import atomic_write_text
from ..errors import DeployError, Unavailable
from ..processes import (
    end_processes,
    identity,
    is_gone,
    is_same_process,
    signal_all,
    tree,
    wait_gone,
)
from .nginx_config import ERROR_LOG, read_listen

START_TIMEOUT_S = 10.0
SWITCH_TIMEOUT_S = 15.0
_NGINX_PLACES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")
_SAFE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_FATAL = ("[emerg]", "[alert]", "[crit]")


class GatewayError(DeployError):
    code = "gateway_failed"


class NginxMissing(Unavailable):
    code = "nginx_missing"


class Refused(GatewayError):
    """nginx refused a reload and kept serving its previous configuration."""


class PortTaken(GatewayError):
    """Another program bound the port between our finding it free and nginx binding it."""


def find_nginx() -> str:
    # sbin is often missing from a non-root PATH, hence the usual places after it.
    found = shutil.which("nginx") or next(
        (place for place in _NGINX_PLACES if os.access(place, os.X_OK)), None
    )
    if found is None:
        raise NginxMissing(
            "the deployment gateway needs nginx, which is not installed on this machine:"
            " install nginx (Debian: apt-get install nginx-light)"
        )
    return found


def worker_user() -> str | None:
    """Under root, nginx's workers run as `nobody`; they touch no file (see nginx_config)."""
    if os.geteuid() != 0:
        return None  # nginx keeps the workers under our own user
    try:
        group = grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name
    except KeyError:
        raise GatewayError(
            "running as root, the gateway runs its workers as the user nobody,"
            " which this system lacks"
        ) from None
    if not _SAFE_NAME.match(group):
        raise GatewayError(f"the group of the user nobody has an unusable name: {group!r}")
    return f"nobody {group}"


class Nginx:
    """One nginx master, with its configuration file, its pid file and the identity (pid and
    start time) recorded when it started. `workers`: how many its configuration starts, so a
    start or reload is complete once that many serve."""

    def __init__(self, folder: Path, name: str, workers: int) -> None:
        self.folder = folder
        self.name = name
        self.workers = workers
        self.config = folder / f"{name}.conf"
        self.error_log = folder / f"{name}-{ERROR_LOG}"
        self._pid_file = folder / f"{name}.pid"
        self._record = folder / f"{name}.master.json"

    def text(self) -> str:
        try:
            return self.config.read_text()
        except FileNotFoundError:
            return ""

    def install(self, nginx: str, text: str) -> None:
        """Write the next configuration, have nginx test it, and only then put it in place."""
        candidate = self.folder / f"{self.name}.conf.next"
        atomic_write_text(candidate, text)
        argv = [nginx, "-t", "-q", "-p", f"{self.folder}{os.sep}", "-c", str(candidate)]
        try:
            tested = subprocess.run(
                [*argv, "-e", "stderr"], stdin=subprocess.DEVNULL, capture_output=True,
                text=True, timeout=START_TIMEOUT_S, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            candidate.unlink(missing_ok=True)
            raise GatewayError("nginx did not finish testing the gateway's configuration") from None
        if tested.returncode != 0:
            candidate.unlink(missing_ok=True)
            problem = _nginx_message(tested.stderr + tested.stdout)
            raise GatewayError(f"nginx refused the gateway's configuration: {problem}")
        os.replace(candidate, self.config)

    def launch(self, nginx: str, where: str) -> None:
        stderr = self.folder / f"{self.name}.stderr"
        argv = [nginx, "-p", f"{self.folder}{os.sep}", "-c", str(self.config)]
        argv += ["-e", str(self.error_log)]
        with stderr.open("wb") as sink:
            try:
                # nginx forks its daemon and exits once the socket is bound (or failed to).
                done = subprocess.run(
                    argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=sink,
                    timeout=START_TIMEOUT_S, start_new_session=True, check=False,
                )  # fmt: skip
            except subprocess.TimeoutExpired:
                done = None
        if done is None or done.returncode != 0:
            said = stderr.read_text(errors="replace")
            error = PortTaken if "Address already in use" in said else GatewayError
            raise error(f"nginx did not start the gateway on {where}: {_nginx_message(said)}")
        try:
            self._await_master(where)
        except GatewayError:
            self.master(adopt=True)  # a master whose workers never came up is ours to end too
            self.stop(0.5)
            raise

    def reload(self) -> None:
        master = self.master()
        if master is None:
            raise GatewayError(f"the gateway's {self.name} is not running")
        before = {pid for pid, _ in _workers(master)}
        offset = _size(self.error_log)
        os.kill(master, signal.SIGHUP)
        deadline = time.monotonic() + SWITCH_TIMEOUT_S
        while True:
            workers = _workers(master)
            fresh = [pid for pid, leaving in workers if pid not in before and not leaving]
            # An old worker's title says "is shutting down" once it has closed its listening
            # socket and its idle connections: from then on, it takes no new request.
            stale = [pid for pid, leaving in workers if pid in before and not leaving]
            if len(fresh) >= self.workers and not stale:
                return
            # A refused configuration is logged as [emerg]; lesser alerts (a worker's setrlimit,
            # say) come with a reload that did happen.
            refused = _fatal_lines(self.error_log, offset, tags=("[emerg]",))
            if refused:
                raise Refused(f"nginx kept the previous configuration: {refused}")
            if self.master() is None:
                raise GatewayError(f"nginx exited while reloading: {self._log_tail()}")
            if time.monotonic() > deadline:
                raise GatewayError(
                    f"nginx did not replace its workers within {SWITCH_TIMEOUT_S:.0f} s of the"
                    f" reload; see {self.error_log}"
                )
            time.sleep(0.01)

    def replace(self, nginx: str, text: str) -> None:
        """Install `text` and reload onto it. If nginx refuses it, its master keeps serving the
        previous configuration, so the file goes back to saying that one."""
        previous = self.text()
        self.install(nginx, text)
        try:
            self.reload()
        except Refused:
            atomic_write_text(self.config, previous)
            raise

    def draining(self) -> bool:
        """Whether workers a reload replaced are still finishing the requests they had."""
        master = self.master()
        return master is not None and any(leaving for _, leaving in _workers(master))

    def stop(self, grace_s: float) -> None:
        """SIGQUIT (finish in-flight requests, then exit) for up to `grace_s`, then insist."""
        master = self.master()
        if master is not None:
            try:
                family = tree(master)
            except psutil.Error:
                family = []
            asked = family[-1:]  # the master: it tells its workers
        else:
            family = asked = self._orphans()
        signal_all(asked, signal.SIGQUIT)
        alive = wait_gone(family, grace_s)
        end_processes(alive, ((signal.SIGTERM, 3.0), (signal.SIGKILL, 3.0)))
        self._record.unlink(missing_ok=True)
        self._pid_file.unlink(missing_ok=True)

    def master(self, adopt: bool = False) -> int | None:
        """The running master's pid, from nginx's pid file, if its identity matches the one
        recorded at start. `adopt`: take over a master of this configuration whose start was
        never recorded (whoever started it died in between)."""
        pid = _read_pid(self._pid_file)
        if pid is None:
            return None
        started = self._started()
        if started is not None and is_same_process(pid, started[1]) and pid == started[0]:
            return None if _pid_gone(pid) else pid
        if adopt and _is_master_of(pid, self.config):
            atomic_write_text(self._record, json.dumps({"pid": pid, "started": identity(pid)}))
            return pid
        return None

    def _started(self) -> tuple[int, float] | None:
        """The master's identity as recorded at start: (pid, start time)."""
        try:
            record = json.loads(self._record.read_text())
            return int(record["pid"]), float(record["started"])
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def _orphans(self) -> list[psutil.Process]:
        """Workers still serving after their master was killed (nginx workers outlive it): the
        nginx processes listening on this configuration's address, started since the recorded
        master and with no nginx master above them."""
        started, listen = self._started(), read_listen(self.text())
        if started is None or listen is None or not self._pid_file.exists():
            return []  # stopped cleanly, or never started: nothing of ours can be left
        try:
            sockets = psutil.net_connections(kind="inet")
        except psutil.Error:
            return []
        found = []
        for sock in sockets:
            address = sock.laddr
            if sock.status != psutil.CONN_LISTEN or sock.pid is None or len(address) != 2:
                continue
            if address[1] != listen[1]:
                continue
            with contextlib.suppress(psutil.Error):
                proc = psutil.Process(sock.pid)
                parent = proc.parent()
                if (
                    proc.name() == "nginx"
                    and proc.create_time() >= started[1] - 0.01
                    and (parent is None or not _title(parent).startswith("nginx: master"))
                ):
                    found.append(proc)
        return found

    def _await_master(self, where: str) -> int:
        """Until the daemon has written its pid file and started its workers; its identity is
        then recorded, so master() never mistakes another process with a reused pid for it."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            pid = _read_pid(self._pid_file)
            if pid is not None and _is_master_of(pid, self.config):
                started = identity(pid)
                if started is not None and len(_workers(pid)) >= self.workers:
                    record = {"pid": pid, "started": started}
                    atomic_write_text(self._record, json.dumps(record))
                    return pid
            time.sleep(0.01)
        raise GatewayError(
            f"nginx did not come up on {where} within {START_TIMEOUT_S:.0f} s: {self._log_tail()}"
        )

    def _log_tail(self) -> str:
        return _fatal_lines(self.error_log, 0, last=3) or f"see {self.error_log}"


# ----- the processes, by the titles nginx gives them


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _title(proc: psutil.Process) -> str:
    """The process title nginx sets (`nginx: worker process`), or "" if it is gone."""
    try:
        return " ".join(proc.cmdline()).strip()
    except psutil.Error:
        return ""


def _is_master_of(pid: int, config: Path) -> bool:
    try:
        title = _title(psutil.Process(pid))
    except psutil.Error:
        return False
    return title.startswith("nginx: master process") and str(config) in title


def _pid_gone(pid: int) -> bool:
    try:
        return is_gone(psutil.Process(pid))
    except psutil.Error:
        return True


def _workers(master: int) -> list[tuple[int, bool]]:
    """The master's workers: (pid, shutting down)."""
    try:
        children = psutil.Process(master).children()
    except psutil.Error:
        return []
    found = []
    for child in children:
        title = _title(child)
        if title.startswith("nginx: worker process"):
            found.append((child.pid, title.endswith("is shutting down")))
    return found


# ----- nginx's own words for what went wrong


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _fatal_lines(log: Path, offset: int, last: int = 5, tags: tuple[str, ...] = _FATAL) -> str:
    """The fatal lines of an error log written after `offset`, the last `last` of them."""
    try:
        with log.open("rb") as handle:
            handle.seek(offset)
            text = handle.read().decode(errors="replace")
    except OSError:
        return ""
    lines = [line for line in text.splitlines() if any(tag in line for tag in tags)]
    return "; ".join(_strip_stamp(line) for line in lines[-last:])


def _strip_stamp(line: str) -> str:
    # "2024/01/01 10:00:00 [emerg] 123#123: message" -> "[emerg] message"
    match = re.match(r"^\S+ \S+ (\[\w+\]) \d+#\d+: (?:\*\d+ )?(.*)$", line)
    return f"{match.group(1)} {match.group(2)}" if match else line


def _nginx_message(text: str) -> str:
    """What nginx printed when a command failed: its fatal lines if any, else everything."""
    lines = [
        _strip_stamp(line.removeprefix("nginx: ")) for line in text.splitlines() if line.strip()
    ]
    fatal = [line for line in lines if any(tag in line for tag in _FATAL)]
    return "; ".join(fatal or lines) or "nginx gave no message"
