"""Terminal progress for runs and sweeps: one live line on a terminal, plain lines otherwise."""

import sys
import time
from typing import Any, TextIO


def _bar(done: int, total: int, width: int = 24) -> str:
    filled = int(width * done / total) if total else width
    return "#" * filled + "." * (width - filled)


class Progress:
    def __init__(self, total_runs: int, stream: TextIO = sys.stderr) -> None:
        self.total = total_runs
        self.stream = stream
        self.live = stream.isatty()
        self.began = time.monotonic()
        self.latest: dict[str, dict[str, Any]] = {}
        self.sweep: dict[str, Any] | None = None

    def __call__(self, event: dict[str, Any]) -> None:
        run = event["run"]
        previous = self.latest.get(run["id"], {}).get("status")
        self.latest[run["id"]] = run
        self.sweep = event.get("sweep") or self.sweep
        if self.live:
            self.stream.write("\r\033[K" + self.line())
            self.stream.flush()
        elif run["status"] != previous and run["status"] != "queued":
            self.stream.write(f"{run['id']} {run['status']}{self._error(run)}\n")

    @staticmethod
    def _error(run: dict[str, Any]) -> str:
        error = run.get("error")
        return f": {error['ename']}: {error['evalue']}" if error else ""

    def line(self) -> str:
        elapsed = time.monotonic() - self.began
        if self.total == 1 and self.latest:
            run = next(iter(self.latest.values()))
            cell = run["progress"]
            return (
                f"{run['id']} {run['status']}  cell {cell['cell']}/{cell['total']}  {elapsed:.1f}s"
            )
        counts = (self.sweep or {}).get("counts", {})
        finished = sum(
            counts.get(s, 0) for s in ("succeeded", "failed", "cancelled", "interrupted")
        )
        eta = (self.sweep or {}).get("eta_s")
        return (
            f"[{_bar(finished, self.total)}] {finished}/{self.total} done · "
            f"{counts.get('running', 0)} running · {counts.get('failed', 0)} failed · "
            f"{elapsed:.0f}s" + (f" · ETA {eta:.0f}s" if eta is not None else "")
        )

    def close(self) -> None:
        if self.live:
            self.stream.write("\n")
            self.stream.flush()
