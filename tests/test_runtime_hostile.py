"""Hostile and odd input against the model server as a real process: each class of input is a
row (server, route, body → status, error code, what must not come back). Every row is also
checked to be counted exactly once in /metrics and to leave nothing in flight, so a new route
or field is covered by adding a row."""

import asyncio
import json
from collections.abc import Iterator
from typing import Any, NamedTuple

import httpx
import pytest
from runtime_fixtures import AUTH, FLOWER, serve, serve_iris

from jupyter_deploy.builds.export import export_service
from jupyter_deploy.runtime.app import ModelServer
from jupyter_deploy.schema import infer_schema

# A model that echoes what it is given, as many do, and doubles `x` (1.79e308 doubled is inf).
HOSTILE = """
from typing import Any, NotRequired, TypedDict


class Reading(TypedDict):
    x: float
    n: int
    label: str
    scores: NotRequired[dict[str, float]]
    raw: NotRequired[Any]


def load() -> None:
    pass


def predict(readings: list[Reading]) -> list[dict[str, Any]]:
    return [
        {"double": r["x"] * 2, "next": r["n"] + 1, "label": r["label"],
         "scores": r.get("scores", {}), "raw": r.get("raw")}
        for r in readings
    ]
"""
READING = {"x": 1.5, "n": 3, "label": "ok"}
PREDICT = "/predict"
IRIS_V2 = "/v2/models/iris-classifier/infer"
HOSTILE_V2 = "/v2/models/hostile/infer"
DEEP = b"[" * 100_000 + b"]" * 100_000
LONE = b"\\ud800"  # a JSON escape of an unpaired UTF-16 surrogate
BIG = b"9" * 400


def _reading(**fields: bytes) -> bytes:
    """A reading with some fields given as raw JSON text (what json.dumps cannot write)."""
    parts = {k: json.dumps(v).encode() for k, v in READING.items()} | fields
    return b"{" + b",".join(b'"%s": %s' % (k.encode(), v) for k, v in parts.items()) + b"}"


def _flower(**fields: bytes) -> bytes:
    parts = {k: json.dumps(v).encode() for k, v in FLOWER.items()} | fields
    return b"{" + b",".join(b'"%s": %s' % (k.encode(), v) for k, v in parts.items()) + b"}"


def _v2(flowers: int = 1, **tensor: Any) -> bytes:
    """An iris V2 request; `tensor` overrides the first input tensor's parts."""
    inputs = [
        {"name": n, "datatype": "FP64", "shape": [flowers], "data": [FLOWER[n]] * flowers}
        for n in FLOWER
    ]
    inputs[0] |= tensor
    return json.dumps({"inputs": inputs}).encode()


def _v2_reading(x: bytes = b"1.5", n: bytes = b"3", request_id: bytes = b'"r1"') -> bytes:
    return (
        b'{"id": %s, "inputs": [{"name": "x", "datatype": "FP64", "shape": [1], "data": [%s]},'
        b' {"name": "n", "datatype": "INT64", "shape": [1], "data": [%s]},'
        b' {"name": "label", "datatype": "BYTES", "shape": [1], "data": ["ok"]}]}'
    ) % (request_id, x, n)


class Row(NamedTuple):
    server: str  # the fixture: "iris" (behind a key) or "hostile" (open)
    path: str
    body: bytes
    status: int
    code: str | None  # the REST error code; None on V2 routes (their errors are strings)
    unechoed: tuple[str, ...] = ()  # what the caller sent that must not come back
    chunked: bool = False  # sent without a length, so only reading it finds it too large


