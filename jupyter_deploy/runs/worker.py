"""The run worker: a spawned driver process that keeps one fresh kernel warm and gives each
kernel exactly one run, so isolation holds while the kernel's start-up is off the critical path.

Protocol (JSON lines): jobs arrive on stdin; events leave on the original stdout, which nothing
else may write to (sys.stdout is pointed at stderr). EOF on stdin means the owner is gone.
"""

import ast
import contextlib
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from jupyter_core.utils import run_sync

from ..processes import die_with_parent
from . import papermill_hooks
from .forking import (
    ForkedKernel,
    ForkingKernelManager,
    ForkServerClient,
    fork_enabled,
    notebook_imports,
)

LAUNCHED_READY_S = 60.0
FORKED_READY_S = 20.0  # normally well under a second: it has nothing left to import

_events: Any = None  # the original stdout, set up by main()


def send(event: dict[str, Any]) -> None:
    _events.write(json.dumps(event) + "\n")
    _events.flush()


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
        self.kc: Any = None
        self.environment: dict[str, Any] | None = None
        self.forks = ForkServerClient() if fork_enabled() else None

    def start_kernel(self) -> None:
        try:
            self._start_kernel(self.forks)
        except RuntimeError as exc:  # jupyter_client: the kernel died or never answered
            if self.forks is None or not self._forked():
                raise
            # A forked kernel answers within a second or not at all; whatever went wrong, the
            # ordinary launch is the known-good path, for this worker from now on.
            print(f"forked kernel failed ({exc}); launching kernels the usual way", file=sys.stderr)
            self.stop_kernel()
            self.forks.close()
            self.forks = None
            self._start_kernel(None)
        send({"type": "ready"})

    def _forked(self) -> bool:
        provisioner = getattr(self.km, "provisioner", None)
        return isinstance(getattr(provisioner, "process", None), ForkedKernel)

    def _start_kernel(self, forks: ForkServerClient | None) -> None:
        # Async manager on jupyter_core's shared loop: nbclient polls the kernel's liveness from
        # inside that loop, where a sync manager would block and a dead kernel would hang the run.
        self.km = ForkingKernelManager(kernel_name=self.kernel_name)
        self.km.fork_server = forks
        run_sync(self._start)()

    async def _start(self) -> None:
        await self.km.start_kernel()
        # One client per kernel, kept open: set-up code and papermill share it, so the run does
        # not pay for another channel set-up and kernel_info handshake.
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.allow_stdin = False  # as nbclient's own client: input() fails, never hangs
        await self.kc.wait_for_ready(timeout=FORKED_READY_S if self._forked() else LAUNCHED_READY_S)

    def stop_kernel(self) -> None:
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None
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
        expressions = {"value": expression} if expression else {}
        msg_id = self.kc.execute(
            code, silent=True, store_history=False, user_expressions=expressions
        )
        while True:
            reply = await self.kc.get_shell_msg(timeout=60)
            if reply["parent_header"].get("msg_id") == msg_id:
                return dict(reply["content"])

    def run(self, job: dict[str, Any]) -> None:
        import papermill
        from nbclient.exceptions import CellTimeoutError, DeadKernelError
        from papermill.exceptions import PapermillExecutionError

        cwd = job["cwd"]
        if self.forks is not None:
            # This kernel pays for the notebook's imports; the next ones are forked with them.
            with contextlib.suppress(OSError, ValueError):
                notebook = json.loads(Path(job["notebook"]).read_text(encoding="utf-8"))
                self.forks.preload(notebook_imports(notebook))
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
                papermill_hooks.ATOMIC + job["notebook"],
                parameters=job["parameters"],
                engine_name=papermill_hooks.ENGINE,
                km=self.km,
                kc=self.kc,
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
    papermill_hooks.register()
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
    # Its owner (server or CLI) passes its pid: a worker orphaned even before it got here stops.
    owner = int(sys.argv[2]) if len(sys.argv) > 2 else None
    die_with_parent(owner, signal.SIGTERM, watch=True)
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
    if worker.forks is not None:
        worker.forks.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
