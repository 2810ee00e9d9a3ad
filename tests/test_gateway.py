"""The deployment gateway with a real nginx in front of real HTTP servers.

The replicas are small uvicorn apps of our own, started as processes, that answer
POST /predict with their name: each test can tell which replica served which request.
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import pytest
from conftest import IN_CI

from jupyter_deploy.deployments import gateway as gateway_module
from jupyter_deploy.deployments.gateway import Gateway, GatewayError, NginxMissing, Upstream
from jupyter_deploy.errors import InvalidInput

# A replica that writes each whole answer (headers and body) in one write. uvicorn writes the
# headers, then the body: a replica SIGKILLed between the two leaves the gateway with half an
# answer already sent on, which no proxy can retry, so a kill test would fail by chance.
REPLICA = """
import asyncio, json, sys

NAME = sys.argv[1]


async def handle(reader, writer):
    try:
        while True:
            head = (await reader.readuntil(b"\\r\\n\\r\\n")).decode("latin-1").split("\\r\\n")
            path = head[0].split(" ")[1]
            headers = {}
            for line in head[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            await reader.readexactly(int(headers.get("content-length") or 0))
            if path == "/health/ready":
                body = {"ready": True}
            else:
                body = {
                    "replica": NAME,
                    "authorization": headers.get("authorization", ""),
                    "request_id": headers.get("x-request-id", ""),
                }
            data = json.dumps(body).encode()
            writer.write(
                b"HTTP/1.1 200 OK\\r\\ncontent-type: application/json\\r\\n"
                b"content-length: %d\\r\\n\\r\\n%s" % (len(data), data)
            )
            await writer.drain()
            if headers.get("connection", "").lower() == "close":
                break
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", int(sys.argv[2]))
    async with server:
        await server.serve_forever()


asyncio.run(main())
"""


@pytest.fixture(scope="module", autouse=True)
def nginx_installed() -> None:
    try:
        gateway_module.find_nginx()
    except NginxMissing as exc:
        if IN_CI:
            pytest.fail(exc.message)
        pytest.skip(exc.message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(check: Callable[[], bool], what: str, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@dataclass
class Replica:
    name: str
    proc: "subprocess.Popen[bytes]"
    address: str

    @property
    def upstream(self) -> Upstream:
        return Upstream(self.address, self.name)


def start_replica(name: str) -> Replica:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", REPLICA, name, str(port)])
    replica = Replica(name, proc, f"127.0.0.1:{port}")

    def ready() -> bool:
        assert proc.poll() is None, f"replica {name} exited with {proc.returncode}"
        try:
            return httpx.get(f"http://{replica.address}/health/ready").status_code == 200
        except httpx.TransportError:
            return False

    wait_until(ready, f"replica {name} to answer")
    return replica


def end_replica(replica: Replica) -> None:
    replica.proc.terminate()
    try:
        replica.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        replica.proc.kill()
        replica.proc.wait()


@pytest.fixture(scope="module")
def pair() -> Iterator[tuple[Replica, Replica]]:
    """Two replicas, A and B, shared by the tests that do not kill them."""
    a = start_replica("A")
    try:
        b = start_replica("B")
    except BaseException:
        end_replica(a)
        raise
    yield a, b
    end_replica(a)
    end_replica(b)


@pytest.fixture
def replica_factory() -> Iterator[Callable[[str], Replica]]:
    started: list[Replica] = []

    def make(name: str) -> Replica:
        started.append(start_replica(name))
        return started[-1]

    yield make
    for replica in started:
        end_replica(replica)


def nginx_processes(folder: Path) -> list[psutil.Process]:
    """The live nginx processes of the gateway in `folder`: its masters (their command line
    names the folder) and their workers. Zombies are gone, only not yet reaped by init."""
    found = []
    for proc in psutil.process_iter():
        try:
            title = " ".join(proc.cmdline())
            if title.startswith("nginx: master process") and str(folder) in title:
                found += [proc, *proc.children()]
        except psutil.Error:
            continue
    return [p for p in found if _alive(p)]


def masters(folder: Path) -> set[int]:
    return {p.pid for p in nginx_processes(folder) if "master" in " ".join(p.cmdline())}


def _alive(proc: psutil.Process) -> bool:
    try:
        return bool(proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE)
    except psutil.Error:
        return False


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    """A gateway's state folder; the gateway in it is stopped afterwards, leaving no nginx."""
    folder = tmp_path / "gateways" / "iris"
    yield folder
    Gateway(folder, 1).stop(grace_s=1)  # the port plays no part in stopping
    left = nginx_processes(folder)
    for proc in left:
        proc.kill()
    assert not left, f"nginx processes left running after stop(): {left}"


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def predict(gateway: Gateway, **headers: str) -> httpx.Response:
    return httpx.post(gateway.url + "/predict", json=[{"x": 1}], headers=headers, timeout=10)


@dataclass
class Load:
    """Constant POST /predict traffic: `connections` threads, one keep-alive connection each."""

    url: str
    connections: int = 8
    answers: list[tuple[float, str]] = field(default_factory=list)  # (sent at, replica)
    failures: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def __enter__(self) -> "Load":
        for _ in range(self.connections):
            thread = threading.Thread(target=self._run, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=20)

    def _run(self) -> None:
        with httpx.Client(limits=httpx.Limits(max_connections=1), timeout=10) as client:
            while not self._stop.is_set():
                sent = time.monotonic()
                try:
                    answer = client.post(self.url, json=[{"x": 1}])
                except httpx.HTTPError as exc:
                    self.failures.append(repr(exc))
                    continue
                if answer.status_code != 200:
                    self.failures.append(f"{answer.status_code} {answer.text}")
                else:
                    self.answers.append((sent, answer.json()["replica"]))

    def count(self) -> int:
        return len(self.answers) + len(self.failures)


def test_start_serve_and_stop(folder: Path, pair: tuple[Replica, Replica]) -> None:
    a, _ = pair
    gateway = Gateway(folder, free_port())
    assert not gateway.running()
    assert gateway.upstreams() == []

    gateway.start([a.upstream])

    assert gateway.running()
    assert gateway.upstreams() == [Upstream(a.address, "A")]
    answer = predict(gateway, Authorization="Bearer secret-key")
    assert answer.status_code == 200
    body = answer.json()
    assert body["replica"] == "A"
    assert body["authorization"] == "Bearer secret-key"
    assert answer.headers["X-Request-Id"] == body["request_id"] != ""
    mine = predict(gateway, **{"X-Request-Id": "trace-42"})
    assert mine.json()["request_id"] == mine.headers["X-Request-Id"] == "trace-42"
    family = nginx_processes(folder)
    assert len(family) == 4  # the edge's and the router's masters, one worker each

    with socket.create_connection(("127.0.0.1", gateway.port)) as raw:  # HTTP/1.0, no Host
        raw.sendall(b"POST /predict HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}")
        assert raw.makefile("rb").readline().startswith(b"HTTP/1.1 200")

    running = masters(folder)
    gateway.start([a.upstream])  # already running: a switch to the same replica
    assert predict(gateway).json()["replica"] == "A"
    assert masters(folder) == running

    gateway.stop()

    assert not gateway.running()
    assert not port_open(gateway.port)
    assert not [p for p in family if _alive(p)]
    gateway.stop()  # stopping a stopped gateway is fine


def test_switch_under_load_fails_no_request(folder: Path, pair: tuple[Replica, Replica]) -> None:
    a, b = pair
    gateway = Gateway(folder, free_port())
    gateway.start([a.upstream])
    switches: list[tuple[float, float, str]] = []  # (called at, returned at, target)
    began = time.monotonic()
    with Load(gateway.url + "/predict") as load:
        wait_until(lambda: load.count() > 200, "traffic through the gateway")
        for target in [b, a, b, a, b, a, b, a, b, a]:
            called = time.monotonic()
            gateway.switch([target.upstream])
            switches.append((called, time.monotonic(), target.name))
            seen = load.count()
            wait_until(lambda seen=seen: load.count() > seen + 100, "traffic after a switch")
        wait_until(lambda: time.monotonic() - began > 5, "5 s of traffic")
    gateway.stop()

    assert load.failures == []
    for i, (_, returned, target) in enumerate(switches):
        until = switches[i + 1][0] if i + 1 < len(switches) else float("inf")
        after = sorted((sent, name) for sent, name in load.answers if returned < sent < until)
        assert after, f"no request was sent after switch {i}"
        assert after[0][1] == target, f"switch {i}: first request after it went to {after[0]}"
        assert {name for _, name in after} == {target}
    during = [s for s, _ in load.answers if any(c < s < r for c, r, _ in switches)]
    assert during, "no request was in flight while the gateway switched"
    assert len(load.answers) > 1000


def test_replica_killed_mid_traffic(
    folder: Path, replica_factory: Callable[[str], Replica]
) -> None:
    c, d = replica_factory("C"), replica_factory("D")
    gateway = Gateway(folder, free_port())
    gateway.start([c.upstream, d.upstream])
    with Load(gateway.url + "/predict", connections=6) as load:
        wait_until(lambda: {"C", "D"} <= {name for _, name in load.answers}, "both replicas")
        d.proc.kill()
        killed = time.monotonic()
        d.proc.wait()
        seen = load.count()
        wait_until(lambda: load.count() > seen + 500, "traffic after the kill")
    gateway.stop()

    assert load.failures == []
    after = {name for sent, name in load.answers if sent > killed + 0.05}
    assert after == {"C"}


def test_refuses_bad_input(folder: Path) -> None:
    for port in (0, 65536, -1, "8080", True, 8080.0):
        with pytest.raises(InvalidInput, match="port must be an integer"):
            Gateway(folder, port)  # type: ignore[arg-type]
    for host in ("localhost", "127.0.0.1; evil", "", "0.0.0.0:80", "fe80::1%lo;}", None):
        with pytest.raises(InvalidInput, match="host must be an IP address"):
            Gateway(folder, 8080, host)
    gateway = Gateway(folder, free_port())
    bad = [
        "1.2.3.4:80; evil",
        "127.0.0.1:80 }",
        "127.0.0.1",
        "127.0.0.1:0",
        "127.0.0.1:70000",
        "my host:80",
        "[not-v6]:80",
        "-bad-.example:80",
        "127.0.0.1:80\nuser root;",
    ]
    for address in bad:
        with pytest.raises(InvalidInput, match="upstream address") as caught:
            gateway.start([Upstream(address)])
        assert repr(address) in caught.value.message
    with pytest.raises(InvalidInput, match="label"):
        gateway.start([Upstream("127.0.0.1:8080", "v1\n}")])
    with pytest.raises(InvalidInput, match="listed twice"):
        gateway.start([Upstream("127.0.0.1:8080"), Upstream("127.0.0.1:8080", "again")])
    with pytest.raises(InvalidInput, match="Upstream objects"):
        gateway.start(["127.0.0.1:8080"])  # type: ignore[list-item]
    assert not gateway.running()
    assert not (folder / "router.conf").exists()
    assert Gateway(folder, 8080, "::1").url == "http://[::1]:8080"


def test_port_in_use(folder: Path, pair: tuple[Replica, Replica]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        gateway = Gateway(folder, port)
        with pytest.raises(GatewayError, match=f"port {port} on 127.0.0.1 is already in use"):
            gateway.start([pair[0].upstream])
    assert not gateway.running()
    assert nginx_processes(folder) == []


def test_refused_configuration_keeps_the_old_one(
    folder: Path, pair: tuple[Replica, Replica]
) -> None:
    a, _ = pair
    gateway = Gateway(folder, free_port())
    gateway.start([a.upstream])

    with pytest.raises(GatewayError) as caught:
        gateway.switch([Upstream("no-such-host.invalid:8080")])

    assert 'host not found in upstream "no-such-host.invalid:8080"' in caught.value.message
    assert "Traceback" not in caught.value.message
    assert gateway.upstreams() == [a.upstream]
    assert predict(gateway).json()["replica"] == "A"
    assert not (folder / "router.conf.next").exists()


def test_no_replicas_answers_503_json(folder: Path, pair: tuple[Replica, Replica]) -> None:
    gateway = Gateway(folder, free_port())
    gateway.start([])

    answer = predict(gateway)
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["error"]["code"] == "no_replicas"
    assert gateway.upstreams() == []

    gateway.switch([pair[1].upstream])
    assert predict(gateway).json()["replica"] == "B"
    too_big = httpx.post(gateway.url + "/predict", content=b"x" * (5 << 20), timeout=10)
    assert too_big.status_code == 413
    assert too_big.json()["error"]["code"] == "payload_too_large"


def test_reattach_from_another_object(folder: Path, pair: tuple[Replica, Replica]) -> None:
    a, b = pair
    port = free_port()
    first = Gateway(folder, port)
    first.start([a.upstream])

    again = Gateway(folder, port)  # e.g. after the Jupyter server restarted
    assert again.running()
    assert again.upstreams() == [a.upstream]
    again.switch([b.upstream])
    assert predict(first).json()["replica"] == "B"
    assert first.upstreams() == [b.upstream]

    # Identity records lost (the starter died before writing them): not "running" on a pid's
    # word alone, but start() adopts the daemons instead of starting a second gateway.
    running = masters(folder)
    for record in folder.glob("*.master.json"):
        record.unlink()
    assert not again.running()
    again.start([a.upstream])
    assert again.running()
    assert masters(folder) == running
    assert predict(again).json()["replica"] == "A"

    again.stop()
    assert not first.running()
    assert not port_open(port)

    # A pid file naming a live process that is not our nginx (pids are reused).
    (folder / "edge.pid").write_text(f"{os.getpid()}\n")
    (folder / "router.pid").write_text(f"{os.getpid()}\n")
    record = json.dumps({"pid": os.getpid(), "started": 1.0})
    (folder / "edge.master.json").write_text(record)
    (folder / "router.master.json").write_text(record)
    assert not first.running()
    first.stop()  # touches nothing it did not start
    assert psutil.pid_exists(os.getpid())


def test_start_again_after_nginx_was_killed(folder: Path, pair: tuple[Replica, Replica]) -> None:
    a, b = pair
    gateway = Gateway(folder, free_port())
    gateway.start([a.upstream])

    # The router killed, master and worker: the edge says so in JSON.
    router = [p for p in nginx_processes(folder) if "router.conf" in " ".join(p.cmdline())]
    router += router[0].children()
    for proc in router:
        proc.kill()
    wait_until(lambda: not any(_alive(p) for p in router), "the router to die")
    answer = predict(gateway)
    assert answer.status_code == 502
    assert answer.json()["error"]["message"].startswith("the router of the gateway")
    assert not gateway.running()
    gateway.start([a.upstream])
    assert predict(gateway).json()["replica"] == "A"

    # Both masters killed: their workers go on serving the port with no master to stop them.
    workers = [p for p in nginx_processes(folder) if "worker" in " ".join(p.cmdline())]
    for pid in masters(folder):
        os.kill(pid, 9)
    wait_until(lambda: not masters(folder), "the masters to die")
    assert predict(gateway).json()["replica"] == "A"
    assert not gateway.running()
    gateway.start([b.upstream])  # ends the orphaned workers and starts afresh on the port
    assert predict(gateway).json()["replica"] == "B"
    assert not [w for w in workers if _alive(w)]


def test_nginx_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A machine without nginx: none on the PATH nor in the usual places.
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(gateway_module, "_NGINX_PLACES", (str(tmp_path / "nginx"),))
    with pytest.raises(NginxMissing, match=r"apt-get install nginx-light") as caught:
        Gateway(tmp_path / "gw", free_port()).start([])
    assert caught.value.code == "nginx_missing"
