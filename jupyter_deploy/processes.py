"""Find and end process trees safely, across restarts.

A pid alone is not an identity (pids are reused), so every recorded process carries its start
time; a process is only touched when both match.
"""

import contextlib
import ctypes
import os
import signal
import socket
import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any

import psutil

_PR_SET_NAME = 15
_PR_SET_PDEATHSIG = 1
_WATCH_INTERVAL_S = 0.5
_ORPHAN_GRACE_S = 2.0
_GONE_POLL_S = 0.02


def _prctl(option: int, value: Any) -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(option, value)


def die_with_parent(
    parent_pid: int | None = None, signum: int = signal.SIGTERM, watch: bool = False
) -> None:
    """End this process with its parent, however the parent ends (SIGKILL included).

    Linux sends `signum` when the parent dies (PR_SET_PDEATHSIG). That alone leaves gaps, closed
    when the caller names its parent (`parent_pid`, given by the parent itself):
    - a parent that died before this call (while we were importing) is never signalled for, so
      a parent already gone is acted on now;
    - with `watch`, a thread also polls for the parent, for platforms without prctl. Not for a
      process that forks (the fork server): forking with a thread running is unsafe.
    The signal fires when the parent *thread* that started us exits, so the parent must start
    us from a thread that lives as long as it needs us (its main or event-loop thread).
    """
    _prctl(_PR_SET_PDEATHSIG, signum)
    if parent_pid is None:
        return
    if os.getppid() != parent_pid:
        _orphaned(signum)
    if watch:
        threading.Thread(
            target=_watch_parent, args=(parent_pid, signum), name="parent-watch", daemon=True
        ).start()


def _watch_parent(parent_pid: int, signum: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(_WATCH_INTERVAL_S)
    _orphaned(signum)


def _orphaned(signum: int) -> None:
    """Act as if the parent-death signal had arrived: its handler (if any) runs; if that does not
    end the process (the main thread may be stuck in C code), exit anyway."""
    os.kill(os.getpid(), signum)
    time.sleep(_ORPHAN_GRACE_S)
    os._exit(128 + signum)


def set_process_name(name: str) -> None:
    """The name `ps` and `top` show (at most 15 bytes), for a process whose command line lies."""
    _prctl(_PR_SET_NAME, name.encode()[:15])


def identity(pid: int) -> float | None:
    """The start time of a live process, or None if it is gone."""
    try:
        return float(psutil.Process(pid).create_time())
    except psutil.Error:
        return None


def is_same_process(pid: int | None, started: float | None) -> bool:
    if pid is None or started is None:
        return False
    now = identity(pid)
    return now is not None and abs(now - started) < 0.01


def tree(pid: int) -> list[psutil.Process]:
    """A process and all its descendants, the descendants first. Collected before anything is
    signalled, so no child escapes by being re-parented. Raises psutil.Error if `pid` is gone."""
    root = psutil.Process(pid)
    return [*root.children(recursive=True), root]


def is_gone(proc: psutil.Process) -> bool:
    """Whether `proc` has exited. A zombie has: its parent may not be us, and may never reap it
    (init in a container often does not), so waiting for the pid to vanish could wait forever.
    A pid now naming another process (reused) counts as gone too."""
    try:
        return not proc.is_running() or proc.status() == psutil.STATUS_ZOMBIE
    except psutil.Error:
        return True


def wait_gone(procs: Iterable[psutil.Process], timeout_s: float) -> list[psutil.Process]:
    """Wait up to `timeout_s` for `procs` to exit; returns those still alive (empty: all gone).

    Never reaps: a parent that owns one of them reaps it itself (Popen.wait, `reap`), and until
    then its pid (and process group id) cannot be reused under it.
    """
    deadline = time.monotonic() + timeout_s
    pause = 0.001
    alive = list(procs)
    while True:
        alive = [proc for proc in alive if not is_gone(proc)]
        if not alive or time.monotonic() >= deadline:
            return alive
        time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
        pause = min(pause * 2, _GONE_POLL_S)


def signal_all(procs: Iterable[psutil.Process], signum: int) -> None:
    """Send `signum` to each of `procs`; those already gone are skipped."""
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            proc.send_signal(signum)


def end_processes(
    procs: Iterable[psutil.Process], steps: Sequence[tuple[int, float]]
) -> list[psutil.Process]:
    """Escalate: for each (signal, seconds) step, signal those still alive and wait up to that
    long for them. Returns those alive after the last step."""
    alive = list(procs)
    for signum, wait_s in steps:
        if not alive:
            break
        signal_all(alive, signum)
        alive = wait_gone(alive, wait_s)
    return alive


def reap(pid: int) -> None:
    """Collect the exit status of our own child `pid` if it has exited, so it leaves no zombie;
    a no-op for a live child or a process that is not ours."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def kill_tree(pid: int | None, started: float | None, grace_s: float = 2.0) -> None:
    """SIGTERM a recorded process and all its descendants, SIGKILL what is left after grace_s.

    Kernels run in their own session, so killing a process group would miss them.
    """
    if not is_same_process(pid, started):
        return
    assert pid is not None
    try:
        family = tree(pid)
    except psutil.Error:
        return
    end_processes(family, ((signal.SIGTERM, grace_s), (signal.SIGKILL, grace_s)))
    for proc in family:
        reap(proc.pid)  # our own children among them leave no zombie behind


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on now (the caller binds it soon after; a race is reported
    by whoever binds it)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])
