"""Adaptive micro-batching: an idle model answers at once, a busy one takes everything that
waited in one call, and a failing batch fails only the request at fault."""

import asyncio
import threading
import time
import types
from typing import Any

import httpx
import pytest

from jupyter_deploy.runtime.app import ModelServer
from jupyter_deploy.runtime.batching import Batcher

SCHEMA = {
    "input": {
        "type": "array",
        "items": {"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"]},
    }
}


class Model:
    """A vectorised predict that takes as long for one record as for many, like a forest."""

    def __init__(self, seconds: float = 0.05) -> None:
        self.seconds = seconds
        self.calls: list[int] = []
        self.entered = threading.Event()

    def predict(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        self.calls.append(len(records))
        self.entered.set()
        time.sleep(self.seconds)  # the model's own cost, in the predict thread
        if any(r["x"] < 0 for r in records):
            raise ValueError("negative input")
        return [{"y": r["x"] * 2} for r in records]


async def test_an_idle_model_answers_at_once_and_a_busy_one_batches_what_waited() -> None:
    model = Model()
    batcher = Batcher(model.predict, max_batch=32)
    first = asyncio.create_task(batcher([{"x": 1}]))
    await asyncio.to_thread(model.entered.wait, 5)  # the first call is inside predict
    rest = [asyncio.create_task(batcher([{"x": i}, {"x": i + 0.5}])) for i in range(10)]
    assert await first == [{"y": 2}]
    answers = await asyncio.gather(*rest)
    assert answers == [[{"y": i * 2}, {"y": i * 2 + 1}] for i in range(10)]
    assert model.calls == [1, 20]  # alone, then everything that waited in one call
    batcher.close()


async def test_batches_stay_within_max_batch() -> None:
    model = Model()
    batcher = Batcher(model.predict, max_batch=4)
    first = asyncio.create_task(batcher([{"x": 0}]))
    await asyncio.to_thread(model.entered.wait, 5)
    waiting = [asyncio.create_task(batcher([{"x": i}])) for i in range(10)]
    await asyncio.gather(first, *waiting)
    assert model.calls == [1, 4, 4, 2]
    batcher.close()


async def test_a_failing_batch_fails_only_the_request_at_fault() -> None:
    model = Model(seconds=0.02)
    batcher = Batcher(model.predict, max_batch=32)
    first = asyncio.create_task(batcher([{"x": 1}]))
    await asyncio.to_thread(model.entered.wait, 5)
    good = [asyncio.create_task(batcher([{"x": i}])) for i in range(3)]
    bad = asyncio.create_task(batcher([{"x": -1}]))
    await first
    assert [await g for g in good] == [[{"y": 0}], [{"y": 2}], [{"y": 4}]]
    with pytest.raises(ValueError, match="negative input"):
        await bad
    assert model.calls == [1, 4, 2, 2, 1, 1]  # the batch, its halves, the failing half's halves
    batcher.close()


async def test_a_batch_answered_with_the_wrong_count_is_predicted_one_by_one() -> None:
    def predict(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        time.sleep(0.02)
        return [{"y": 0}] if len(records) > 1 else [{"y": records[0]["x"]}]

    batcher = Batcher(predict, max_batch=8)
    answers = await asyncio.gather(*(batcher([{"x": i}]) for i in range(4)))
    assert answers == [[{"y": i}] for i in range(4)]
    batcher.close()


async def test_the_server_batches_concurrent_requests_and_keeps_its_error_contract() -> None:
    model = Model(seconds=0.03)
    service = types.SimpleNamespace(load=lambda: None, predict=model.predict)
    server = ModelServer(
        service,  # type: ignore[arg-type]
        SCHEMA,
        api_keys=None,
        max_batch=64,
    )
    server.ready = True
    transport = httpx.ASGITransport(app=server)
    async with httpx.AsyncClient(transport=transport, base_url="http://model") as client:
        good = await asyncio.gather(*(client.post("/predict", json={"x": i}) for i in range(24)))
        assert [a.json() for a in good] == [{"y": i * 2} for i in range(24)]
        assert sum(model.calls) == 24
        assert len(model.calls) <= 3  # the first alone, then what waited, in one or two calls
        *fine, bad = await asyncio.gather(
            *(client.post("/predict", json=[{"x": i}, {"x": 1}]) for i in range(7)),
            client.post("/predict", json={"x": -5}),
        )
    assert [a.json() for a in fine] == [[{"y": i * 2}, {"y": 2}] for i in range(7)]
    assert bad.status_code == 422  # the model's ValueError: a value it refuses
    assert bad.json()["error"]["code"] == "input_not_accepted"
    assert "negative" not in bad.text
