"""The model server as a real process (uvicorn, two workers) on the example's exported service:
the bad-input matrix, one record or many, a failing predict, health."""

import json
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from runtime_fixtures import AUTH, FLOWER, KEY, metric, runtime, serve, serve_iris, start
from runtime_fixtures import free_port as _free_port  # noqa: F401  (other tests import it here)

from jupyter_deploy.runtime.validate import NOT_FINITE

UNKNOWN_FIELD = (
    "has a field that is not accepted (accepted fields: sepal_length, sepal_width,"
    " petal_length, petal_width)"
)
# A predict that fails on one input, with a detail that must stay in the server's log.
FAILING = """
import time
from pathlib import Path

def load():
    pass

def predict(records: list[dict[str, float]]) -> list[float]:
    if records and records[0].get("x") == 13:
        raise RuntimeError("secret internal detail")
    if records and records[0].get("x") == 99:  # a slow model, for the graceful shutdown test
        Path(__file__).with_name("slow-started").touch()
        time.sleep(2)
    return [r["x"] * 2 for r in records]
"""


@pytest.fixture(scope="module")
def iris(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve_iris(tmp_path_factory.mktemp("iris-service"))


@pytest.fixture(scope="module")
def failing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("failing-service")
    (folder / "service.py").write_text(FAILING)
    log = folder.parent / "failing.log"
    for base in serve(folder, log, "--open"):
        yield base, log


def post(base: str, body: bytes, content_type: str = "application/json") -> httpx.Response:
    headers = {**AUTH, "content-type": content_type}
    return httpx.post(f"{base}/predict", content=body, headers=headers)


def test_one_record_or_a_list(iris: str) -> None:
    one = httpx.post(f"{iris}/predict", json=FLOWER, headers=AUTH)
    assert one.status_code == 200
    assert one.json()["species"] == "setosa"
    many = httpx.post(
        f"{iris}/predict", json=[FLOWER, {**FLOWER, "petal_length": 6.0}], headers=AUTH
    )
    assert many.status_code == 200
    first, second = many.json()
    assert first["species"] == "setosa"
    assert second["species"] != "setosa"
    assert httpx.get(f"{iris}/health/live").json() == {"status": "live"}


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code", "fields"),
    [
        (b'{"sepal_length": 5.1,', "application/json", 400, "malformed_json", None),
        (json.dumps(FLOWER).encode(), "text/plain", 415, "unsupported_media_type", None),
        (b"[" + b"1," * 600_000 + b"1]", "application/json", 413, "too_large", None),
        (
            json.dumps({**FLOWER, "colour": "blue"}).encode(),
            "application/json", 422, "invalid_request",
            [{"field": "(body)", "problem": UNKNOWN_FIELD}],
        ),
        (
            json.dumps({k: v for k, v in FLOWER.items() if k != "petal_width"}).encode(),
            "application/json", 422, "invalid_request",
            [{"field": "petal_width", "problem": "is required"}],
        ),
        (
            json.dumps([FLOWER, {**FLOWER, "sepal_width": "wide"}]).encode(),
            "application/json", 422, "invalid_request",
            [{"field": "[1].sepal_width", "problem": "must be a number, got a string"}],
        ),
        (
            b'{"sepal_length": NaN, "sepal_width": Infinity, "petal_length": 1.4,'
            b' "petal_width": 0.2}',
            "application/json", 422, "invalid_request",
            [
                {"field": "sepal_length", "problem": NOT_FINITE},
                {"field": "sepal_width", "problem": NOT_FINITE},
            ],
        ),
    ],
)  # fmt: skip
def test_bad_input_is_a_4xx_naming_the_problem(
    iris: str,
    body: bytes,
    content_type: str,
    status: int,
    code: str,
    fields: list[dict[str, Any]] | None,
) -> None:
    answer = post(iris, body, content_type)
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["code"] == code
    assert error.get("fields") == fields
    assert "Traceback" not in answer.text
    # No echo of the input.
    assert "wide" not in answer.text
    assert "blue" not in answer.text
    assert "colour" not in answer.text


def test_wrong_method_and_unknown_route(iris: str) -> None:
    assert httpx.get(f"{iris}/predict").status_code == 405
    missing = httpx.get(f"{iris}/nope")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")


