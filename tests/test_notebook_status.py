"""`jupyter_deploy.status` and `jupyter_deploy.call` in a notebook: the rendering of a deployment
(the contract's Deployment shape, metrics from a real model server) and predictions asked of a
real model server with an API key, its refusals raised as CallFailed naming the problem."""

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from conftest import copy_example
from test_runtime_server import (  # the model server fixture and its helpers, reused
    FLOWER,
    KEY,
    _free_port,
    iris,  # noqa: F401
)

import jupyter_deploy
from jupyter_deploy import notebook
from jupyter_deploy.errors import NotFound
from jupyter_deploy.notebook import CallFailed, DeploymentStatus, call_endpoint, measure
from jupyter_deploy.notebook.report import _timestamp

AUTH = {"authorization": f"Bearer {KEY}"}


def deployment(endpoint: str, address: str, **extra: Any) -> dict[str, Any]:
    """A Deployment as the REST API and the service give it (docs/contract.md)."""
    return {
        "name": "iris-classifier",
        "project": "/tmp/iris",
        "model": "iris-classifier",
        "target": "docker",
        "status": "running",
        "version": "iris-classifier@v7",
        "previous_version": "iris-classifier@v6",
        "endpoint": endpoint,
        "port": 8123,
        "replica_count": 1,
        "replicas": [
            {
                "id": "0123456789ab",
                "version": "iris-classifier@v7",
                "address": address,
                "state": "ready",
                "started_at": "2024-05-01T10:00:00.123456789Z",  # docker's nanoseconds
                "restarts": 2,
            }
        ],
        "gateway": {"running": True},
        "live_since": "2024-05-01T10:00:05.000+00:00",
        "settings": {"max_batch": 1, "workers": 2},
        "api_key_file": None,
        "created_at": "2024-05-01T09:00:00.000+00:00",
        "created_by": "alice",
        "updated_at": "2024-05-01T10:00:05.000+00:00",
        "operation": None,
        "events": [
            {
                "id": n,
                "deployment": "iris-classifier",
                "at": f"2024-05-01T10:0{n}:00.000+00:00",
                "by": "alice",
                "action": "update",
                "version": f"iris-classifier@v{n}",
                "outcome": "failed" if n == 3 else "succeeded",
                "detail": {},
            }
            for n in range(1, 8)
        ][::-1],
        **extra,
    }


def test_status_with_traffic_in_the_window(iris: str) -> None:  # noqa: F811
    address = iris.removeprefix("http://")
    stop = threading.Event()

    def traffic() -> None:
        with httpx.Client() as client:
            while not stop.is_set():
                client.post(f"{iris}/predict", json=FLOWER, headers=AUTH)
                client.post(f"{iris}/predict", json={"sepal_length": "x"}, headers=AUTH)

    sender = threading.Thread(target=traffic)
    sender.start()
    try:
        found = measure(deployment(iris, address), seconds=0.5)
    finally:
        stop.set()
        sender.join()
    assert found.label == "last 0.5 s"
    assert found.window is not None
    assert found.metrics is not None
    assert found.window["request_rate"] > 0
    assert found.window["error_rate"] == 0  # 422s are rejected, not errors
    assert found.window["p50"] is not None
    assert found.metrics["rejected"] > 0
    shown = DeploymentStatus(deployment(iris, address), found.metrics, found.window, found.label)
    page = shown._repr_html_()
    assert "Traffic" in page
    assert "last 0.5 s" in page
    assert "/s</div>" in page  # the request rate
    assert "p99" in page


def test_status_without_traffic_counts_since_start(iris: str) -> None:  # noqa: F811
    address = iris.removeprefix("http://")
    for _ in range(3):
        assert httpx.post(f"{iris}/predict", json=FLOWER, headers=AUTH).status_code == 200
    now = time.time()
    since = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(now - 100))
    found = measure(deployment(iris, address, live_since=since), seconds=0.2)
    assert found.label == "since start"
    assert found.window is not None
    assert found.metrics is not None
    assert found.metrics["requests"] >= 3
    assert found.window["seconds"] == pytest.approx(100, abs=2)
    assert found.window["request_rate"] == pytest.approx(found.metrics["requests"] / 100, 0.05)
    assert found.window["p50"] is not None
    text = repr(DeploymentStatus(deployment(iris, address), found.metrics, None, found.label))
    assert "since start" in text


