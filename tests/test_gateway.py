"""The deployment gateway with a real nginx in front of real HTTP servers (the replicas, the
traffic and the nginx lookups are in gateway_fixtures.py)."""

import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psutil
import pytest
from conftest import IN_CI
from gateway_fixtures import (
    Load,
    Replica,
    end_replica,
    masters,
    nginx_processes,
    port_open,
    predict,
    start_replica,
    wait_until,
)

from jupyter_deploy.deployments import nginx as nginx_module
from jupyter_deploy.deployments.gateway import Gateway
from jupyter_deploy.deployments.nginx import GatewayError, NginxMissing, find_nginx
from jupyter_deploy.deployments.nginx_config import Upstream
from jupyter_deploy.errors import InvalidInput
from jupyter_deploy.processes import free_port, is_gone


@pytest.fixture(scope="module", autouse=True)
def nginx_installed() -> None:
    try:
        find_nginx()
    except NginxMissing as exc:
        if IN_CI:
            pytest.fail(exc.message)
        pytest.skip(exc.message)


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
    assert not [p for p in family if not is_gone(p)]
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
    wait_until(lambda: all(is_gone(p) for p in router), "the router to die")
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
    assert not [w for w in workers if not is_gone(w)]


def test_nginx_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A machine without nginx: none on the PATH nor in the usual places.
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(nginx_module, "_NGINX_PLACES", (str(tmp_path / "nginx"),))
    with pytest.raises(NginxMissing, match=r"apt-get install nginx-light") as caught:
        Gateway(tmp_path / "gw", free_port()).start([])
    assert caught.value.code == "nginx_missing"
