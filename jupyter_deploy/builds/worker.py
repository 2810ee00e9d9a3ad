"""A build's own process: `python -m jupyter_deploy.builds PROJECT_DIR BUILD_ID`.

Its own process, so that cancelling a build ends everything it started (the smoke test's
interpreter, pip, the connection over which the engine builds, which then stops that build)
with one signal, and a failing build cannot take the Jupyter server with it. It records its
progress in the store and its log in the build's log file, and tells the process that started it
about both on stdout, one JSON object a line: `{"log": line}` or `{"changed": true}`."""

import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
import traceback
from pathlib import Path
from types import FrameType
from typing import Any

from ..errors import DeployError
from ..processes import die_with_parent, identity, set_process_name
from ..runs.records import ACTIVE, now
from ..store import STATE_DIR, open_store
from ..versions import Versions
from .engine import docker_client
from .naming import project_id
from .pipeline import build_version
from .records import WORK_PREFIX, BuildRecords, log_path, seconds_between
from .smoke import SmokeTestFailed


class Cancelled(BaseException):
    """SIGTERM: the build was cancelled (or its owner stopped)."""


def _on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise Cancelled


class Reporter:
    def __init__(self, records: BuildRecords, build_id: str, log_file: Path) -> None:
        self.records = records
        self.build_id = build_id
        self.log_file = log_file.open("a", encoding="utf-8")
        self.steps: list[dict[str, Any]] = []
        self.lines = 0  # lines in the log so far: the offset of the next one

    def tell(self, message: dict[str, Any]) -> None:
        # Nobody may be listening any more; the store and the log file still are.
        with contextlib.suppress(OSError):
            print(json.dumps(message), flush=True)

    def log(self, text: str) -> None:
        for line in text.splitlines() or [""]:
            self.log_file.write(line + "\n")
            self.log_file.flush()
            self.tell({"log": line, "offset": self.lines})
            self.lines += 1

    def step(self, name: str) -> None:
        self.close_step()
        self.steps.append({"name": name, "started_at": now(), "duration_s": None})
        self.records.update(self.build_id, when_status=ACTIVE, step=name, steps=self.steps)
        self.log(f"── {name}")
        self.tell({"changed": True})

    def close_step(self) -> None:
        if self.steps and self.steps[-1]["duration_s"] is None:
            self.steps[-1]["duration_s"] = seconds_between(self.steps[-1]["started_at"], now())

    def end(self, status: str, **values: Any) -> None:
        self.close_step()
        self.records.end(self.build_id, status, steps=self.steps, **values)
        self.tell({"changed": True})


def run(project_dir: Path, build_id: str) -> int:
    store = open_store(project_dir)
    records = BuildRecords(store)
    row = records.get(build_id)
    if row is None:
        print(f"no build {build_id} in {project_dir}", file=sys.stderr)
        return 2
    reporter = Reporter(records, build_id, log_path(project_dir, build_id))
    started = records.update(
        build_id,
        when_status=("queued",),
        status="running",
        started_at=now(),
        worker_pid=os.getpid(),
        worker_started=identity(os.getpid()),
    )
    if not started or row["cancel_requested"]:
        reporter.end("cancelled", error=_error("cancelled", "the build was cancelled"))
        return 0
    reporter.tell({"changed": True})
    work = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{build_id}-", dir=project_dir / STATE_DIR))
    try:
        reporter.log(f"building {row['version']} on {row['base_image']}")
        output = build_version(
            Versions(project_dir, store),
            row["version"],
            docker_client(),
            work,
            reporter.step,
            reporter.log,
            row["base_image"],
            records.last_requirements(row["model"], row["base_image"]),
            project_id(store),
        )
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # built: recording it takes a moment
        reporter.end("succeeded", image=output.to_dict(), requirements=output.requirements)
    except Cancelled:
        reporter.log("cancelled")
        reporter.end("cancelled", error=_error("cancelled", "the build was cancelled"))
    except SmokeTestFailed as exc:
        reporter.log(exc.traceback.rstrip() or exc.message)
        reporter.end("failed", error=_error(exc.code, exc.message, exc.traceback))
    except DeployError as exc:
        reporter.log(f"error: {exc.message}")
        reporter.end("failed", error=_error(exc.code, exc.message))
    except Exception:
        reporter.log(traceback.format_exc().rstrip())
        message = "the build failed unexpectedly; its log has the details"
        reporter.end("failed", error=_error("internal_error", message))
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        shutil.rmtree(work, ignore_errors=True)
        store.close()
    return 0


def _error(code: str, message: str, trace: str | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "traceback": trace}


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    signal.signal(signal.SIGTERM, _on_sigterm)
    die_with_parent()
    set_process_name("jd-build")
    # The starter records this process before it lets it begin: one line on stdin says go.
    if not sys.stdin.readline():
        sys.exit(0)
    try:
        sys.exit(run(Path(args[0]).resolve(), args[1]))
    except Cancelled:
        sys.exit(0)
