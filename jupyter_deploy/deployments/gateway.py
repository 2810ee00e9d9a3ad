"""A deployment's gateway: nginx daemons on the host, the stable endpoint in front of replicas.

All its files live in the caller's folder (configurations, pid files, error logs, temp dirs),
so gateways coexist, and one is found again after the Jupyter server restarts: nginx runs as
its own daemon and outlives whoever started it.

Two nginx daemons make one gateway:
- the **edge** listens on the deployment's port and holds the clients' connections. A switch
  never reloads it: a reload closes the idle keep-alive connections of the old workers, and a
  client that sends on one at that instant loses its request (measured with one nginx: 8
  keep-alive httpx clients lost 53 requests over 40 reloads);
- the **router**, on an internal loopback port, sends the edge's requests to the replicas.
  `switch()` rewrites and reloads it (nginx's graceful reload: new workers on the same socket,
  the old ones stop accepting, close their idle connections and finish what is in flight). Its
  only client is the edge, which resends a request whose reused connection closed under it.

`switch()` returns once every old router worker has closed its listening socket and idle
connections, so every request sent afterwards reaches the new replicas.
"""

import contextlib
import errno
import fcntl
import grp
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psutil

from ..atomic import atomic_write_text
from ..errors import DeployError, Unavailable
from ..processes import identity, is_same_process
from .nginx_config import (
    ERROR_LOG,
    TEMP_DIR,
    Daemon,
    Upstream,
    check_host,
    check_port,
    check_upstreams,
    read_generation,
    read_listen,
    read_upstreams,
    render_edge,
    render_router,
)

__all__ = ["Gateway", "GatewayError", "NginxMissing", "Upstream", "find_nginx"]

# One worker each: on a small machine the gateway shares the cores with the replicas, and one
# nginx worker proxies far more requests a second than a Python model server answers.
WORKERS = 1
START_TIMEOUT_S = 10.0
SWITCH_TIMEOUT_S = 15.0
_NGINX_PLACES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")
_LOCK = "gateway.lock"
_SAFE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_FATAL = ("[emerg]", "[alert]", "[crit]")


class GatewayError(DeployError):
    code = "gateway_failed"


class NginxMissing(Unavailable):
    code = "nginx_missing"


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


class Gateway:
    def __init__(self, folder: Path, port: int, host: str = "127.0.0.1") -> None:
        self.folder = Path(folder).absolute()
        self.port = check_port(port)
        self.host = check_host(host)
        self._edge = _Nginx(self.folder, "edge")
        self._router = _Nginx(self.folder, "router")

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def error_logs(self) -> list[Path]:
        return [self._edge.error_log, self._router.error_log]

    def running(self) -> bool:
        return self._edge.master() is not None and self._router.master() is not None

    def upstreams(self) -> list[Upstream]:
        """The replicas the current configuration sends requests to."""
        return read_upstreams(self._router.text())

    def start(self, upstreams: list[Upstream]) -> None:
        """Start the gateway in front of `upstreams`; if it already runs, switch it to them."""
        wanted = check_upstreams(upstreams)
        with self._locked():
            if self._edge.master(adopt=True) and self._router.master(adopt=True):
                self._switch(wanted)
                self._follow_edge()
                return
            self._stop(grace_s=1.0)  # half a gateway (one daemon died): start afresh
            self._start(wanted)

    def switch(self, upstreams: list[Upstream]) -> None:
        """Send every request from now on to `upstreams`; in-flight requests finish where they
        are. Returns once the new configuration serves; on a refused configuration the old one
        keeps serving and GatewayError carries nginx's message."""
        wanted = check_upstreams(upstreams)
        with self._locked():
            self._switch(wanted)

    def stop(self, grace_s: float = 10.0) -> None:
        """Let in-flight requests finish (up to `grace_s`), then end nginx. Safe if stopped."""
        if not self.folder.is_dir():
            return
        with self._locked():
            self._stop(grace_s)

    def wait_drained(self, timeout_s: float) -> bool:
        """Wait until the workers a switch replaced have exited: they finish the requests they
        had (sent to the old replicas) first, so afterwards no request can reach those. False
        if some remain after `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        while True:
            master = self._router.master()
            if master is None or not any(leaving for _, leaving in _workers(master)):
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)

    # The steps, each called with the folder's lock held.

    def _start(self, wanted: tuple[Upstream, ...]) -> None:
        nginx = find_nginx()
        self._check_port_free()
        (self.folder / TEMP_DIR).mkdir(parents=True, exist_ok=True)
        user = _worker_user()
        generation = read_generation(self._router.text()) + 1
        for attempt in range(3):
            router_port = _free_port()
            text = render_router(Daemon("router", WORKERS, user), router_port, wanted, generation)
            self._router.install(nginx, text)
            try:
                self._router.launch(nginx, f"127.0.0.1:{router_port}")
                break
            except _PortTaken:
                if attempt == 2:
                    raise  # another program keeps taking the free ports we find
        try:
            self._edge.install(nginx, self._edge_text(router_port, user))
            self._edge.launch(nginx, f"{self.host}:{self.port}")
        except GatewayError:
            self._router.stop(0.5)
            raise

    def _switch(self, wanted: tuple[Upstream, ...]) -> None:
        if self._edge.master() is None or self._router.master() is None:
            raise GatewayError(f"the gateway on {self._where()} is not running: start it first")
        nginx = find_nginx()
        previous = self._router.text()
        listen = read_listen(previous)
        if listen is None:
            raise GatewayError(f"{self._router.config} names no port: stop and start the gateway")
        router_port = listen[1]
        generation = read_generation(previous) + 1
        daemon = Daemon("router", WORKERS, _worker_user())
        self._router.install(nginx, render_router(daemon, router_port, wanted, generation))
        try:
            self._router.reload()
        except _Refused:
            # The master kept serving the old configuration: the file says so again.
            atomic_write_text(self._router.config, previous)
            raise

    def _follow_edge(self) -> None:
        """A gateway started again with another host or port: the edge moves there."""
        listen = read_listen(self._router.text())
        assert listen is not None  # _switch has just read it
        previous = self._edge.text()
        text = self._edge_text(listen[1], _worker_user())
        if text == previous:
            return
        if read_listen(previous) != (self.host, self.port):
            self._check_port_free()
        self._edge.install(find_nginx(), text)
        try:
            self._edge.reload()
        except _Refused:
            atomic_write_text(self._edge.config, previous)
            raise

    def _stop(self, grace_s: float) -> None:
        # The edge first: its in-flight requests still need the router to finish. The router
        # then has only what the edge left, within the rest of the grace period.
        deadline = time.monotonic() + grace_s
        self._edge.stop(grace_s)
        self._router.stop(max(0.5, deadline - time.monotonic()))

    def _edge_text(self, router_port: int, user: str | None) -> str:
        return render_edge(Daemon("edge", WORKERS, user), self.host, self.port, router_port)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One change at a time per gateway, across threads and processes."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / _LOCK).open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _check_port_free(self) -> None:
        """nginx itself retries a busy port for 2.5 s before failing; this says it at once."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((self.host, self.port))
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    raise GatewayError(
                        f"port {self.port} on {self.host} is already in use"
                    ) from None
                raise GatewayError(f"cannot listen on {self._where()}: {exc.strerror}") from None

    def _where(self) -> str:
        return f"{self.host}:{self.port}"


