"""The kernel fork server: real forked kernels, checked for the properties a launched kernel has."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from jupyter_core.utils import run_sync

from jupyter_deploy.runs import worker, zygote
from jupyter_deploy.runs.forking import (
    ForkedKernel,
    ForkingKernelManager,
    ForkServerClient,
    _forkable,
    fork_enabled,
    notebook_imports,
)


def gone(pid: int, timeout: float = 10.0) -> bool:
    """The process ended (an unreaped zombie counts: the fork server's reaper may be init)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def forks() -> Iterator[ForkServerClient]:
    client = ForkServerClient()
    yield client
    client.close()


class Kernel:
    """A kernel started through ForkingKernelManager, with a ready client."""

    def __init__(self, forks: ForkServerClient | None, **launch: Any) -> None:
        self.km = ForkingKernelManager(kernel_name="python3")
        self.km.fork_server = forks
        run_sync(self._start)(**launch)

    async def _start(self, **launch: Any) -> None:
        await self.km.start_kernel(**launch)
        self.kc = self.km.client()
        self.kc.start_channels()
        await self.kc.wait_for_ready(timeout=60)

    @property
    def pid(self) -> int:
        assert self.km.provisioner is not None
        pid = self.km.provisioner.pid
        assert isinstance(pid, int)
        return pid

    def eval(self, expression: str) -> str:
        return str(run_sync(self._eval)(expression))

    async def _eval(self, expression: str) -> str:
        msg_id = self.kc.execute("", silent=True, user_expressions={"v": expression})
        while True:
            reply = await self.kc.get_shell_msg(timeout=30)
            if reply["parent_header"].get("msg_id") == msg_id:
                value = reply["content"]["user_expressions"]["v"]
                assert value["status"] == "ok", value
                return str(value["data"]["text/plain"])

    def stop(self) -> None:
        self.kc.stop_channels()
        if self.km.has_kernel:
            run_sync(self.km.shutdown_kernel)(now=True)


def test_a_forked_kernel_is_a_separate_session_with_the_launch_environment(
    forks: ForkServerClient, tmp_path: Path
) -> None:
    env = {**os.environ, "JD_FORK_TEST": "from-the-launch"}
    kernel = Kernel(forks, cwd=str(tmp_path), env=env)
    try:
        process = psutil.Process(kernel.pid)
        assert isinstance(kernel.km.provisioner.process, ForkedKernel)  # type: ignore[union-attr]
        assert process.ppid() != os.getpid(), "a child of the fork server, not of the manager"
        assert "jupyter_deploy.runs.zygote" in " ".join(process.parent().cmdline())
        assert process.name() == "ipykernel"
        assert os.getpgid(kernel.pid) == kernel.pid
        assert os.getsid(kernel.pid) == kernel.pid
        assert kernel.eval("__import__('os').getcwd()") == repr(str(tmp_path))
        assert kernel.eval("__import__('os').environ['JD_FORK_TEST']") == "'from-the-launch'"
        assert kernel.eval("__import__('os').getpid()") == str(kernel.pid)
        # The fork server runs with its collector off; a kernel must not inherit that.
        assert kernel.eval("__import__('gc').isenabled()") == "True"
    finally:
        kernel.stop()
    assert gone(kernel.pid)


def test_the_fork_server_waits_for_its_kernels_so_their_cpu_time_is_accounted(
    forks: ForkServerClient,
) -> None:
    kernel = Kernel(forks)
    server = psutil.Process(kernel.pid).parent()
    assert server is not None
    busy = "__import__('time').process_time() if [sum(range(10**6)) for _ in range(30)] else 0"
    assert float(kernel.eval(busy)) > 0.1
    kernel.stop()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        times = server.cpu_times()
        if times.children_user + times.children_system > 0.1:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the kernel's CPU time never reached the fork server's children times")
    assert kernel.pid not in [c.pid for c in server.children()], "left a zombie"


def test_preloaded_modules_are_in_the_next_kernel_and_random_state_differs(
    forks: ForkServerClient,
) -> None:
    forks.preload(["numpy", "json"])
    kernels = [Kernel(forks), Kernel(forks)]
    try:
        # Imported by the fork server before the fork: present before the notebook imports it.
        assert all(k.eval("'numpy' in __import__('sys').modules") == "True" for k in kernels)
        draws = {k.eval("__import__('numpy').random.randint(0, 2**31)") for k in kernels}
        assert len(draws) == 2, "every forked kernel must get its own numpy random state"
        pids = {k.pid for k in kernels}
        assert len(pids) == 2
    finally:
        for k in kernels:
            k.stop()


def test_killing_the_fork_server_takes_its_kernels_and_the_next_kernel_still_starts(
    forks: ForkServerClient,
) -> None:
    kernel = Kernel(forks)
    server = psutil.Process(kernel.pid).parent()
    server.kill()
    assert gone(kernel.pid), "a kernel must not outlive its fork server"
    assert kernel.km.provisioner.process.poll() == -1  # type: ignore[union-attr]
    kernel.stop()

    replacement = Kernel(forks)
    try:
        assert replacement.eval("1 + 1") == "2"
    finally:
        replacement.stop()


def test_kernels_of_other_interpreters_are_launched_the_ordinary_way(
    forks: ForkServerClient,
) -> None:
    assert _forkable([sys.executable, "-m", "ipykernel_launcher", "-f", "c.json"])
    assert not _forkable(["/usr/bin/false", "-m", "ipykernel_launcher", "-f", "c.json"])
    assert not _forkable([sys.executable, "-m", "other_kernel", "-f", "c.json"])
    assert not _forkable([sys.executable])

    kernel = Kernel(None)
    try:
        assert not isinstance(kernel.km.provisioner.process, ForkedKernel)  # type: ignore[union-attr]
        assert psutil.Process(kernel.pid).ppid() == os.getpid()
    finally:
        kernel.stop()


def test_fork_kernels_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JUPYTER_DEPLOY_FORK_KERNELS", raising=False)
    assert fork_enabled()
    for off in ("0", "false", "OFF", "no"):
        monkeypatch.setenv("JUPYTER_DEPLOY_FORK_KERNELS", off)
        assert not fork_enabled()


def test_only_installed_libraries_are_preloaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "project_helpers.py").write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert zygote._is_library_module("json")
    assert zygote._is_library_module("numpy.linalg")
    assert zygote._is_library_module("sys")
    assert not zygote._is_library_module("project_helpers"), "project code is read fresh per run"
    assert not zygote._is_library_module("no_such_module_anywhere")
    assert not zygote._is_library_module("tkinter"), "never preloaded: not fork-safe"


