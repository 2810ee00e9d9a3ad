"""The model server as a real process (uvicorn, two workers), shared by the runtime tests."""

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from service_fixtures import EXAMPLES, train_iris_model

from jupyter_deploy.builds.export import export_service
from jupyter_deploy.runtime.keys import digest
from jupyter_deploy.schema import infer_schema

KEY = "test-key-0123456789"
AUTH = {"authorization": f"Bearer {KEY}"}
FLOWER = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def runtime(*args: str) -> list[str]:
    return [sys.executable, "-m", "jupyter_deploy.runtime", *args]


def start(folder: Path, log: Path, *access: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    with log.open("w") as out:
        proc = subprocess.Popen(
            runtime(str(folder), "--port", str(port), "--workers", "2", *access),
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, log.read_text()
        try:
            if httpx.get(f"{base}/health/ready", timeout=2).status_code == 200:
                return proc, base
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the server never became ready"
        time.sleep(0.1)  # polling the ready endpoint, not waiting blind


def serve(folder: Path, log: Path, *access: str) -> Iterator[str]:
    proc, base = start(folder, log, *access)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def serve_iris(folder: Path, forest: bool = False) -> Iterator[str]:
    """The example notebook's exported service (behind the test's API key), as `v7`."""
    notebook = json.loads((EXAMPLES / "train.ipynb").read_text())
    (folder / "service.py").write_text(export_service(notebook, "train.ipynb"))
    version = {"model": "iris-classifier", "version": "v7", "schema": infer_schema(notebook)}
    (folder / "deploy-version.json").write_text(json.dumps(version))
    train_iris_model(folder, forest)
    keys = folder.parent / f"{folder.name}.keys"
    keys.write_text(f"# the test's key\n{digest(KEY)}\n")
    yield from serve(folder, folder.parent / f"{folder.name}.log", "--api-keys-file", str(keys))


def metric(text: str, name: str) -> float:
    line = next((ln for ln in text.splitlines() if ln.startswith(name + " ")), None)
    return float(line.rsplit(" ", 1)[1]) if line else 0.0
