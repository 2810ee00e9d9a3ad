"""A deployment's gateway: two nginx daemons on the host, the stable endpoint in front of
replicas. This module decides what they serve and when; nginx.py drives the daemons.

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
import socket
import time
from collections.abc import Iterator
from pathlib import Path

from ..processes import free_port
from .nginx import GatewayError, Nginx, PortTaken, find_nginx, worker_user
from .nginx_config import (
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

__all__ = ["Gateway"]

# One worker each: on a small machine the gateway shares the cores with the replicas, and one
# nginx worker proxies far more requests a second than a Python model server answers.
WORKERS = 1
_LOCK = "gateway.lock"


class Gateway:
    def __init__(self, folder: Path, port: int, host: str = "127.0.0.1") -> None:
        self.folder = Path(folder).absolute()
        self.port = check_port(port)
        self.host = check_host(host)
        self._edge = Nginx(self.folder, "edge", WORKERS)
        self._router = Nginx(self.folder, "router", WORKERS)

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
            if not self._router.draining():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)

    # The steps, each called with the folder's lock held.

    def _start(self, wanted: tuple[Upstream, ...]) -> None:
        nginx = find_nginx()
        self._check_port_free()
        (self.folder / TEMP_DIR).mkdir(parents=True, exist_ok=True)
        user = worker_user()
        generation = read_generation(self._router.text()) + 1
        for attempt in range(3):
            router_port = free_port()
            text = render_router(Daemon("router", WORKERS, user), router_port, wanted, generation)
            self._router.install(nginx, text)
            try:
                self._router.launch(nginx, f"127.0.0.1:{router_port}")
                break
            except PortTaken:
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
        daemon = Daemon("router", WORKERS, worker_user())
        self._router.replace(nginx, render_router(daemon, router_port, wanted, generation))

    def _follow_edge(self) -> None:
        """A gateway started again with another host or port: the edge moves there."""
        listen = read_listen(self._router.text())
        assert listen is not None  # _switch has just read it
        previous = self._edge.text()
        text = self._edge_text(listen[1], worker_user())
        if text == previous:
            return
        if read_listen(previous) != (self.host, self.port):
            self._check_port_free()
        self._edge.replace(find_nginx(), text)

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
