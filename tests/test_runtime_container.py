"""The model server inside a real image of the example project, hit as a user and an operator
would: through the published port, `docker logs`, `docker inspect`, `docker history` and
`docker stop`. The same runtime is tested as a plain process in test_runtime_server.py; here
what the image adds is at stake (the user it runs as, the mounted keys file, PID 1 and signals,
logs on the container's stderr)."""

import json
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from image_fixtures import (
    FLOWER,
    VERSION,
    Server,
    build_example_image,
    example_source,
    remove_image,
    serve,
    start_container,
)

from jupyter_deploy._version import __version__
from jupyter_deploy.runtime.keys import digest, new_key
from jupyter_deploy.runtime.validate import NOT_FINITE

pytestmark = pytest.mark.docker

KEYS_IN_CONTAINER = "/run/keys/digests"
UNKNOWN_FIELD = (
    "has a field that is not accepted (accepted fields: sepal_length, sepal_width,"
    " petal_length, petal_width)"
)
SECRET = "secret internal detail 5150"
SLOW_MARK = "slow predict started"
# The example's own predict behind a wrapper: it fails on one input (with a detail that must stay
# in the log) and is slow on another, saying so on stderr so a test can wait for it.
FAULTY = f"""

import sys as _sys
import time as _time

_example_predict = predict


def predict(records: list[IrisFeatures]) -> list[Prediction]:
    first = records[0]["sepal_length"] if records else None
    if first == 13.0:
        raise RuntimeError({SECRET!r})
    if first == 99.0:
        print({SLOW_MARK!r}, file=_sys.stderr, flush=True)
        _time.sleep(2.5)
    return _example_predict(records)
"""