def test_a_failing_predict_is_a_generic_500_and_the_server_stays_up(
    failing: tuple[str, Path],
) -> None:
    base, log = failing
    answer = httpx.post(f"{base}/predict", json=[{"x": 13}])
    assert answer.status_code == 500
    message = answer.json()["error"]["message"]
    assert "secret internal detail" not in answer.text
    assert "Traceback" not in answer.text
    request_id = message.split("request id ")[1].split(";")[0]
    assert httpx.post(f"{base}/predict", json=[{"x": 2}]).json() == [4]
    # The details are in the server's log: one JSON object a line.
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    failure = next(e for e in entries if e["message"] == f"predict failed (request {request_id})")
    assert failure["level"] == "error"
    assert "RuntimeError: secret internal detail" in failure["traceback"]


def test_predictions_need_an_api_key_health_and_metrics_do_not(iris: str) -> None:
    for headers, message in [
        ({}, "send an API key"),
        ({"authorization": "Bearer wrong-key"}, "not accepted"),
        ({"authorization": f"Basic {KEY}"}, "send an API key"),
    ]:
        refused = httpx.post(f"{iris}/predict", json=FLOWER, headers=headers)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"].startswith("Bearer")
        assert message in refused.json()["error"]["message"]
    assert httpx.get(f"{iris}/health/ready").status_code == 200
    assert httpx.get(f"{iris}/metrics").status_code == 200


def test_metrics_add_up_every_worker(iris: str) -> None:
    ok = 'jupyter_deploy_requests_total{route="predict",status="200"}'
    before = httpx.get(f"{iris}/metrics").text
    # Fresh connections each time, so the two workers share the requests.
    for _ in range(20):
        answer = httpx.post(f"{iris}/predict", json=[FLOWER, FLOWER], headers=AUTH)
        assert answer.status_code == 200
    assert httpx.post(f"{iris}/predict", json={}, headers=AUTH).status_code == 422
    after = httpx.get(f"{iris}/metrics")
    assert after.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = after.text
    assert metric(text, ok) - metric(before, ok) == 20
    predictions = "jupyter_deploy_predictions_total"
    assert metric(text, predictions) - metric(before, predictions) == 40
    assert 'jupyter_deploy_requests_total{route="predict",status="422"}' in text
    count = 'jupyter_deploy_request_seconds_count{route="predict"}'
    assert metric(text, count) >= 21
    assert 'jupyter_deploy_request_seconds_bucket{route="predict",le="+Inf"}' in text
    # The scrape that answers is itself in flight.
    assert metric(text, "jupyter_deploy_requests_in_flight") == 1


def test_the_server_will_not_start_without_a_choice_about_keys(tmp_path: Path) -> None:
    refused = subprocess.run(runtime(str(tmp_path)), capture_output=True, text=True, check=False)
    assert refused.returncode == 2
    assert "give --api-keys-file FILE, or --open" in refused.stderr
    keys = tmp_path / "keys"
    keys.write_text("the-plain-key-by-mistake\n")
    refused = subprocess.run(
        runtime(str(tmp_path), "--api-keys-file", str(keys)),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert refused.returncode == 2
    assert "line 1: not a sha256 digest" in refused.stderr
    assert "the-plain-key-by-mistake" not in refused.stderr


def test_sigterm_finishes_the_requests_in_flight(tmp_path: Path) -> None:
    (tmp_path / "service.py").write_text(FAILING)
    server, base = start(tmp_path, tmp_path.parent / "slow.log", "--open")
    try:
        slow: dict[str, httpx.Response] = {}

        def ask() -> None:
            slow["answer"] = httpx.post(f"{base}/predict", json=[{"x": 99}], timeout=30)

        request = threading.Thread(target=ask)
        request.start()
        # predict() marks that it started, then takes 2 s.
        deadline = time.monotonic() + 20
        while not (tmp_path / "slow-started").exists():
            assert time.monotonic() < deadline, "the slow request never started"
            time.sleep(0.01)  # polling for the marker, not waiting blind
        server.send_signal(signal.SIGTERM)
        request.join(timeout=30)
        assert slow["answer"].status_code == 200
        assert slow["answer"].json() == [198]
        assert server.wait(timeout=30) == 0
    finally:
        if server.poll() is None:
            server.kill()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base}/health/live")


