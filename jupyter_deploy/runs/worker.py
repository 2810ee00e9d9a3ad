"""The run worker: a spawned driver process that keeps one fresh kernel warm and gives each
kernel exactly one run, so isolation holds while the kernel's start-up is off the critical path.

Protocol (JSON lines): jobs arrive on stdin; events leave on the original stdout, which nothing
else may write to (sys.stdout is pointed at stderr). EOF on stdin means the owner is gone.
"""

import ast
import contextlib
import ctypes
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from jupyter_core.utils import run_sync

from ..atomic import atomic_write_text

_events: Any = None  # the original stdout, set up by main()


def send(event: dict[str, Any]) -> None:
    _events.write(json.dumps(event) + "\n")
    _events.flush()


def _die_with_parent() -> None:
    # If the owning server is SIGKILLed, the kernel must not outlive it.
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class _AtomicHandler:
    """papermill I/O for `atomic://` paths: every save replaces the whole file at once."""

    prefix = "atomic://"

    def read(self, path: str) -> str:
        return Path(path[len(self.prefix) :]).read_text(encoding="utf-8")

    def listdir(self, path: str) -> list[str]:
        return os.listdir(path[len(self.prefix) :])

    def write(self, buf: str, path: str) -> None:
        atomic_write_text(Path(path[len(self.prefix) :]), buf)

    def pretty_path(self, path: str) -> str:
        return path[len(self.prefix) :]


_SETUP = """
import os as _jd_os, sys as _jd_sys
_jd_os.chdir({cwd!r})
if {cwd!r} not in _jd_sys.path:
    _jd_sys.path.insert(0, {cwd!r})
_jd_os.environ["JUPYTER_DEPLOY_RUN_ID"] = {run_id!r}
del _jd_os, _jd_sys
"""

_ENVIRONMENT = """
def _jd_environment():
    import json, platform, sys
    from importlib import metadata
    packages = {d.metadata["Name"]: d.version for d in metadata.distributions()
                if d.metadata["Name"]}
    return json.dumps({"python": platform.python_version(), "executable": sys.executable,
                       "packages": dict(sorted(packages.items(), key=lambda kv: kv[0].lower()))})
"""


