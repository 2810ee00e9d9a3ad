"""The kernel fork server: a process that has already imported ipykernel (and, once it knows
them, the notebook's heavy third-party imports) and forks a fresh kernel per run.

A kernel's start-up is mostly CPU spent importing; forking a parent that has paid for the
imports cuts it to tens of milliseconds while each run still gets its own process.

Protocol (JSON lines, one reply per request): requests on stdin, replies on the original
stdout (fd 1 is pointed at stderr so nothing an import prints can corrupt the stream).
  {"op": "fork", "args": [...], "env": {...}, "cwd": "..."}  ->  {"pid": N}
  {"op": "preload", "modules": [...]}  ->  {"loaded": [...], "skipped": [...], "tainted": [...]}
A module that starts Python threads while being imported taints the server: forking a
process with other threads running can deadlock the child, so it refuses further forks and the
worker starts a fresh one without that module. EOF on stdin means the worker is gone.
"""

import atexit
import contextlib
import gc
import importlib
import importlib.util
import json
import os
import signal
import sys
import sysconfig
import threading
import traceback
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from ..processes import die_with_parent, set_process_name

# Packages known to misbehave in a forked child (threads, GPU contexts, GUI event loops) even
# when importing them starts no Python thread. Runs that use them start kernels the usual way
# for their imports: correct, just not faster.
NEVER_PRELOAD = frozenset(
    {
        "tensorflow", "torch", "jax", "jaxlib", "cupy", "ray", "pyspark", "numba",
        "tkinter", "PyQt5", "PyQt6", "PySide2", "PySide6", "wx", "gi", "multiprocessing",
        "concurrent", "asyncio", "IPython", "ipykernel",
    }
)  # fmt: skip

# Where installed packages and the standard library live; modules elsewhere (the project's own
# code) are never preloaded, so an edit to them between runs is always seen.
_LIBRARY_DIRS = tuple(
    Path(p).resolve()
    for key in ("stdlib", "platstdlib", "purelib", "platlib")
    if (p := sysconfig.get_paths().get(key))
)


def _is_library_module(name: str) -> bool:
    top = name.split(".")[0]
    if top in NEVER_PRELOAD:
        return False
    if top in sys.builtin_module_names:
        return True
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return False
    if spec is None:
        return False
    locations = list(spec.submodule_search_locations or [])
    if spec.origin and spec.has_location:
        locations.append(spec.origin)
    if not locations:
        return spec.origin in ("built-in", "frozen")
    return all(
        any(Path(loc).resolve().is_relative_to(lib) for lib in _LIBRARY_DIRS) for loc in locations
    )


class ForkServer:
    def __init__(self, replies: TextIO) -> None:
        self.replies = replies
        self.tainted: list[str] = []

    def reply(self, message: dict[str, Any]) -> None:
        self.replies.write(json.dumps(message) + "\n")
        self.replies.flush()

    def preload(self, modules: list[str]) -> dict[str, Any]:
        loaded, skipped = [], []
        for name in modules:
            if self.tainted:
                skipped.append(name)
                continue
            if name in sys.modules:
                continue
            if not _is_library_module(name):
                skipped.append(name)
                continue
            threads = threading.active_count()
            try:
                importlib.import_module(name)
            except BaseException:
                skipped.append(name)
                continue
            if threading.active_count() > threads:
                self.tainted.append(name)
            else:
                loaded.append(name)
        return {"loaded": loaded, "skipped": skipped, "tainted": self.tainted}

    def fork(self, request: dict[str, Any]) -> dict[str, Any]:
        if self.tainted:
            return {"error": f"tainted by {', '.join(self.tainted)}"}
        # The child reports once it leads its own session, so the caller can signal its
        # process group from the moment it has the pid.
        ready_r, ready_w = os.pipe()
        me = os.getpid()
        # CPython's collector writes to every object it scans, turning shared pages into private
        # copies; frozen objects are never scanned (the recipe in the `gc` docs for fork servers).
        gc.freeze()
        pid = os.fork()
        if pid == 0:
            os.close(ready_r)
            _become_kernel(request, ready_w, self.replies, me)  # never returns
        os.close(ready_w)
        with os.fdopen(ready_r, "rb") as ready:
            ok = ready.read(1) == b"1"
        return {"pid": pid} if ok else {"error": "the forked kernel failed to start"}


