"""Adaptive micro-batching for a vectorised `predict(records) -> results` (one result a record).

No timer: a request that finds the model idle is predicted at once, alone. Requests that arrive
while the model computes wait, and the next call takes all of them (up to `max_batch` records)
in one list. So an idle server answers as fast as without batching, and a busy one makes
batches exactly as large as the load makes them: for a model whose call costs nearly the same
for 1 row as for 32 (a forest, a neural network), throughput grows with the batch.

`predict` runs in one thread beside the event loop, so the loop keeps reading requests while
the model computes. When a batch fails (predict raises, or answers with a different number of
results), it is split in halves and each is predicted again, down to single requests: only the
request that caused the failure fails, and finding it takes a few calls, not one per request."""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

Predict = Callable[[list[Any]], Any]


class BatchMismatch(Exception):
    """predict answered a batch with a different number of results than records."""


class Batcher:
    def __init__(self, predict: Predict, max_batch: int) -> None:
        self.predict = predict
        self.max_batch = max_batch
        self.waiting: list[tuple[list[Any], asyncio.Future[list[Any]]]] = []
        self.drainer: asyncio.Task[None] | None = None
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="predict")
        self.batches = 0  # for tests and metrics: how many predict calls were made

    async def __call__(self, records: list[Any]) -> list[Any]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[Any]] = loop.create_future()
        self.waiting.append((records, future))
        if self.drainer is None:
            # Kept so the task is not collected mid-batch.
            self.drainer = loop.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self.waiting:
                batch = self._next_batch()
                await self._run(batch)
        finally:
            self.drainer = None

    def _next_batch(self) -> list[tuple[list[Any], asyncio.Future[list[Any]]]]:
        taken: list[tuple[list[Any], asyncio.Future[list[Any]]]] = []
        size = 0
        while self.waiting:
            records, _ = self.waiting[0]
            if taken and size + len(records) > self.max_batch:
                break
            taken.append(self.waiting.pop(0))
            size += len(records)
        return taken

    async def _run(self, batch: list[tuple[list[Any], asyncio.Future[list[Any]]]]) -> None:
        loop = asyncio.get_running_loop()
        if len(batch) == 1:
            records, future = batch[0]
            try:
                result = await loop.run_in_executor(self.pool, self._call, records, False)
            except Exception as exc:
                future.set_exception(exc)
            else:
                future.set_result(result)
            return
        flat = [record for records, _ in batch for record in records]
        try:
            results = await loop.run_in_executor(self.pool, self._call, flat, True)
        except Exception:
            # Halves until the request at fault is alone: only it fails, in a few calls.
            middle = len(batch) // 2
            await self._run(batch[:middle])
            await self._run(batch[middle:])
            return
        start = 0
        for records, future in batch:
            future.set_result(results[start : start + len(records)])
            start += len(records)

    def _call(self, records: list[Any], split: bool) -> Any:
        """predict(records); a batch's answer must split back into one result a record."""
        self.batches += 1
        results = self.predict(records)
        if split and (not isinstance(results, list) or len(results) != len(records)):
            raise BatchMismatch(
                f"predict answered {len(records)} records with"
                f" {len(results) if isinstance(results, list) else type(results).__name__}"
            )
        return results

    def close(self) -> None:
        self.pool.shutdown(wait=True)