class _Nginx:
    """One nginx master of the gateway, with its configuration file, its pid file and the
    identity (pid and start time) recorded when it started; pids are reused."""

    def __init__(self, folder: Path, name: str) -> None:
        self.folder = folder
        self.name = name
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
            error = _PortTaken if "Address already in use" in said else GatewayError
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
            if len(fresh) >= WORKERS and not stale:
                return
            # A refused configuration is logged as [emerg]; lesser alerts (a worker's setrlimit,
            # say) come with a reload that did happen.
            refused = _fatal_lines(self.error_log, offset, tags=("[emerg]",))
            if refused:
                raise _Refused(f"nginx kept the previous configuration: {refused}")
            if self.master() is None:
                raise GatewayError(f"nginx exited while reloading: {self._log_tail()}")
            if time.monotonic() > deadline:
                raise GatewayError(
                    f"nginx did not replace its workers within {SWITCH_TIMEOUT_S:.0f} s of the"
                    f" reload; see {self.error_log}"
                )
            time.sleep(0.01)

    def stop(self, grace_s: float) -> None:
        master = self.master()
        if master is not None:
            family, asked = _family(master), [master]
        else:
            family = self._orphans()
            asked = [proc.pid for proc in family]
        for pid in asked:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGQUIT)  # finish in-flight requests, then exit
        alive = _wait_gone(family, grace_s)
        for signum, wait_s in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 3.0)):
            for proc in alive:
                with contextlib.suppress(psutil.Error):
                    proc.send_signal(signum)
            alive = _wait_gone(alive, wait_s)
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
            return None if _is_zombie(pid) else pid
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
                if started is not None and len(_workers(pid)) >= WORKERS:
                    record = {"pid": pid, "started": started}
                    atomic_write_text(self._record, json.dumps(record))
                    return pid
            time.sleep(0.01)
        raise GatewayError(
            f"nginx did not come up on {where} within {START_TIMEOUT_S:.0f} s: {self._log_tail()}"
        )

    def _log_tail(self) -> str:
        return _fatal_lines(self.error_log, 0, last=3) or f"see {self.error_log}"


class _Refused(GatewayError):
    """nginx refused a reload and kept serving its previous configuration."""


class _PortTaken(GatewayError):
    """Another program bound the port between our finding it free and nginx binding it."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _worker_user() -> str | None:
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


def _is_zombie(pid: int) -> bool:
    try:
        return bool(psutil.Process(pid).status() == psutil.STATUS_ZOMBIE)
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


def _family(master: int) -> list[psutil.Process]:
    try:
        proc = psutil.Process(master)
        return [proc, *proc.children()]
    except psutil.Error:
        return []


def _wait_gone(procs: list[psutil.Process], timeout_s: float) -> list[psutil.Process]:
    """Those still alive after `timeout_s`. A zombie counts as gone: the daemon is not our
    child, so reaping it is up to init."""
    deadline = time.monotonic() + timeout_s
    while True:
        alive = [p for p in procs if p.is_running() and not _is_zombie(p.pid)]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.02)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _fatal_lines(log: Path, offset: int, last: int = 5, tags: tuple[str, ...] = _FATAL) -> str:
    """nginx's own words for what went wrong, from its error log after `offset`."""
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
    lines = [
        _strip_stamp(line.removeprefix("nginx: ")) for line in text.splitlines() if line.strip()
    ]
    fatal = [line for line in lines if any(tag in line for tag in _FATAL)]
    return "; ".join(fatal or lines) or "nginx gave no message"