def _become_kernel(request: dict[str, Any], ready_w: int, replies: TextIO, server: int) -> None:
    code = 1
    try:
        os.setsid()
        # ipykernel's own parent poller (parent_handle below) watches us from then on.
        die_with_parent(server)
        # Its command line is the fork server's; at least `ps`/`top` name it for what it is.
        set_process_name("ipykernel")
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the server's reaper is not the kernel's
        gc.enable()
        with contextlib.suppress(OSError):
            os.close(replies.fileno())
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.environ.clear()
        os.environ.update(request["env"])
        if request.get("cwd"):
            os.chdir(request["cwd"])
        _reseed()
        os.write(ready_w, b"1")
        os.close(ready_w)
        from ipykernel import kernelapp

        launcher = importlib.util.find_spec("ipykernel_launcher")
        program = (launcher.origin if launcher else None) or "ipykernel_launcher"
        # Watch the fork server as a launched kernel watches its launcher: its parent is us.
        args = [*request["args"], f"--IPKernelApp.parent_handle={os.getppid()}"]
        sys.argv = [program, *args]
        kernelapp.launch_new_instance(argv=args)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    except BaseException:
        traceback.print_exc()
    finally:
        # Exit as a normal process would (atexit handlers, flushed streams) but never unwind
        # into the fork server's own frames.
        with contextlib.suppress(BaseException):
            atexit._run_exitfuncs()
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _reap(_signum: int, _frame: Any) -> None:
    # Reaped with wait() rather than SIG_IGN's auto-reaping: only a waited-for child's CPU time
    # is added to its parent's, and the owner's accounting (benchmarks included) should see
    # what its kernels cost.
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _reseed() -> None:
    # `random` reseeds itself after fork; numpy's legacy global generator does not, and every
    # kernel would otherwise draw the same "random" numbers.
    np_random = sys.modules.get("numpy.random")
    if np_random is not None:
        with contextlib.suppress(Exception):
            np_random.seed()


def serve(requests: BinaryIO, replies: TextIO) -> None:
    server = ForkServer(replies)
    server.reply({"ready": True, "pid": os.getpid()})
    for line in requests:
        try:
            request = json.loads(line)
            op = request.get("op")
            if op == "fork":
                server.reply(server.fork(request))
            elif op == "preload":
                server.reply(server.preload([str(m) for m in request.get("modules", [])]))
            else:
                server.reply({"error": f"unknown op {op!r}"})
        except Exception as exc:
            server.reply({"error": f"{type(exc).__name__}: {exc}"})


def main() -> int:
    gc.disable()  # no collections here: freed holes in shared pages would be copied per kernel
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    # SIGKILL: nothing here needs cleaning up, and its kernels get their own parent-death signal.
    # No watching thread (forking with one running is unsafe); EOF on stdin is the fallback.
    die_with_parent(int(sys.argv[1]) if len(sys.argv) > 1 else None, signal.SIGKILL)
    # As ipykernel_launcher does: the launch directory is not an import location.
    if sys.path and (sys.path[0] in ("", os.getcwd())):
        del sys.path[0]
    # ipykernel sets this when it starts; set it before preloading so a preloaded matplotlib
    # resolves the same inline backend a fresh kernel would.
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    # What every kernel imports while it initializes (the kernel class pulls in the debugger).
    import ipykernel.ipkernel
    import ipykernel.kernelapp  # noqa: F401

    signal.signal(signal.SIGCHLD, _reap)
    serve(sys.stdin.buffer, replies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