ROWS: dict[str, Row] = {
    # Nesting: orjson stops at 1,024 levels, the lenient parser (after a NaN) at ~1,000.
    "deep-predict": Row("iris", PREDICT, DEEP, 400, "too_deep", ("[[[[",)),
    "deep-v2": Row("iris", IRIS_V2, DEEP, 400, None, ("[[[[",)),
    "deep-after-nan": Row("iris", PREDICT, b"[NaN, " + DEEP + b"]", 400, "too_deep"),
    "deep-in-a-field": Row("hostile", PREDICT, _reading(raw=DEEP), 400, "too_deep"),
    "deep-v2-hostile": Row("hostile", HOSTILE_V2, DEEP, 400, None),
    # Numbers: the largest double doubles to inf in the model; JSON cannot carry it.
    "max-double-overflows": Row("hostile", PREDICT, _reading(x=b"1.79e308"), 422,
                                "non_finite_result", ("1.79e308",)),
    "max-double-overflows-v2": Row("hostile", HOSTILE_V2, _v2_reading(x=b"1.79e308"), 422, None),
    # The notebook's forest computes in float32: sklearn refuses the largest double itself.
    "max-double-forest": Row("forest", PREDICT, _flower(sepal_length=b"1.79e308"), 422,
                             "input_not_accepted", ("1.79e308", "float32")),
    "max-double-forest-v2": Row("forest", IRIS_V2, _v2().replace(b"5.1", b"1.79e308"), 422,
                                None, ("1.79e308", "float32")),
    "1e400": Row("iris", PREDICT, _flower(sepal_length=b"1e400"), 422, "invalid_request",
                 ("1e400", "inf")),
    "1e400-untyped": Row("hostile", PREDICT, _reading(raw=b"[1e400]"), 422, "invalid_request"),
    "400-digits": Row("iris", PREDICT, _flower(sepal_length=BIG), 422, "invalid_request",
                      ("9999",)),
    "5000-digits": Row("iris", PREDICT, _flower(sepal_length=b"7" * 5000), 422,
                       "invalid_request", ("7777",)),
    "400-digit-int-field": Row("hostile", PREDICT, _reading(n=BIG), 422, "invalid_request"),
    "u64-int-field": Row("hostile", PREDICT, _reading(n=b"18446744073709551615"), 422,
                         "invalid_request", ("18446744073709551615",)),
    "u64-int-v2": Row("hostile", HOSTILE_V2, _v2_reading(n=b"18446744073709551615"), 400, None),
    "nan-infinity": Row("iris", PREDICT, _flower(sepal_length=b"NaN", sepal_width=b"-Infinity"),
                        422, "invalid_request"),
    "nan-untyped": Row("hostile", PREDICT, _reading(raw=b'{"a": [NaN]}'), 422,
                       "invalid_request"),
    "nan-v2": Row("iris", IRIS_V2, _v2().replace(b"5.1", b"NaN"), 400, None),
    # Lone surrogates: the lenient parser reads them, no answer (UTF-8) can carry them.
    "surrogate-key": Row("iris", PREDICT, _flower(**{"\\ud800": b"1"}), 422, "invalid_request",
                         ("ud800",)),
    "surrogate-string": Row("hostile", PREDICT, _reading(label=b'"' + LONE + b'"'), 422,
                            "invalid_request", ("ud800",)),
    "surrogate-map-key": Row("hostile", PREDICT, _reading(scores=b'{"' + LONE + b'": 1}'),
                             422, "invalid_request", ("ud800",)),
    "surrogate-untyped": Row("hostile", PREDICT, _reading(raw=b'["' + LONE + b'"]'), 422,
                             "invalid_request", ("ud800",)),
    "surrogate-v2-id": Row("hostile", HOSTILE_V2, _v2_reading(request_id=b'"' + LONE + b'"'),
                           400, None, ("ud800",)),
    "surrogate-v2-name": Row("iris", IRIS_V2, _v2().replace(b"sepal_length", LONE, 1), 400,
                             None, ("ud800",)),
    # Names the caller made up are never repeated back.
    "unknown-field": Row("iris", PREDICT, _flower(**{"SECRET-FIELD-1": b"1"}), 422,
                         "invalid_request", ("SECRET-FIELD-1",)),
    "unknown-field-in-a-list": Row(
        "iris", PREDICT, b"[" + b",".join([_flower()] * 3 + [_flower(**{"SECRET-2": b"1"})]) + b"]",
        422, "invalid_request", ("SECRET-2",),
    ),
    "bad-map-value": Row("hostile", PREDICT, _reading(scores=b'{"SECRET-KEY-3": "high"}'), 422,
                         "invalid_request", ("SECRET-KEY-3", "high")),
    # V2 tensors: shapes, datatypes and names are the caller's text.
    "v2-shape-text": Row("iris", IRIS_V2, _v2(shape=["SECRET-SHAPE-4"]), 400, None,
                         ("SECRET-SHAPE-4",)),
    "v2-shape-2d": Row("iris", IRIS_V2, _v2(shape=[1, 7]), 400, None, ("7]",)),
    "v2-shape-huge": Row("iris", IRIS_V2, _v2(shape=[10**30]), 400, None, ("e+30", "1000000000")),
    "v2-datatype": Row("iris", IRIS_V2, _v2(datatype="SECRET-DT-5"), 400, None,
                       ("SECRET-DT-5",)),
    "v2-name": Row("iris", IRIS_V2, _v2(name="SECRET-NAME-6"), 400, None, ("SECRET-NAME-6",)),
    "v2-same-name-twice": Row("iris", IRIS_V2, _v2(name="sepal_width"), 400, None),
    "v2-model-name": Row("iris", "/v2/models/SECRET-MODEL-7/infer", _v2(), 404, None,
                         ("SECRET-MODEL-7",)),
    "unknown-route": Row("iris", "/SECRET-PATH-8", b"{}", 404, "not_found", ("SECRET-PATH-8",)),
    # Too large, told by the length or found while reading.
    "oversize": Row("iris", PREDICT, b"[" + b"1," * 600_000 + b"1]", 413, "too_large"),
    "oversize-chunked": Row("iris", IRIS_V2, b"[" + b"1," * 600_000 + b"1]", 413, None,
                            chunked=True),
}  # fmt: skip


