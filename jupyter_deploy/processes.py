"""Find and end process trees safely, across restarts.

A pid alone is not an identity (pids are reused), so every recorded process carries its start
time; a process is only touched when both match.
"""

import contextlib
import ctypes
import signal
from typing import Any

import psutil

_PR_SET_NAME = 15
_PR_SET_PDEATHSIG = 1


def _prctl(option: int, value: Any) -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(option, value)


def die_with_parent() -> None:
    """Linux: have the kernel send this process SIGTERM when its parent dies, so nothing we start
    outlives an owner that was SIGKILLed."""
    _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


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


def kill_tree(pid: int | None, started: float | None, grace_s: float = 2.0) -> None:
    """SIGTERM a recorded process and all its descendants, SIGKILL what is left after grace_s.

    Kernels run in their own session, so killing a process group would miss them; the tree is
    collected before anything is signalled so no child escapes by being re-parented.
    """
    if not is_same_process(pid, started):
        return
    assert pid is not None
    try:
        root = psutil.Process(pid)
        family = [*root.children(recursive=True), root]
    except psutil.Error:
        return
    for proc in family:
        with contextlib.suppress(psutil.Error):
            proc.terminate()
    _, alive = psutil.wait_procs(family, timeout=grace_s)
    for proc in alive:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(alive, timeout=grace_s)