def test_no_replica_answers() -> None:
    silent = f"127.0.0.1:{_free_port()}"
    found = measure(deployment(f"http://{silent}", silent), seconds=0)
    assert (found.label, found.window, found.metrics) == ("no replica answered", None, None)
    assert measure({"name": "x", "replicas": []}).label == "no replicas"


def test_rendering_shows_the_deployment_and_escapes_every_value() -> None:
    data = deployment("http://127.0.0.1:8123", "127.0.0.1:1")
    data["events"][0]["by"] = "<script>alert('x')</script>"
    data["replicas"][0]["state"] = '"><img src=x onerror=alert(1)>'
    metrics = {"requests": 1234, "errors": 2, "rejected": 5, "predictions": 2000, "in_flight": 1}
    stats = {"seconds": 1.0, "request_rate": 12.5, "error_rate": 0.02, "p50": 0.0032, "p99": 0.25}
    started = _timestamp(data["live_since"])
    assert started is not None
    shown = DeploymentStatus(data, metrics, stats, "last 1 s", now=started + 2 * 3600 + 300)
    page = shown._repr_html_()
    assert "<script>" not in page
    assert "<img" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    for text in (
        "iris-classifier",
        "running",
        "http://127.0.0.1:8123",
        "iris-classifier@v7 (previous iris-classifier@v6)",
        "docker",
        "2 h 5 min",  # uptime from live_since
        "12.5/s",
        "2 %",
        "3.2 ms",
        "250 ms",
        "1,234 requests, 2 errors, 5 rejected",
        "0123456789ab",
        "var(--jp-ui-font-color1",
    ):
        assert text in page, text
    # The 5 newest events, newest first.
    assert page.index("iris-classifier@v7</td>") < page.index("iris-classifier@v3</td>")
    assert "iris-classifier@v2</td>" not in page
    assert page.count("succeeded") == 4
    assert page.count(">failed<") == 1
    text = repr(shown)
    assert "iris-classifier  running" in text
    assert "Traffic (last 1 s): requests 12.5/s · errors 2 % · p50 3.2 ms · p99 250 ms" in text
    assert "restarts 2" in text
    assert shown.data is data


def test_rendering_tolerates_a_sparse_deployment() -> None:
    for data in ({}, {"name": "x", "status": "stopped", "replicas": None, "events": None}):
        shown = DeploymentStatus(data)
        assert "<div" in shown._repr_html_()
        assert "no metrics" in repr(shown)
    # Uptime falls back to the newest replica's start when there is no live_since.
    data = deployment("http://127.0.0.1:8123", "127.0.0.1:1", live_since=None)
    newest = _timestamp(data["replicas"][0]["started_at"])
    assert newest is not None
    assert "Uptime: 1 min 0 s" in repr(DeploymentStatus(data, now=newest + 60))


def test_timestamps() -> None:
    assert _timestamp("1970-01-01T00:00:10Z") == 10
    assert _timestamp("1970-01-01T00:00:10.5+00:00") == 10.5
    assert _timestamp("1970-01-01T00:00:10.123456789Z") == pytest.approx(10.123456)
    assert _timestamp("1970-01-01T00:00:10") == 10  # naive: UTC
    assert _timestamp(12) == 12.0
    assert _timestamp("yesterday") is None
    assert _timestamp(None) is None


class Frame:
    """What `call` uses of a pandas DataFrame (pandas is not a dependency here)."""

    columns: ClassVar[list[str]] = list(FLOWER)

    def __init__(self, rows: list[dict[str, float]]) -> None:
        self.rows = rows

    def to_dict(self, orient: str) -> list[dict[str, float]]:
        assert orient == "records"
        return self.rows


