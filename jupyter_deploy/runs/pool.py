"""Warm worker processes. Each worker keeps one fresh kernel started ahead of need and gives it
to exactly one run; the pool hands out ready workers and keeps spare ones warm."""

import asyncio
import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from ..processes import identity, kill_tree

IDLE_TIMEOUT_S = 300.0


class WorkerGone(Exception):
    """The worker process ended (killed, cancelled or crashed) before finishing its run."""


class WorkerProcess:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.pid = proc.pid
        self.started = identity(proc.pid)
        self.warming = True  # a new worker starts its first kernel at once
        self._events: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        async for line in self.proc.stdout:
            with contextlib.suppress(json.JSONDecodeError):
                await self._events.put(json.loads(line))
        await self._events.put(None)  # EOF: the process is gone

    async def next_event(self) -> dict[str, Any]:
        event = await self._events.get()
        if event is None:
            self._events.put_nowait(None)  # keep reporting EOF to later callers
            raise WorkerGone(f"worker {self.pid} exited")
        return event

    async def warm(self) -> None:
        """Have the worker start its next kernel now (it discards each kernel after one run)."""
        if not self.warming:
            self.warming = True
            await self.send({"type": "warm"})

    async def wait_ready(self) -> None:
        await self.warm()
        while True:
            event = await self.next_event()
            if event["type"] == "ready":
                self.warming = False
                return

    async def send(self, job: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(job) + "\n").encode())
        await self.proc.stdin.drain()

    @property
    def alive(self) -> bool:
        return self.proc.returncode is None

    async def kill(self) -> None:
        await asyncio.to_thread(kill_tree, self.pid, self.started)
        with contextlib.suppress(ProcessLookupError):
            await self.proc.wait()

    async def close(self) -> None:
        """Ask politely (EOF: the worker stops its kernel and exits), then insist."""
        if self.proc.stdin is not None and not self.proc.stdin.is_closing():
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), timeout=5)
        except (TimeoutError, asyncio.TimeoutError):  # one class from 3.11; two on 3.10
            await self.kill()


class WorkerPool:
    def __init__(self, kernel_name: str, log: TextIO | None, size: int) -> None:
        self.kernel_name = kernel_name
        self.log = log
        self.size = size
        self._idle: list[WorkerProcess] = []
        self._reapers: dict[int, asyncio.TimerHandle] = {}
        self._closed = False
        # asyncio keeps only weak references to tasks; these keep background work alive.
        self._background: set[asyncio.Future[Any]] = set()

    def _in_background(self, awaitable: Any) -> "asyncio.Future[Any]":
        task: asyncio.Future[Any] = asyncio.ensure_future(awaitable)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def _spawn(self) -> WorkerProcess:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "jupyter_deploy.runs.worker",
            self.kernel_name,
            str(os.getpid()),  # the worker ends with us, even if we die before it is set up
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=self.log if self.log is not None else asyncio.subprocess.DEVNULL,
            cwd=str(Path.home()),
            # Its own session: nothing a worker or its kernel does to "its process group" can
            # reach the server (or test runner) that spawned it.
            start_new_session=True,
        )
        return WorkerProcess(proc)

    def prewarm(self, count: int) -> None:
        """Start workers now so their kernels are ready when runs arrive."""
        for _ in range(max(0, min(count, self.size) - len(self._idle))):
            self._in_background(self._spawn()).add_done_callback(self._adopt)

    def _adopt(self, task: "asyncio.Future[WorkerProcess]") -> None:
        if task.cancelled() or task.exception() is not None:
            return
        worker = task.result()
        if self._closed:
            self._in_background(worker.close())
        else:
            self._park(worker)

    def _park(self, worker: WorkerProcess) -> None:
        self._idle.append(worker)
        loop = asyncio.get_running_loop()
        self._reapers[worker.pid] = loop.call_later(IDLE_TIMEOUT_S, self._reap, worker)

    def _reap(self, worker: WorkerProcess) -> None:
        if worker in self._idle:
            self._idle.remove(worker)
            self._in_background(worker.close())

    async def acquire(self) -> WorkerProcess:
        while self._idle:
            worker = self._idle.pop(0)
            timer = self._reapers.pop(worker.pid, None)
            if timer is not None:
                timer.cancel()
            try:
                await worker.wait_ready()
                return worker
            except WorkerGone:
                continue
        worker = await self._spawn()
        await worker.wait_ready()
        return worker

    def release(self, worker: WorkerProcess, warm: bool) -> None:
        """Take a worker back after its run; `warm`: start its next kernel now."""
        if worker.alive and not self._closed:
            worker.warming = False
            if warm:
                self._in_background(worker.warm())
            self._park(worker)
        else:
            self._in_background(worker.close())

    async def close(self) -> None:
        self._closed = True
        for timer in self._reapers.values():
            timer.cancel()
        idle, self._idle = self._idle, []
        await asyncio.gather(*(w.close() for w in idle), return_exceptions=True)