def test_a_module_that_starts_threads_taints_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "spawns_a_thread.py").write_text(
        "import threading\n"
        "stop = threading.Event()\n"
        "threading.Thread(target=stop.wait, daemon=True).start()\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(zygote, "_is_library_module", lambda name: True)
    replies: list[str] = []

    class Sink:
        def write(self, text: str) -> None:
            replies.append(text)

        def flush(self) -> None:
            pass

    server = zygote.ForkServer(Sink())  # type: ignore[arg-type]
    try:
        result = server.preload(["spawns_a_thread", "json"])
        assert result["tainted"] == ["spawns_a_thread"]
        assert "json" in result["skipped"], "nothing more is imported once tainted"
        refused = server.fork({"args": [], "env": {}, "cwd": None})
        assert "tainted by spawns_a_thread" in refused["error"]
    finally:
        sys.modules["spawns_a_thread"].stop.set()
        del sys.modules["spawns_a_thread"]
    assert threading.active_count() >= 1


def test_notebook_imports_reads_top_level_imports_only() -> None:
    cells = [
        {"cell_type": "markdown", "source": "import not_code"},
        {"cell_type": "code", "source": ["%matplotlib inline\n", "import numpy as np, json\n"]},
        {"cell_type": "code", "source": "from sklearn.ensemble import RandomForestClassifier"},
        {"cell_type": "code", "source": "try:\n    import yaml\nexcept ImportError:\n    pass"},
        {"cell_type": "code", "source": "def f():\n    import inside_function\n"},
        {"cell_type": "code", "source": "from . import relative\nimport numpy"},
        {"cell_type": "code", "source": "this is not python"},
        {"cell_type": "code", "source": "!pip install thing\nimport pandas"},
    ]
    assert notebook_imports({"cells": cells}) == [
        "numpy",
        "json",
        "sklearn.ensemble",
        "yaml",
        "pandas",
    ]


def test_forked_kernel_adapter_reports_a_gone_process() -> None:
    child = psutil.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    adapter = ForkedKernel(child.pid)
    assert adapter.poll() is None
    adapter.send_signal(signal.SIGKILL)
    child.wait(timeout=10)  # we are its parent here, so reap it as the fork server would
    assert adapter.wait(timeout=10) == -1
    assert adapter.poll() == -1
    adapter.kill()  # safe once gone


def test_a_forked_kernel_that_dies_at_start_falls_back_to_an_ordinary_launch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events: list[dict[str, Any]] = []
    monkeypatch.setattr(worker, "send", events.append)
    impostors: list[psutil.Popen] = []

    def broken_fork(args: list[str], env: dict[str, str], cwd: str | None) -> ForkedKernel:
        # Something that is not a kernel and exits at once, as a kernel crashing in start-up.
        impostors.append(psutil.Popen([sys.executable, "-c", "pass"]))
        return ForkedKernel(impostors[-1].pid)

    w = worker.Worker("python3")
    assert w.forks is not None
    monkeypatch.setattr(w.forks, "fork", broken_fork)
    try:
        w.start_kernel()
        assert impostors, "the fork server was asked first"
        assert w.forks is None, "this worker stops forking after a failure"
        assert not isinstance(w.km.provisioner.process, ForkedKernel)
        assert w._kernel_eval("", "1 + 1") == 2
        assert events[-1]["type"] == "ready"
    finally:
        w.stop_kernel()
        for p in impostors:
            p.wait()


# A process that asks to die with its parent, as the run worker and fork server do; here without
# PR_SET_PDEATHSIG, as on a platform that lacks it, so only the fallbacks can end it.
ORPHAN = """
import sys, time
from jupyter_deploy import processes
processes._prctl = lambda *args: None
processes.die_with_parent(int(sys.argv[1]), watch=True)
print("watching", flush=True)
time.sleep(300)
"""


def test_a_process_whose_parent_is_already_gone_ends_at_once() -> None:
    # As if the parent had died before the child asked to die with it (the kernel would never
    # signal then): the child is told a parent it does not have.
    done = subprocess.run(
        [sys.executable, "-c", ORPHAN, str(os.getppid())],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stdout == ""
    assert done.returncode == -signal.SIGTERM, done.stderr


def test_without_prctl_a_watching_thread_ends_the_orphan() -> None:
    # The intermediate starts the orphan-to-be, waits until it watches, reports its pid and exits.
    intermediate = (
        "import subprocess, sys, os\n"
        "child = subprocess.Popen([sys.executable, '-c', sys.argv[1], str(os.getpid())],"
        " stdout=subprocess.PIPE, text=True)\n"
        "assert child.stdout.readline() == 'watching\\n'\n"
        "print(child.pid, flush=True)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", intermediate, ORPHAN],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    orphan = int(done.stdout)
    assert gone(orphan, timeout=60), "the orphan outlived its parent"