@pytest.fixture(scope="module")
def iris_image(client: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tag = build_example_image(client, tmp_path_factory)
    yield tag
    remove_image(client, tag)


@pytest.fixture(scope="module")
def faulty_image(client: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tag = build_example_image(client, tmp_path_factory, example_source() + FAULTY, "faulty")
    yield tag
    remove_image(client, tag)


@pytest.fixture(scope="module")
def api_key() -> str:
    return new_key()[0]


def _keys_volume(folder: Path, text: str) -> dict[str, dict[str, str]]:
    keys = folder / "digests"
    keys.write_text(text)
    keys.chmod(0o644)  # the server runs as its own user, not as the test's
    return {str(keys): {"bind": KEYS_IN_CONTAINER, "mode": "ro"}}


@pytest.fixture(scope="module")
def iris(
    client: Any, iris_image: str, api_key: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The example as an operator runs it: API keys from a mounted file of digests, 2 workers.
    The engine's own health probe is off, so the metrics test can count every request."""
    volume = _keys_volume(tmp_path_factory.mktemp("keys"), f"# ops' key\n{digest(api_key)}\n")
    args = ("--api-keys-file", KEYS_IN_CONTAINER, "--workers", "2")
    with serve(client, iris_image, *args, volumes=volume, healthcheck=False) as server:
        yield server


@pytest.fixture(scope="module")
def faulty(client: Any, faulty_image: str) -> Iterator[Server]:
    with serve(client, faulty_image, "--open", "--workers", "2") as server:
        yield server


def _auth(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def _clean(answer: httpx.Response, *secrets: str) -> None:
    """An answer as a client may see it: JSON, no traceback, no echo of what was sent."""
    assert answer.headers["content-type"] == "application/json"
    assert "Traceback" not in answer.text
    assert 'File "' not in answer.text
    for secret in secrets:
        assert secret not in answer.text


def _wait_for_log(server: Server, fragment: str, count: int = 1, timeout: float = 20) -> str:
    """The container's log once `fragment` is in it `count` times (the engine ships a
    container's output asynchronously, so a line written before an answer may come after it)."""
    deadline = time.monotonic() + timeout
    while True:
        logs = server.logs()
        if logs.count(fragment) >= count:
            return logs
        assert time.monotonic() < deadline, f"{fragment!r} never logged {count} times:\n{logs}"
        time.sleep(0.05)  # polling the log, not waiting blind


# body, content type, status, error code, fields named, values that must not come back
BadInput = tuple[bytes, str | None, int, str, list[dict[str, str]] | None, tuple[str, ...]]
BAD_INPUT: dict[str, BadInput] = {
    "missing-field": (
        json.dumps({k: v for k, v in FLOWER.items() if k != "petal_width"}).encode(),
        "application/json", 422, "invalid_request",
        [{"field": "petal_width", "problem": "is required"}],
        (),
    ),
    "extra-field": (
        json.dumps({**FLOWER, "colour": "ultraviolet-echo-1"}).encode(),
        "application/json", 422, "invalid_request",
        [{"field": "(body)", "problem": UNKNOWN_FIELD}],
        ("ultraviolet-echo-1", "colour"),
    ),
    "wrong-types": (
        json.dumps(
            {"sepal_length": "wide-echo-2", "sepal_width": True, "petal_length": None,
             "petal_width": [1.5]}
        ).encode(),
        "application/json", 422, "invalid_request",
        [
            {"field": "sepal_length", "problem": "must be a number, got a string"},
            {"field": "sepal_width", "problem": "must be a number, got a boolean"},
            {"field": "petal_length", "problem": "must be a number, got null"},
            {"field": "petal_width", "problem": "must be a number, got a list"},
        ],
        ("wide-echo-2", "1.5"),
    ),
    "nan-and-infinity": (
        b'{"sepal_length": NaN, "sepal_width": Infinity, "petal_length": -Infinity,'
        b' "petal_width": 0.2}',
        "application/json", 422, "invalid_request",
        [
            {"field": "sepal_length", "problem": NOT_FINITE},
            {"field": "sepal_width", "problem": NOT_FINITE},
            {"field": "petal_length", "problem": NOT_FINITE},
        ],
        ("0.2",),
    ),
    "bad-record-in-a-list": (
        json.dumps([FLOWER, {**FLOWER, "sepal_width": "wide-echo-3"}]).encode(),
        "application/json", 422, "invalid_request",
        [{"field": "[1].sepal_width", "problem": "must be a number, got a string"}],
        ("wide-echo-3",),
    ),
    "neither-record-nor-list": (
        b"4242", "application/json", 422, "invalid_request",
        [{"field": "(body)", "problem": "must be a list, got a number"}],
        ("4242",),
    ),
    "malformed-json": (
        b'{"sepal_length": 5.1, "note": "echo-4"', "application/json", 400, "malformed_json",
        None, ("echo-4",),
    ),
    "not-text": (
        b"\xff\xfe echo-5", "application/json", 400, "malformed_json", None, ("echo-5",),
    ),
    "text-plain": (
        json.dumps({**FLOWER, "note": "echo-6"}).encode(), "text/plain", 415,
        "unsupported_media_type", None, ("echo-6",),
    ),
    "form": (
        b"sepal_length=5.1&note=echo-7", "application/x-www-form-urlencoded", 415,
        "unsupported_media_type", None, ("echo-7",),
    ),
    "no-content-type": (
        json.dumps({**FLOWER, "note": "echo-8"}).encode(), None, 415,
        "unsupported_media_type", None, ("echo-8",),
    ),
    "oversized": (
        b'[{"note": "echo-9"},' + b"1," * 600_000 + b"1]", "application/json", 413,
        "too_large", None, ("echo-9",),
    ),
}  # fmt: skip


def _post(
    server: Server, body: bytes | Iterator[bytes], content_type: str | None, key: str
) -> httpx.Response:
    headers = _auth(key)
    if content_type is not None:
        headers["content-type"] = content_type
    return httpx.post(f"{server.url}/predict", content=body, headers=headers, timeout=30)


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code", "fields", "echoes"),
    list(BAD_INPUT.values()),
    ids=list(BAD_INPUT),
)
def test_bad_input_is_a_4xx_naming_each_field_and_echoing_nothing(
    iris: Server,
    api_key: str,
    body: bytes,
    content_type: str | None,
    status: int,
    code: str,
    fields: list[dict[str, str]] | None,
    echoes: tuple[str, ...],
) -> None:
    answer = _post(iris, body, content_type, api_key)
    assert answer.status_code == status, answer.text
    _clean(answer, *echoes)
    error = answer.json()["error"]
    assert error["code"] == code
    assert error.get("fields") == fields


def test_an_oversized_body_without_a_length_is_cut_off_too(iris: Server, api_key: str) -> None:
    """Sent chunked, so no Content-Length announces the size: the server counts as it reads."""

    def chunks() -> Iterator[bytes]:
        yield b'[{"note": "echo-10"}'
        for _ in range(64):
            yield b"," + b" " * 32 * 1024

    answer = _post(iris, chunks(), "application/json", api_key)
    assert answer.status_code == 413, answer.text
    _clean(answer, "echo-10")
    assert answer.json()["error"]["code"] == "too_large"


def test_one_record_or_a_list_of_them(iris: Server, api_key: str) -> None:
    url, auth = f"{iris.url}/predict", _auth(api_key)
    one = httpx.post(url, json=FLOWER, headers=auth)
    assert one.status_code == 200, one.text
    assert one.json()["species"] == "setosa"
    assert 0.5 < one.json()["probability"] <= 1.0
    virginica = {**FLOWER, "petal_length": 6.0, "petal_width": 2.2}
    many = httpx.post(url, json=[FLOWER, virginica], headers=auth)
    assert many.status_code == 200, many.text
    assert [p["species"] for p in many.json()] == ["setosa", "virginica"]
    assert httpx.post(url, json=[], headers=auth).json() == []
    # Integers are numbers, and a charset parameter is still JSON.
    whole = {name: round(value) for name, value in FLOWER.items()}
    charset = {**auth, "content-type": "application/json; charset=utf-8"}
    assert httpx.post(url, content=json.dumps(whole), headers=charset).status_code == 200


def test_the_server_keeps_answering_after_bad_input(iris: Server, api_key: str) -> None:
    """Every bad request again, back to back: none brings a worker down or logs a traceback."""
    for body, content_type, status, *_ in BAD_INPUT.values():
        assert _post(iris, body, content_type, api_key).status_code == status
    assert httpx.get(f"{iris.url}/health/ready").status_code == 200
    answer = httpx.post(f"{iris.url}/predict", json=FLOWER, headers=_auth(api_key))
    assert answer.json()["species"] == "setosa"
    iris.container.reload()
    assert iris.container.status == "running"
    assert iris.container.attrs["RestartCount"] == 0
    assert not [e for e in iris.log_entries() if "traceback" in e or e["level"] == "error"]
    assert "Traceback" not in iris.logs()


def test_a_failing_predict_is_a_generic_500_and_the_traceback_is_in_the_log(
    faulty: Server,
) -> None:
    answer = httpx.post(f"{faulty.url}/predict", json={**FLOWER, "sepal_length": 13.0})
    assert answer.status_code == 500, answer.text
    _clean(answer, SECRET, "RuntimeError")
    error = answer.json()["error"]
    assert error["code"] == "predict_failed"
    found = re.search(r"request id ([0-9a-f]{12})\b", error["message"])
    assert found, error
    request_id = found.group(1)

    logs = _wait_for_log(faulty, f"predict failed (request {request_id})")
    assert SECRET in logs
    entries = [e for e in faulty.log_entries() if request_id in e["message"]]
    assert len(entries) == 1, entries
    entry = entries[0]
    assert (entry["level"], entry["logger"]) == ("error", "jupyter_deploy.runtime")
    assert entry["traceback"].startswith("Traceback (most recent call last):")
    assert 'File "/srv/model/service.py"' in entry["traceback"]
    assert entry["traceback"].rstrip().endswith(f"RuntimeError: {SECRET}")
    # Every line of the container's log is one JSON object: the traceback is inside one.
    assert all(line.startswith("{") for line in logs.splitlines() if "Traceback" in line)

    # The Open Inference Protocol route fails the same way, in its own error shape.
    v2 = httpx.post(
        f"{faulty.url}/v2/models/iris-classifier/infer",
        json={
            "inputs": [_tensor(n, [13.0 if n == "sepal_length" else v]) for n, v in FLOWER.items()]
        },
    )
    assert v2.status_code == 500
    _clean(v2, SECRET)
    assert "request id" in v2.json()["error"]

    after = httpx.post(f"{faulty.url}/predict", json=FLOWER)
    assert (after.status_code, after.json()["species"]) == (200, "setosa")


def _tensor(name: str, data: list[Any], shape: list[int] | None = None) -> dict[str, Any]:
    return {"name": name, "shape": shape or [len(data)], "datatype": "FP64", "data": data}


def test_open_inference_protocol(iris: Server, api_key: str) -> None:
    """KServe V2 over REST, in the JSON a V2 client sends (the Open Inference Protocol:
    `{"id", "inputs": [{"name", "shape", "datatype", "data"}], "outputs": [{"name"}]}`, data
    flattened in row-major order; the answer `{"model_name", "model_version", "id",
    "outputs": [{"name", "shape", "datatype", "data"}]}`)."""
    url = iris.url
    assert httpx.get(f"{url}/v2/health/live").json() == {"live": True}
    assert httpx.get(f"{url}/v2/health/ready").json() == {"ready": True}
    server = httpx.get(f"{url}/v2").json()
    assert server == {"name": "jupyter-deploy", "version": __version__, "extensions": []}
    meta = httpx.get(f"{url}/v2/models/iris-classifier")
    assert meta.status_code == 200
    assert meta.json() == {
        "name": "iris-classifier",
        "versions": ["v1"],
        "platform": "jupyter-deploy",
        "inputs": [{"name": n, "datatype": "FP64", "shape": [-1]} for n in FLOWER],
        "outputs": [
            {"name": "species", "datatype": "BYTES", "shape": [-1]},
            {"name": "probability", "datatype": "FP64", "shape": [-1]},
        ],
    }
    ready = httpx.get(f"{url}/v2/models/iris-classifier/versions/v1/ready")
    assert (ready.status_code, ready.json()) == (200, {"name": "iris-classifier", "ready": True})

    virginica = {**FLOWER, "petal_length": 6.0, "petal_width": 2.2}
    request = {
        "id": "req-42",
        "inputs": [_tensor(n, [FLOWER[n], virginica[n]]) for n in FLOWER],
        "outputs": [{"name": "species"}, {"name": "probability"}],
    }
    for path in (
        "/v2/models/iris-classifier/infer",
        "/v2/models/iris-classifier/versions/v1/infer",
    ):
        answer = httpx.post(f"{url}{path}", json=request, headers=_auth(api_key))
        assert answer.status_code == 200, answer.text
        result = answer.json()
        assert (result["model_name"], result["model_version"], result["id"]) == (
            "iris-classifier", "v1", "req-42"
        )  # fmt: skip
        outputs = {o["name"]: o for o in result["outputs"]}
        assert set(outputs) == {"species", "probability"}
        species = outputs["species"]
        assert (species["datatype"], species["shape"]) == ("BYTES", [2])
        assert species["data"] == ["setosa", "virginica"]
        probability = outputs["probability"]
        assert (probability["datatype"], probability["shape"]) == ("FP64", [2])
        assert all(0.0 < p <= 1.0 for p in probability["data"])

    wrong_model = httpx.post(f"{url}/v2/models/other/infer", json=request, headers=_auth(api_key))
    assert wrong_model.status_code == 404
    assert "error" in wrong_model.json()
    refused = httpx.post(f"{url}/v2/models/iris-classifier/infer", json=request)
    assert refused.status_code == 401
    assert isinstance(refused.json()["error"], str)


def test_the_request_tritonclient_sends_is_answered(iris: Server, api_key: str) -> None:
    """Byte for byte what `tritonclient.http.InferenceServerClient.infer` sends for inputs set
    with `set_data_from_numpy(array, binary_data=False)` and outputs requested with
    `InferRequestedOutput(name, binary_data=False)`: shape `[N, 1]` with the data flattened,
    output `parameters`, and no Content-Type header (geventhttpclient adds none)."""
    request = {
        "id": "triton-1",
        "inputs": [
            {"name": n, "shape": [1, 1], "datatype": "FP64", "data": [v]} for n, v in FLOWER.items()
        ],
        "outputs": [
            {"name": "species", "parameters": {"binary_data": False}},
            {"name": "probability", "parameters": {"binary_data": False}},
        ],
    }
    body = json.dumps(request, separators=(",", ":")).encode()
    answer = httpx.post(
        f"{iris.url}/v2/models/iris-classifier/infer",
        content=body,
        headers={**_auth(api_key), "user-agent": "python/gevent-http-client-2.3"},
    )
    assert answer.status_code == 200, answer.text
    species = next(o for o in answer.json()["outputs"] if o["name"] == "species")
    assert species["data"] == ["setosa"]


def _samples(text: str) -> dict[str, float]:
    """The Prometheus text exposition's samples: `name{labels}` -> value."""
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


def test_metrics_count_exactly_the_requests_sent(iris: Server, api_key: str) -> None:
    first = httpx.get(f"{iris.url}/metrics")
    assert first.status_code == 200
    assert first.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    before = _samples(first.text)

    auth = _auth(api_key)
    for _ in range(5):  # fresh connections: the two workers share them
        assert httpx.post(f"{iris.url}/predict", json=[FLOWER] * 3, headers=auth).status_code == 200
    for _ in range(2):
        assert httpx.post(f"{iris.url}/predict", json={}, headers=auth).status_code == 422
    assert httpx.post(f"{iris.url}/predict", json=FLOWER).status_code == 401
    v2 = {"inputs": [_tensor(n, [v, v]) for n, v in FLOWER.items()]}
    for _ in range(2):
        infer = f"{iris.url}/v2/models/iris-classifier/infer"
        assert httpx.post(infer, json=v2, headers=auth).status_code == 200
    assert httpx.get(f"{iris.url}/v2/models/iris-classifier").status_code == 200
    assert httpx.get(f"{iris.url}/nowhere").status_code == 404
    for _ in range(3):
        assert httpx.get(f"{iris.url}/health/ready").status_code == 200
    assert httpx.get(f"{iris.url}/health/live").status_code == 200

    text = httpx.get(f"{iris.url}/metrics").text
    after = _samples(text)

    def delta(sample: str) -> float:
        return after.get(sample, 0.0) - before.get(sample, 0.0)

    requests = "jupyter_deploy_requests_total"
    assert delta(f'{requests}{{route="predict",status="200"}}') == 5
    assert delta(f'{requests}{{route="predict",status="422"}}') == 2
    assert delta(f'{requests}{{route="predict",status="401"}}') == 1
    assert delta(f'{requests}{{route="v2_infer",status="200"}}') == 2
    assert delta(f'{requests}{{route="v2_meta",status="200"}}') == 1
    assert delta(f'{requests}{{route="other",status="404"}}') == 1
    assert delta(f'{requests}{{route="health",status="200"}}') == 4
    # The first scrape is counted once answered; the second is not yet.
    assert delta(f'{requests}{{route="metrics",status="200"}}') == 1
    assert delta("jupyter_deploy_predictions_total") == 5 * 3 + 2 * 2

    seconds = "jupyter_deploy_request_seconds"
    assert delta(f'{seconds}_count{{route="predict"}}') == 8
    assert delta(f'{seconds}_bucket{{route="predict",le="+Inf"}}') == 8
    assert delta(f'{seconds}_count{{route="v2_infer"}}') == 2
    assert delta(f'{seconds}_sum{{route="predict"}}') > 0
    buckets = [v for k, v in after.items() if k.startswith(f'{seconds}_bucket{{route="predict"')]
    assert buckets == sorted(buckets)  # cumulative

    assert after["jupyter_deploy_requests_in_flight"] == 1  # this scrape
    info = ",".join(f'{k}="{VERSION[k]}"' for k in ("model", "version", "tag", "source_commit"))
    assert after[f"jupyter_deploy_model_info{{{info}}}"] == 1
    assert api_key not in text


def test_api_keys_are_checked_and_the_key_is_nowhere_in_docker(
    client: Any, iris: Server, iris_image: str, api_key: str
) -> None:
    url = f"{iris.url}/predict"
    wrong = new_key()[0]
    for headers, message in [
        ({}, "send an API key"),
        (_auth(wrong), "not accepted"),
        ({"authorization": f"Basic {api_key}"}, "send an API key"),
        ({"authorization": "Bearer"}, "send an API key"),
    ]:
        refused = httpx.post(url, json=FLOWER, headers=headers)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == 'Bearer realm="model"'
        assert message in refused.json()["error"]["message"]
        _clean(refused, api_key, wrong)
    accepted = httpx.post(url, json=FLOWER, headers=_auth(api_key))
    assert (accepted.status_code, accepted.json()["species"]) == (200, "setosa")
    # Health needs no key: orchestrators probe it.
    assert httpx.get(f"{iris.url}/health/ready").status_code == 200

    container = iris.container.id
    places = {
        "container inspect": json.dumps(client.api.inspect_container(container)),
        "docker inspect": _docker("inspect", container),
        "image inspect": json.dumps(client.api.inspect_image(iris_image)),
        "image history": json.dumps(client.images.get(iris_image).history()),
        "docker history": _docker("history", "--no-trunc", iris_image),
        "container logs": iris.logs(),
        "docker top": _docker("top", container, "-eo", "pid,args"),
    }
    assert KEYS_IN_CONTAINER in places["container inspect"]  # what it does show: the file
    # ... read by the image's unprivileged user, not by root.
    assert client.api.inspect_container(container)["Config"]["User"] == "model"
    for place, text in places.items():
        assert api_key not in text, place
        assert wrong not in text, place


def _docker(*args: str) -> str:
    return subprocess.run(
        ["docker", *args], capture_output=True, text=True, check=True, timeout=60
    ).stdout


def test_a_keys_file_holding_a_key_stops_the_server_without_showing_it(
    client: Any, iris_image: str, tmp_path: Path
) -> None:
    pasted = new_key()[0]
    volume = _keys_volume(tmp_path, f"{pasted}\n")
    container = start_container(
        client, iris_image, "--api-keys-file", KEYS_IN_CONTAINER, volumes=volume
    )
    try:
        assert container.wait(timeout=60)["StatusCode"] == 2
        logs = bytes(container.logs()).decode()
        assert f"{KEYS_IN_CONTAINER}, line 1: not a sha256 digest" in logs
        assert pasted not in logs
    finally:
        container.remove(force=True)


@pytest.mark.parametrize("workers", [1, 2])
def test_docker_stop_lets_the_requests_in_flight_finish(
    client: Any, faulty_image: str, workers: int
) -> None:
    """SIGTERM to PID 1: uvicorn itself with one worker, its supervisor with two."""
    slow = {**FLOWER, "sepal_length": 99.0}
    with serve(client, faulty_image, "--open", "--workers", str(workers)) as server:
        answers: dict[int, httpx.Response] = {}
        answered_at: dict[int, float] = {}

        def ask(number: int) -> None:
            answers[number] = httpx.post(f"{server.url}/predict", json=slow, timeout=30)
            answered_at[number] = time.monotonic()

        threads = [threading.Thread(target=ask, args=(n,)) for n in range(workers)]
        # One slow request per worker, one at a time: a worker busy in predict takes no new
        # connection, so each request lands on an idle worker and all are in predict at once.
        for count, thread in enumerate(threads, start=1):
            thread.start()
            _wait_for_log(server, SLOW_MARK, count)
        stopping = time.monotonic()
        server.container.stop(timeout=30)
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(answers) == list(range(workers)), "a request in flight got no answer"
        assert [a.status_code for a in answers.values()] == [200] * workers
        assert min(answered_at.values()) > stopping  # all were still being answered
        species = {"setosa", "versicolor", "virginica"}
        assert all(a.json()["species"] in species for a in answers.values())
        state = client.api.inspect_container(server.container.id)["State"]
        # Exit code 0, not 137: the server ended on its own, the engine did not have to kill it.
        assert (state["ExitCode"], state["OOMKilled"]) == (0, False), server.logs()
        messages = [e["message"] for e in server.log_entries()]
        assert "Shutting down" in messages
        finished = [m for m in messages if m.startswith("Finished server process")]
        assert len(finished) == workers