@pytest.fixture(scope="module")
def iris(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve_iris(tmp_path_factory.mktemp("iris-hostile"))


@pytest.fixture(scope="module")
def forest(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve_iris(tmp_path_factory.mktemp("forest-hostile"), forest=True)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("hostile-service")
    notebook = {
        "cells": [{"cell_type": "code", "source": HOSTILE, "metadata": {"tags": ["serve"]}}]
    }
    (folder / "service.py").write_text(export_service(notebook, "hostile.ipynb"))
    version = {"model": "hostile", "version": "v1", "schema": infer_schema(notebook)}
    (folder / "deploy-version.json").write_text(json.dumps(version))
    yield from serve(folder, folder.parent / "hostile.log", "--open")


def _counts(base: str, route: str) -> dict[str, float]:
    """This route's request counts by status, its histogram count, and the in-flight gauge."""
    counts: dict[str, float] = {}
    for line in httpx.get(f"{base}/metrics").text.splitlines():
        name, _, value = line.rpartition(" ")
        if name.startswith(f'jupyter_deploy_requests_total{{route="{route}",'):
            counts[name.split('status="')[1].rstrip('"}')] = float(value)
        elif name == f'jupyter_deploy_request_seconds_count{{route="{route}"}}':
            counts["histogram"] = float(value)
        elif name == "jupyter_deploy_requests_in_flight":
            counts["in_flight"] = float(value)
    return counts


def _route(path: str) -> str:
    if path == PREDICT:
        return "predict"
    return "v2_infer" if path.endswith("/infer") else "other"


@pytest.mark.parametrize("row", list(ROWS.values()), ids=list(ROWS))
def test_hostile_input_is_a_json_4xx_counted_once(row: Row, request: pytest.FixtureRequest) -> None:
    base = request.getfixturevalue(row.server)
    route = _route(row.path)
    before = _counts(base, route)
    headers = {**AUTH, "content-type": "application/json"}
    content: Any = iter([row.body[i : i + 65536] for i in range(0, len(row.body), 65536)])
    answer = httpx.post(
        f"{base}{row.path}", content=content if row.chunked else row.body, headers=headers
    )
    assert answer.status_code == row.status, answer.text[:500]
    assert answer.headers["content-type"] == "application/json"
    error = answer.json()["error"]
    if row.code is None:
        assert isinstance(error, str)
    else:
        assert error["code"] == row.code
    for sent in row.unechoed:
        assert sent not in answer.text
    assert "Traceback" not in answer.text

    after = _counts(base, route)
    status = str(row.status)
    assert after.get(status, 0) - before.get(status, 0) == 1
    others = {k for k in after if k.isdigit() and k != status}
    assert all(after[k] == before.get(k, 0) for k in others), (before, after)
    assert after["histogram"] - before.get("histogram", 0) == 1
    assert after["in_flight"] == 1  # the scrape that answers; nothing is left in flight


def test_the_non_finite_answer_names_where_it_is(hostile: str) -> None:
    answer = httpx.post(f"{hostile}/predict", json=[READING, {**READING, "x": 1.79e308}])
    assert answer.status_code == 422
    assert "non-finite number (NaN or Infinity) at [1].double" in answer.json()["error"]["message"]


def test_big_finite_numbers_and_real_unicode_are_accepted(hostile: str) -> None:
    body = _reading(x=b"1e300", n=b"9223372036854775806", label=b'"\\ud83d\\ude00 \\u00e9"')
    answer = httpx.post(f"{hostile}/predict", content=body, headers=AUTH | {
        "content-type": "application/json"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "double": 2e300, "next": 2**63 - 1, "label": "\U0001f600 é", "scores": {}, "raw": None
    }  # fmt: skip
    # NaN and the surrogate pair in one body: the lenient parser, and still the same answer.
    lenient = _reading(label=b'"\\ud83d\\ude00"', raw=b"[1]")[:-1] + b', "extra": NaN}'
    refused = httpx.post(f"{hostile}/predict", content=lenient, headers=AUTH | {
        "content-type": "application/json"})  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"] == [
        {"field": "(body)", "problem": "has a field that is not accepted (accepted fields: x, n,"
         " label, scores, raw)"}
    ]  # fmt: skip


class _Service:
    @staticmethod
    def load() -> None:
        pass

    @staticmethod
    def predict(records: Any) -> Any:
        return records


def test_a_request_that_fails_in_transport_is_still_counted_once() -> None:
    """The ASGI app itself, with a receive and a send that fail as a broken connection does:
    the request is answered or abandoned, and counted once either way."""
    server = ModelServer(_Service(), None, api_keys=None)  # type: ignore[arg-type]
    server.ready = True
    scope = {"type": "http", "path": "/predict", "method": "POST",
             "headers": [(b"content-type", b"application/json")]}  # fmt: skip
    sent: list[dict[str, Any]] = []

    async def broken_receive() -> dict[str, Any]:
        raise ConnectionResetError("the client went away")

    async def record(message: dict[str, Any]) -> None:
        sent.append(message)

    async def body() -> dict[str, Any]:
        return {"type": "http.request", "body": b"[1]"}

    async def broken_send(message: dict[str, Any]) -> None:
        raise ConnectionResetError("the client went away")

    asyncio.run(server(scope, broken_receive, record))
    assert sent[0]["status"] == 500
    assert json.loads(sent[1]["body"])["error"]["code"] == "internal_error"
    with pytest.raises(ConnectionResetError):
        asyncio.run(server(scope, body, broken_send))
    text = server.metrics.render({}).decode()
    assert 'jupyter_deploy_requests_total{route="predict",status="500"} 1' in text
    assert 'jupyter_deploy_requests_total{route="predict",status="200"} 1' in text
    assert 'jupyter_deploy_request_seconds_count{route="predict"} 2' in text
    assert "jupyter_deploy_requests_in_flight 0" in text