def test_call_endpoint_with_a_key(iris: str) -> None:  # noqa: F811
    assert call_endpoint(iris, KEY, FLOWER)["species"] == "setosa"
    many = call_endpoint(iris + "/", KEY, [FLOWER, {**FLOWER, "petal_length": 6.0}])
    assert many[0]["species"] == "setosa"
    assert len(many) == 2
    assert len(call_endpoint(iris, KEY, Frame([FLOWER, FLOWER, FLOWER]))) == 3


def test_call_endpoint_refusals_name_the_problem(iris: str) -> None:  # noqa: F811
    with pytest.raises(CallFailed) as refused:
        call_endpoint(iris, KEY, [{**FLOWER, "sepal_width": "wide"}, {"petal_width": 1.0}])
    failure = refused.value
    assert failure.status == 422
    assert failure.code == "invalid_request"
    text = str(failure)
    assert "the request does not match the API (422 invalid_request)" in text
    assert "[0].sepal_width:" in text
    assert "[1].sepal_length:" in text
    assert "Traceback" not in text
    assert failure.__cause__ is None
    with pytest.raises(CallFailed, match=r"no API key was found") as unkeyed:
        call_endpoint(iris, None, FLOWER)
    assert unkeyed.value.status == 401
    with pytest.raises(CallFailed, match="this API key is not accepted"):
        call_endpoint(iris, "wrong", FLOWER)
    silent = f"http://127.0.0.1:{_free_port()}"
    with pytest.raises(CallFailed, match=f"no answer from {silent}") as down:
        call_endpoint(silent, KEY, FLOWER, timeout=2)
    assert down.value.status is None
    with pytest.raises(TypeError, match="records must be JSON data"):
        call_endpoint(iris, KEY, {"when": object()})


def test_call_and_status_find_the_deployment(
    iris: str,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key_file = tmp_path / "iris-classifier.key"
    key_file.write_text(KEY + "\n")
    data = deployment(iris, iris.removeprefix("http://"), api_key_file=str(key_file))
    asked: list[tuple[Any, Any]] = []

    def lookup(name: str | None, project: Any) -> dict[str, Any]:
        asked.append((name, project))
        return data

    monkeypatch.setattr(notebook, "_lookup", lookup)
    answer = jupyter_deploy.call("iris-classifier", [FLOWER], project=tmp_path)
    assert answer[0]["species"] == "setosa"
    assert asked == [("iris-classifier", tmp_path)]
    with pytest.raises(TypeError, match="give a record"):
        jupyter_deploy.call("iris-classifier")
    shown = jupyter_deploy.status()
    assert shown.data is data
    assert shown.window is not None
    assert shown.window_label in ("last 1 s", "since start")
    stopped = {**data, "status": "stopped", "endpoint": None}
    monkeypatch.setattr(notebook, "_lookup", lambda name, project: stopped)
    assert jupyter_deploy.status().window_label == "not running (stopped)"
    with pytest.raises(CallFailed, match=r"iris-classifier has no endpoint \(stopped\)"):
        jupyter_deploy.call(records=FLOWER)


def test_the_project_is_the_nearest_one_upwards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_example(tmp_path / "iris")
    (project / "notebooks" / "deep").mkdir(parents=True)
    monkeypatch.chdir(project / "notebooks" / "deep")
    assert notebook._project_dir(None) == project.resolve()
    assert notebook._project_dir(str(project)) == project.resolve()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(NotFound, match=r"no jupyter-deploy\.yaml in .* or above"):
        notebook._project_dir(None)


def test_importing_the_package_stays_cheap() -> None:
    probe = (
        "import sys, jupyter_deploy\n"
        "assert 'jupyter_deploy.notebook' not in sys.modules\n"
        "assert callable(jupyter_deploy.status) and callable(jupyter_deploy.call)\n"
        "assert 'jupyter_deploy.notebook' in sys.modules\n"
        "assert 'docker' not in sys.modules and 'sqlalchemy' not in sys.modules\n"
        "try:\n"
        "    jupyter_deploy.nothing\n"
        "except AttributeError as exc:\n"
        "    assert 'nothing' in str(exc)\n"
        "else:\n"
        "    raise SystemExit('no AttributeError')\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True)