class Worker:
    def __init__(self, kernel_name: str) -> None:
        self.kernel_name = kernel_name
        self.km: Any = None
        self.environment: dict[str, Any] | None = None

    def start_kernel(self) -> None:
        from jupyter_client.manager import AsyncKernelManager

        # Async manager on jupyter_core's shared loop: nbclient polls the kernel's liveness from
        # inside that loop, where a sync manager would block and a dead kernel would hang the run.
        self.km = AsyncKernelManager(kernel_name=self.kernel_name)
        run_sync(self._start)()
        pid = self.km.provisioner.pid if self.km.provisioner else None
        send({"type": "ready", "worker_pid": os.getpid(), "kernel_pid": pid})

    async def _start(self) -> None:
        await self.km.start_kernel()
        kc = self.km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
        finally:
            kc.stop_channels()

    def stop_kernel(self) -> None:
        if self.km is not None and self.km.has_kernel:
            run_sync(self.km.shutdown_kernel)(now=True)
        self.km = None

    def _kernel_eval(self, code: str, expression: str | None = None) -> Any:
        content = run_sync(self._execute)(code, expression)
        if content["status"] != "ok":
            raise RuntimeError(
                f"kernel set-up failed: {content.get('ename')}: {content.get('evalue')}"
            )
        if expression is None:
            return None
        result = content["user_expressions"]["value"]
        return ast.literal_eval(result["data"]["text/plain"])

    async def _execute(self, code: str, expression: str | None) -> dict[str, Any]:
        kc = self.km.client()
        kc.start_channels()
        try:
            expressions = {"value": expression} if expression else {}
            msg_id = kc.execute(
                code, silent=True, store_history=False, user_expressions=expressions
            )
            while True:
                reply = await kc.get_shell_msg(timeout=60)
                if reply["parent_header"].get("msg_id") == msg_id:
                    return dict(reply["content"])
        finally:
            kc.stop_channels()

    def run(self, job: dict[str, Any]) -> None:
        import papermill
        from nbclient.exceptions import CellTimeoutError, DeadKernelError
        from papermill.exceptions import PapermillExecutionError

        cwd = job["cwd"]
        self._kernel_eval(_SETUP.format(cwd=cwd, run_id=job["run_id"]))
        if self.environment is None:
            # One kernel spec, one environment: worth reading once per worker, not per run.
            raw = self._kernel_eval(_ENVIRONMENT, "_jd_environment()")
            self.environment = json.loads(raw)
            self._kernel_eval("del _jd_environment")
        send({"type": "started", "run_id": job["run_id"], "environment": self.environment})

        state: dict[str, Any] = {"index": None, "id": None}
        total = job["total_cells"]

        def on_cell_start(cell: Any, cell_index: int) -> None:
            state["index"] = cell_index
            state["id"] = cell.get("id")
            send({"type": "cell", "index": cell_index, "total": total, "cell_id": state["id"]})

        error: dict[str, Any] | None = None
        try:
            papermill.execute_notebook(
                job["notebook"],
                _AtomicHandler.prefix + job["notebook"],
                parameters=job["parameters"],
                km=self.km,
                execution_timeout=job.get("cell_timeout"),
                progress_bar=False,
                log_output=False,
                on_cell_start=on_cell_start,
            )
        except PapermillExecutionError as exc:
            error = {"kind": "cell_error", "ename": exc.ename, "evalue": exc.evalue}
        except CellTimeoutError as exc:
            error = {
                "kind": "cell_timeout",
                "ename": "CellTimeoutError",
                "evalue": str(exc).splitlines()[0] if str(exc) else "cell timed out",
            }
        except DeadKernelError as exc:
            error = {
                "kind": "dead_kernel",
                "ename": "DeadKernelError",
                "evalue": str(exc) or "the kernel died",
            }
        except Exception as exc:  # reported to the owner, which marks the run failed
            error = {"kind": "internal", "ename": type(exc).__name__, "evalue": str(exc)}
        if error is not None:
            # Cell ids survive papermill inserting its error banner; the owner maps them to
            # indexes in the final notebook.
            error["cell_id"] = state["id"]
        send({"type": "finished", "status": "failed" if error else "succeeded", "error": error})


def main() -> int:
    global _events
    _events = os.fdopen(os.dup(1), "w", buffering=1)
    sys.stdout = sys.stderr
    _die_with_parent()
    from papermill.iorw import papermill_io

    papermill_io.register(_AtomicHandler.prefix, _AtomicHandler())
    worker = Worker(sys.argv[1] if len(sys.argv) > 1 else "python3")

    def stop(signum: int, _frame: Any) -> None:
        # No event loop here: the signal may land while the main thread is inside run_sync
        # (say, starting a kernel), where a nested run_sync can hang. The kernel leads its own
        # session, so killing its process group ends it and anything it started.
        provisioner = getattr(worker.km, "provisioner", None)
        pid = getattr(provisioner, "pid", None)
        if pid:
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    worker.start_kernel()
    # After each run the kernel is discarded; the owner says "warm" when another run is coming,
    # so a finished sweep does not start kernels nobody will use.
    for line in sys.stdin:
        message = json.loads(line)
        if message.get("type") == "warm":
            if worker.km is None:
                worker.start_kernel()
            continue
        began = time.monotonic()
        try:
            worker.run(message)
        finally:
            worker.stop_kernel()
        print(f"run {message['run_id']} took {time.monotonic() - began:.2f}s", file=sys.stderr)
    worker.stop_kernel()
    return 0


if __name__ == "__main__":
    sys.exit(main())
