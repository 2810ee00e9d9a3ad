"""A real Jupyter Server (or CLI) is killed while a run is in flight: no worker, fork server or
kernel survives it, and the restarted server shows the run as interrupted."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from conftest import JUPYTER
from runs_fixtures import kernels_among, make_project

TOKEN = "restart-test-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port = root, port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter_server",
                f"--ServerApp.root_dir={self.root}",
                f"--ServerApp.port={self.port}",
                "--ServerApp.ip=127.0.0.1",
                "--ServerApp.open_browser=False",
                "--ServerApp.allow_root=True",
                f"--IdentityProvider.token={TOKEN}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.wait_for(lambda: self.request("GET", "/api/status")[0] == 200, "the server to start")

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")
        except OSError:
            return 0, None

    @staticmethod
    def wait_for(predicate: Any, what: str, limit_s: float = 60.0) -> Any:
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.1)  # polling another process's state, bounded by limit_s
        raise AssertionError(f"timed out waiting for {what}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    make_project(tmp_path / "proj")
    running = Server(tmp_path, _free_port())
    yield running
    running.stop()


def _running(server: Server) -> dict | None:
    code, listing = server.request("GET", "/jupyter-deploy/runs?project=proj")
    if code != 200:
        return None
    return next(
        (r for r in listing["runs"] if r["status"] == "running" and r["progress"]["cell"] >= 3),
        None,
    )


def test_runs_in_flight_become_interrupted_and_no_kernel_is_orphaned(server: Server) -> None:
    server.start()
    code, run = server.request("POST", "/jupyter-deploy/runs", {"notebook": "proj/slow.ipynb"})
    assert code == 201, run
    server.wait_for(lambda: _running(server), "the run's slow cell")
    assert server.proc is not None
    family = psutil.Process(server.proc.pid).children(recursive=True)
    assert kernels_among(family), "no kernel found"

    os.kill(server.proc.pid, signal.SIGKILL)
    server.proc.wait(timeout=10)
    _, alive = psutil.wait_procs(family, timeout=10)
    assert not alive, f"orphaned: {[p.cmdline() for p in alive]}"

    server.start()
    code, after = server.request("GET", f"/jupyter-deploy/runs/{run['id']}?project=proj")
    assert code == 200
    assert after["status"] == "interrupted"
    assert after["error"]["kind"] == "interrupted"


def _ended(process: psutil.Process) -> bool:
    """Ended, or a zombie: an orphan's reaper (init here) collects it whenever it likes."""
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _follow_until_all_end(family: list[psutil.Process], limit_s: float = 60.0) -> list[str]:
    """Wait for every process of the family to end, adopting any child they start meanwhile;
    returns the command lines of those late children."""
    known = {p.pid: p for p in family}
    late: list[str] = []
    deadline = time.monotonic() + limit_s
    while live := [p for p in known.values() if not _ended(p)]:
        for process in live:
            try:
                children = process.children(recursive=True)
            except psutil.Error:
                continue
            for child in children:
                if child.pid not in known:
                    known[child.pid] = child
                    with contextlib.suppress(psutil.Error):
                        late.append(" ".join(child.cmdline()) or child.name())
        assert time.monotonic() < deadline, f"still running: {[p.pid for p in live]}"
        time.sleep(0.02)  # polling other processes' state, bounded by the deadline
    return late


def _first_worker(owner: psutil.Process) -> list[psutil.Process]:
    """The owner's family as soon as a run worker is among it (still importing, not set up)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        family = owner.children(recursive=True)
        with contextlib.suppress(psutil.Error):
            if any("jupyter_deploy.runs.worker" in p.cmdline() for p in family):
                return family
        time.sleep(0.005)  # polling for the spawn, bounded by the deadline
    raise AssertionError("no run worker was started")


@pytest.mark.parametrize("owner_kind", ["server", "cli"])
def test_a_worker_orphaned_while_starting_ends_without_starting_a_kernel(
    owner_kind: str, server: Server, tmp_path: Path
) -> None:
    # Killed before the worker could ask to die with it: the worker must notice on its own.
    if owner_kind == "server":
        server.start()
        assert server.proc is not None
        code, run = server.request("POST", "/jupyter-deploy/runs", {"notebook": "proj/slow.ipynb"})
        assert code == 201, run
        owner = server.proc
    else:
        owner = _cli_run(tmp_path / "proj")
    try:
        family = _first_worker(psutil.Process(owner.pid))
        os.kill(owner.pid, signal.SIGKILL)
    finally:
        if owner.poll() is None:
            owner.kill()
        owner.wait(timeout=10)
    late = _follow_until_all_end(family)
    assert late == [], f"an orphaned worker went on to start: {late}"


def _cli_run(project: Path) -> "subprocess.Popen[bytes]":
    """`jupyter deploy run slow.ipynb` in `project`, as a user starts it from a terminal."""
    return subprocess.Popen(
        [JUPYTER, "deploy", "run", "slow.ipynb"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_killing_the_cli_mid_run_ends_worker_fork_server_and_kernel(tmp_path: Path) -> None:
    make_project(tmp_path / "proj")
    owner = _cli_run(tmp_path / "proj")
    try:
        family, names = Server.wait_for(lambda: _kernel_up(owner.pid), "the run's kernel")
        os.kill(owner.pid, signal.SIGKILL)
    finally:
        if owner.poll() is None:
            owner.kill()
        owner.wait(timeout=10)
    assert "runs.worker" in names, names
    assert "runs.zygote" in names, names
    assert _follow_until_all_end(family) == []


def _kernel_up(pid: int) -> tuple[list[psutil.Process], str] | None:
    """The owner's family once a kernel is among it, with its command lines."""
    with contextlib.suppress(psutil.Error):
        family = psutil.Process(pid).children(recursive=True)
        if kernels_among(family):
            return family, " ".join(" ".join(p.cmdline()) for p in family)
    return None
