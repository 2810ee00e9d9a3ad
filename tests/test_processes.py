"""The shared process helpers, on real processes. Each child says "ready" on stdout once it is
set up, so the tests wait on that line rather than on time."""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator

import psutil
import pytest

from jupyter_deploy.processes import (
    end_processes,
    identity,
    is_gone,
    kill_tree,
    reap,
    signal_all,
    tree,
    wait_gone,
)

IGNORES_SIGTERM = """
import signal, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("ready", flush=True)
while True:
    time.sleep(60)
"""

# A parent with a child in another session: killing a process group would miss the child.
PARENT_OF_SESSION_LEADER = """
import subprocess, sys, time
child = subprocess.Popen(
    [sys.executable, "-c", "import time; print('ready', flush=True); time.sleep(600)"],
    stdout=subprocess.PIPE, start_new_session=True,
)
child.stdout.readline()
print("ready", flush=True)
print(child.pid, flush=True)
while True:
    time.sleep(60)
"""


def _start(started: list["subprocess.Popen[str]"], code: str) -> "subprocess.Popen[str]":
    """Start `code` and return once it printed "ready" (kept running, for the fixture to end)."""
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    started.append(proc)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    return proc


@pytest.fixture
def started() -> Iterator[list["subprocess.Popen[str]"]]:
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def _sleeper(started: list["subprocess.Popen[str]"]) -> "subprocess.Popen[str]":
    return _start(started, "import time; print('ready', flush=True); time.sleep(600)")


def test_wait_gone_counts_an_unreaped_child_as_gone_and_does_not_reap_it(
    started: list["subprocess.Popen[str]"],
) -> None:
    proc = _sleeper(started)
    handle = psutil.Process(proc.pid)
    assert not is_gone(handle)
    os.kill(proc.pid, signal.SIGKILL)
    assert wait_gone([handle], 30) == []
    assert is_gone(handle)
    # Still a zombie: the exit status is left for its owner.
    assert handle.status() == psutil.STATUS_ZOMBIE
    assert proc.wait() == -signal.SIGKILL


def test_wait_gone_returns_the_processes_still_alive(
    started: list["subprocess.Popen[str]"],
) -> None:
    running, ended = _sleeper(started), _sleeper(started)
    handles = [psutil.Process(running.pid), psutil.Process(ended.pid)]
    ended.kill()
    ended.wait()
    assert [proc.pid for proc in wait_gone(handles, 0)] == [running.pid]
    assert wait_gone([], 0) == []


def test_end_processes_escalates_past_an_ignored_signal(
    started: list["subprocess.Popen[str]"],
) -> None:
    proc = _start(started, IGNORES_SIGTERM)
    handle = psutil.Process(proc.pid)
    alive = end_processes([handle], ((signal.SIGTERM, 0.2), (signal.SIGKILL, 30)))
    assert alive == []
    assert proc.wait() == -signal.SIGKILL


def test_end_processes_returns_what_survives_every_step(
    started: list["subprocess.Popen[str]"],
) -> None:
    proc = _start(started, IGNORES_SIGTERM)
    handle = psutil.Process(proc.pid)
    assert end_processes([handle], ((signal.SIGTERM, 0),)) == [handle]
    assert proc.poll() is None


def test_signal_all_skips_processes_already_gone(started: list["subprocess.Popen[str]"]) -> None:
    ended, running = _sleeper(started), _sleeper(started)
    handles = [psutil.Process(ended.pid), psutil.Process(running.pid)]
    ended.kill()
    ended.wait()
    signal_all(handles, signal.SIGTERM)
    assert running.wait() == -signal.SIGTERM


def test_reap_collects_an_exited_child_and_ignores_others(
    started: list["subprocess.Popen[str]"],
) -> None:
    proc = _sleeper(started)
    reap(proc.pid)  # alive: nothing to collect
    assert psutil.Process(proc.pid).status() != psutil.STATUS_ZOMBIE
    os.kill(proc.pid, signal.SIGKILL)
    assert wait_gone([psutil.Process(proc.pid)], 30) == []
    reap(proc.pid)
    assert not psutil.pid_exists(proc.pid)
    reap(os.getppid())  # not our child: no error
    proc.returncode = -signal.SIGKILL  # reaped above: Popen must not wait for it again


def test_kill_tree_ends_descendants_in_other_sessions_and_leaves_no_zombie(
    started: list["subprocess.Popen[str]"],
) -> None:
    parent = _start(started, PARENT_OF_SESSION_LEADER)
    assert parent.stdout is not None
    child_pid = int(parent.stdout.readline())
    child = psutil.Process(child_pid)
    assert [proc.pid for proc in tree(parent.pid)] == [child_pid, parent.pid]
    kill_tree(parent.pid, identity(parent.pid))
    assert is_gone(child)
    assert not psutil.pid_exists(parent.pid)  # our child, reaped by kill_tree
    parent.returncode = -signal.SIGTERM


def test_kill_tree_leaves_a_process_whose_start_time_differs(
    started: list["subprocess.Popen[str]"],
) -> None:
    proc = _sleeper(started)
    recorded = identity(proc.pid)
    assert recorded is not None
    kill_tree(proc.pid, recorded - 100)  # the record of another process that had this pid
    assert not is_gone(psutil.Process(proc.pid))
    kill_tree(None, None)
