"""RunService: launch, follow, cancel and reconcile runs of one project.

Used by the server (one per project, on Jupyter's event loop) and by the CLI (its own loop);
both share the project's database, so either can see and cancel the other's runs.
"""

import asyncio
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..config import ProjectConfig, load_config
from ..contract.runs import Run, RunList, Sweep
from ..errors import InvalidInput, NotFound
from ..events import EventSink
from ..paths import resolve_inside
from ..processes import identity, is_same_process, kill_tree
from ..store import STATE_DIR, Store, open_store
from . import outcomes, views, workspace
from .outcomes import Limits
from .parameters import Parameter, check_values, parameters_of, read_notebook
from .pool import WorkerGone, WorkerPool, WorkerProcess
from .records import FINAL, STATUSES, RunRecords, new_runs, new_sweep, now, timestamp
from .sweep import expand


class RunService:
    def __init__(
        self,
        project_dir: Path,
        *,
        display_prefix: str = "",
        max_concurrency: int | None = None,
        keep_warm: bool = False,
        store: Store | None = None,
        events: EventSink | None = None,
    ) -> None:
        """`store`: the project's, when its owner (project/) shares it, else one of its own;
        `events`: where run events go (topic "run"); None: nobody watches, none are made."""
        self.project_dir = project_dir.resolve()
        self.prefix = display_prefix
        self.max_concurrency = max_concurrency or os.cpu_count() or 2
        # Keep a kernel started for the next run even when none is queued: the server does, so a
        # click runs at once; the CLI does not, so it exits without starting kernels for nothing.
        self.keep_warm = keep_warm
        self._own_store = store is None
        self.store = store or open_store(self.project_dir)
        self.records = RunRecords(self.store)
        self.events = events
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._workers: dict[str, WorkerProcess] = {}
        self._pools: dict[str, WorkerPool] = {}
        self._slots = asyncio.Semaphore(self.max_concurrency)
        self._sweep_slots: dict[str, asyncio.Semaphore] = {}
        self._me = (os.getpid(), identity(os.getpid()))
        log_dir = self.project_dir / STATE_DIR / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        self._log = (log_dir / "workers.log").open("a", encoding="utf-8")

    # ----------------------------------------------------------------- paths and display
    def run_dict(self, row: dict[str, Any]) -> Run:
        return views.run_dict(row, self.prefix)

    def sweep_dict(self, sweep: dict[str, Any]) -> Sweep:
        return views.sweep_dict(sweep, self.records.find(sweep_id=sweep["id"]), self.prefix)

    def notebook_rel(self, notebook: str) -> str:
        """A notebook path relative to the project, refused if it leaves the project."""
        path = resolve_inside(self.project_dir, notebook)
        if path.suffix != ".ipynb":
            raise InvalidInput(f"{notebook!r} is not a notebook (.ipynb)")
        if not path.is_file():
            raise NotFound(f"notebook {notebook!r} does not exist")
        return path.relative_to(self.project_dir).as_posix()

    # ----------------------------------------------------------------------- queries
    def parameters(self, notebook_rel: str) -> list[Parameter]:
        return parameters_of(read_notebook(self.project_dir / notebook_rel), notebook_rel)

    def get(self, run_id: str) -> Run:
        row = self.records.get(run_id)
        if row is None:
            raise NotFound(f"no run {run_id!r} in this project")
        return self.run_dict(row)

    def listing(self, status: str | None = None) -> RunList:
        if status is not None and status not in STATUSES:
            raise InvalidInput(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
        # Imported on use: run workers import this package and need none of git and DVC.
        from ..versions.promoted import project_promotions

        promoted = project_promotions(self.project_dir)
        return {
            "runs": [
                {**self.run_dict(r), "promoted_to": promoted.get(r["id"], [])}
                for r in self.records.find(status)
            ],
            "sweeps": [self.sweep_dict(s) for s in self.records.all_sweeps()],
        }

    # ----------------------------------------------------------------------- launching
    def _config(self) -> ProjectConfig:
        return load_config(self.project_dir)

    async def submit(
        self,
        notebook: str,
        parameter_sets: list[dict[str, Any]],
        *,
        user: str,
        limits: Limits,
        sweep_mode: str | None = None,
        concurrency: int | None = None,
    ) -> tuple[Sweep | None, list[Run]]:
        notebook_rel = self.notebook_rel(notebook)
        # Read once: the parameters to check and the kernel to warm come from the same file.
        nb = read_notebook(self.project_dir / notebook_rel)
        declared = parameters_of(nb, notebook_rel)
        kernel = str(nb.get("metadata", {}).get("kernelspec", {}).get("name") or "python3")
        checked = [check_values(declared, values) for values in parameter_sets]
        self._config()  # refuse to start runs whose outputs we could not find afterwards
        if concurrency is not None and (
            isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1
        ):
            raise InvalidInput(
                f"concurrency: expected an integer of at least 1, got {concurrency!r}"
            )
        sweep = None
        if sweep_mode is not None:
            sweep = new_sweep(
                notebook_rel, sweep_mode, concurrency or self.max_concurrency, len(checked), user
            )
        rows = new_runs(notebook_rel, checked, sweep, user, limits, self._me)
        await asyncio.to_thread(self.records.insert, sweep, rows)
        if sweep is not None:
            self._sweep_slots[sweep["id"]] = asyncio.Semaphore(sweep["concurrency"])
        # One spare warm worker beyond the concurrency hides the next kernel's start-up.
        running = sweep["concurrency"] if sweep else 1
        self._pool(kernel).prewarm(min(len(rows), running + 1))
        for row in rows:
            self._tasks[row["id"]] = asyncio.ensure_future(self._execute(row["id"], kernel))
        sweep_out = self.sweep_dict(sweep) if sweep else None
        return sweep_out, await asyncio.to_thread(lambda: [self.get(r["id"]) for r in rows])

    async def start_run(
        self, notebook: str, values: dict[str, Any], *, user: str, limits: Limits
    ) -> Run:
        _, runs = await self.submit(notebook, [values], user=user, limits=limits)
        return runs[0]

    async def start_sweep(
        self,
        notebook: str,
        values: dict[str, list[Any]],
        *,
        mode: str,
        user: str,
        limits: Limits,
        concurrency: int | None = None,
    ) -> tuple[Sweep, list[Run]]:
        sweep, runs = await self.submit(
            notebook,
            expand(values, mode),
            user=user,
            limits=limits,
            sweep_mode=mode,
            concurrency=concurrency,
        )
        assert sweep is not None
        return sweep, runs

    async def rerun(self, run_id: str, *, user: str) -> Run:
        row = await self._row(run_id)
        if row is None:
            raise NotFound(f"no run {run_id!r} in this project")
        limits = Limits(row["cell_timeout"], row["time_limit"])
        return await self.start_run(row["notebook"], row["parameters"], user=user, limits=limits)

    def _queued_here(self) -> bool:
        """Whether a run of this process is still waiting for a worker."""
        queued = {row["id"] for row in self.records.find("queued")}
        return any(
            run_id in queued and run_id not in self._workers
            for run_id, task in self._tasks.items()
            if not task.done()
        )

    def _pool(self, kernel: str) -> WorkerPool:
        if kernel not in self._pools:
            self._pools[kernel] = WorkerPool(kernel, self._log, self.max_concurrency + 1)
        return self._pools[kernel]

    # ----------------------------------------------------------------------- executing
    async def _execute(self, run_id: str, kernel: str) -> None:
        row = await self._row(run_id)
        assert row is not None
        sweep_slot = self._sweep_slots.get(row["sweep_id"] or "") or asyncio.Semaphore(1)
        try:
            async with sweep_slot, self._slots:
                await self._run_one(run_id, kernel)
        except asyncio.CancelledError:
            await asyncio.to_thread(self.records.interrupt, run_id, "the owning process stopped")
            raise
        finally:
            self._tasks.pop(run_id, None)
            await self._emit(run_id)

    async def _run_one(self, run_id: str, kernel: str) -> None:
        row = await self._row(run_id)
        assert row is not None
        config, nb = await asyncio.to_thread(
            lambda: (self._config(), read_notebook(self.project_dir / row["notebook"]))
        )
        outputs = {*config.artifacts, config.metrics}
        ws = workspace.workspace_dir(self.project_dir, run_id)
        notebook = ws / row["notebook"]
        total = len(nb["cells"]) + (1 if row["parameters"] else 0)
        # Claim the run first: a run cancelled while queued never gets a workspace. It is running
        # from here, but started_at waits for its worker: preparing is not part of its duration.
        moved = await asyncio.to_thread(
            self.records.update,
            run_id,
            when_status=("queued",),
            status="running",
            progress_cell=0,
            progress_total=total,
            output_notebook=notebook.relative_to(self.project_dir).as_posix(),
        )
        if not moved:
            return
        await self._emit(run_id)
        await asyncio.to_thread(workspace.prepare_workspace, self.project_dir, run_id, outputs)
        before = await asyncio.to_thread(workspace.snapshot, ws)

        pool = self._pool(kernel)
        worker = await pool.acquire()
        self._workers[run_id] = worker
        # The run's one clock, from the moment its ready worker gets the job: the time limit, the
        # recorded duration and started_at/finished_at all count from this instant.
        loop = asyncio.get_running_loop()
        began, started_at = loop.time(), datetime.now(timezone.utc)
        await asyncio.to_thread(
            self.records.update,
            run_id,
            started_at=timestamp(started_at),
            worker_pid=worker.pid,
            worker_started=worker.started,
        )
        if (await self._row(run_id) or {}).get("cancel_requested"):
            await worker.kill()
        job = {
            "run_id": run_id,
            "notebook": str(notebook),
            "cwd": str(notebook.parent),
            "parameters": row["parameters"],
            "cell_timeout": row["cell_timeout"],
            "total_cells": total,
        }
        outcome: dict[str, Any] = {}
        limit = row["time_limit"]
        try:
            await worker.send(job)
            left = None if limit is None else max(0.0, began + limit - loop.time())
            await asyncio.wait_for(self._follow(run_id, worker, outcome), timeout=left)
            ended = loop.time()
            pool.release(worker, warm=self.keep_warm or self._queued_here())
        except (TimeoutError, asyncio.TimeoutError):  # one class from 3.11; two on 3.10
            ended = loop.time()
            await worker.kill()
            outcome = outcomes.time_limit(outcome.get("cell_id"), row["time_limit"])
        except (WorkerGone, ConnectionError):
            ended = loop.time()
            await worker.kill()
            outcome = outcomes.worker_gone(outcome.get("cell_id"))
        except asyncio.CancelledError:
            await worker.kill()
            raise
        finally:
            self._workers.pop(run_id, None)

        latest = await self._row(run_id) or {}
        if latest.get("cancel_requested"):
            outcome = {"status": "cancelled", "error": None}
        if outcome.get("error"):
            outcome["error"] = outcomes.locate_cell(
                notebook, outcome["error"], outcome.get("cell_id")
            )
        metrics, files = await asyncio.to_thread(
            outcomes.results, ws, before, config, row["notebook"]
        )
        duration = ended - began
        await asyncio.to_thread(
            self.records.update,
            run_id,
            when_status=("running",),
            status=outcome["status"],
            error=outcome.get("error"),
            finished_at=timestamp(started_at + timedelta(seconds=duration)),
            duration_s=round(duration, 3),
            metrics=metrics,
            files=files,
            environment=outcome.get("environment"),
            **({"progress_cell": total} if outcome["status"] == "succeeded" else {}),
        )

    async def _follow(self, run_id: str, worker: WorkerProcess, outcome: dict[str, Any]) -> None:
        while True:
            event = await worker.next_event()
            kind = event["type"]
            if kind == "started":
                outcome["environment"] = event.get("environment")
            elif kind == "cell":
                outcome["cell"] = event["index"]
                outcome["cell_id"] = event.get("cell_id")
                await asyncio.to_thread(
                    self.records.update, run_id, progress_cell=event["index"] + 1
                )
                await self._emit(run_id, with_sweep=False)
            elif kind == "finished":
                outcome["status"] = event["status"]
                outcome["error"] = event.get("error")
                return

    # ----------------------------------------------------------------------- control
    async def cancel(self, run_id: str) -> Run:
        row = await self._row(run_id)
        if row is None:
            raise NotFound(f"no run {run_id!r} in this project")
        if row["status"] in FINAL:
            return self.run_dict(row)
        await asyncio.to_thread(self.records.update, run_id, cancel_requested=True)
        was_queued = await asyncio.to_thread(
            self.records.update,
            run_id,
            when_status=("queued",),
            status="cancelled",
            finished_at=now(),
        )
        if not was_queued:
            worker = self._workers.get(run_id)
            if worker is not None:
                await worker.kill()
            else:  # run by another process (CLI or server): end its worker by recorded identity
                latest = await self._row(run_id) or row
                await asyncio.to_thread(kill_tree, latest["worker_pid"], latest["worker_started"])
        await self._emit(run_id)
        return await asyncio.to_thread(self.get, run_id)

    async def wait(self, run_ids: list[str]) -> None:
        tasks = [self._tasks[r] for r in run_ids if r in self._tasks]
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    def reconcile(self) -> list[str]:
        """Runs left active by a process that is gone become interrupted; their workers end."""
        interrupted = []
        for row in self.records.active():
            if is_same_process(row["owner_pid"], row["owner_started"]):
                continue  # its owner (maybe another CLI or server) is still running it
            kill_tree(row["worker_pid"], row["worker_started"])
            if self.records.interrupt(row["id"], "the server or command that ran it stopped"):
                interrupted.append(row["id"])
        return interrupted

    async def close(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        await asyncio.gather(*(p.close() for p in self._pools.values()), return_exceptions=True)
        self._log.close()
        if self._own_store:
            self.store.close()

    # ----------------------------------------------------------------------- events
    async def _row(self, run_id: str) -> dict[str, Any] | None:
        return await asyncio.to_thread(self.records.get, run_id)

    async def _emit(self, run_id: str, with_sweep: bool = True) -> None:
        """Tell the event sink about a run; `with_sweep=False` for cell progress, which changes
        none of its sweep's counts (watchers keep the sweep they last saw)."""
        if self.events is None:
            return
        event = await asyncio.to_thread(self._event, run_id, with_sweep)
        if event is not None:
            self.events.emit("run", event)

    def _event(self, run_id: str, with_sweep: bool) -> dict[str, Any] | None:
        row = self.records.get(run_id)
        if row is None:
            return None
        sweep = self.records.sweep(row["sweep_id"]) if with_sweep and row["sweep_id"] else None
        return {
            "kind": "run",
            "project": self.prefix,
            "run": self.run_dict(row),
            "sweep": self.sweep_dict(sweep) if sweep else None,
        }