def _v2_inputs(*flowers: dict[str, float]) -> dict[str, Any]:
    return {
        "id": "req-1",
        "inputs": [
            {
                "name": name,
                "datatype": "FP64",
                "shape": [len(flowers)],
                "data": [f[name] for f in flowers],
            }
            for name in FLOWER
        ],
    }


def test_open_inference_protocol(iris: str) -> None:
    """What a KServe V2 REST client does: health, server and model metadata, then infer."""
    assert httpx.get(f"{iris}/v2/health/live").json() == {"live": True}
    assert httpx.get(f"{iris}/v2/health/ready").json() == {"ready": True}
    assert httpx.get(f"{iris}/v2").json()["name"] == "jupyter-deploy"
    meta = httpx.get(f"{iris}/v2/models/iris-classifier").json()
    assert meta["versions"] == ["v7"]
    assert [(t["name"], t["datatype"]) for t in meta["inputs"]] == [
        (name, "FP64") for name in FLOWER
    ]
    assert [t["name"] for t in meta["outputs"]] == ["species", "probability"]
    assert httpx.get(f"{iris}/v2/models/iris-classifier/versions/v7/ready").json() == {
        "name": "iris-classifier", "ready": True
    }  # fmt: skip

    infer = f"{iris}/v2/models/iris-classifier/infer"
    body = _v2_inputs(FLOWER, {**FLOWER, "petal_length": 6.0})
    answer = httpx.post(infer, json=body, headers=AUTH)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert (result["model_name"], result["model_version"], result["id"]) == (
        "iris-classifier", "v7", "req-1"
    )  # fmt: skip
    species = next(o for o in result["outputs"] if o["name"] == "species")
    assert (species["datatype"], species["shape"]) == ("BYTES", [2])
    assert species["data"][0] == "setosa"
    probability = next(o for o in result["outputs"] if o["name"] == "probability")
    assert probability["datatype"] == "FP64"

    # Column-vector shape [N, 1] works too; the version path must name the served version.
    column = {"inputs": [{**t, "shape": [1, 1], "data": [[t["data"][0]]]} for t in body["inputs"]]}
    assert httpx.post(infer, json=column, headers=AUTH).status_code == 200
    for path, status in [
        ("/v2/models/other/infer", 404),
        ("/v2/models/iris-classifier/versions/v1/infer", 404),
    ]:
        refused = httpx.post(f"{iris}{path}", json=body, headers=AUTH)
        assert refused.status_code == status
        assert "serves model 'iris-classifier v7' only" in refused.json()["error"]
        assert "other" not in refused.text


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({"inputs": "x"}, 400, "expected an object with 'inputs'"),
        (
            {"inputs": [{"name": "sepal_length", "shape": [2], "data": [1.0]}]},
            400, "input 0: expected shape [N] or [N, 1] where N = 1",
        ),
        (
            {"inputs": [{"name": n, "shape": [1], "data": ["wide" if n == "sepal_width" else 1.0]}
                        for n in FLOWER]},
            400, "sepal_width (row 0): must be a number, got a string",
        ),
    ],
)  # fmt: skip
def test_open_inference_protocol_errors_are_its_own_shape(
    iris: str, body: dict[str, Any], status: int, fragment: str
) -> None:
    answer = httpx.post(f"{iris}/v2/models/iris-classifier/infer", json=body, headers=AUTH)
    assert answer.status_code == status
    assert fragment in answer.json()["error"]
    assert "wide" not in answer.text
    refused = httpx.post(f"{iris}/v2/models/iris-classifier/infer", json=body)
    assert refused.status_code == 401


def test_openapi_and_docs_come_from_the_schema(iris: str) -> None:
    document = httpx.get(f"{iris}/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] == "iris-classifier (jupyter_deploy)"
    predict = document["paths"]["/predict"]["post"]
    body = predict["requestBody"]["content"]["application/json"]["schema"]
    many, one = body["oneOf"]
    assert one["required"] == list(FLOWER)
    assert many["items"] == one
    assert predict["security"] == [{"apiKey": []}]
    assert set(predict["responses"]) >= {"200", "401", "413", "415", "422", "500"}
    page = httpx.get(f"{iris}/docs")
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>iris-classifier <small>v7</small></h1>" in page.text
    assert "<code>[].sepal_length</code></td><td>number</td><td>required" in page.text
    assert "Authorization: Bearer" in page.text
    assert "<script" not in page.text
