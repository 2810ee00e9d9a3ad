"""The gateway tests' replicas, traffic and nginx lookups (test_gateway.py holds the fixtures).

The replicas are small asyncio HTTP servers of our own, started as processes, that answer
POST /predict with their name: each test can tell which replica served which request.
"""

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

from jupyter_deploy.deployments.gateway import Gateway
from jupyter_deploy.deployments.nginx_config import Upstream
from jupyter_deploy.processes import free_port, is_gone

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
    return [p for p in found if not is_gone(p)]


def masters(folder: Path) -> set[int]:
    return {p.pid for p in nginx_processes(folder) if "master" in " ".join(p.cmdline())}


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
