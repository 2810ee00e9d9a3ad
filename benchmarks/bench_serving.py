"""Requests per second and p99 latency of the model server against bare ASGI apps, in one run.

Issue 5's set-up: a logistic regression over 20 features, single-row JSON requests, wrk at
concurrency 16 and 64, two worker processes for every contender:
- bare-constant: a bare ASGI app answering a constant (the HTTP stack's ceiling);
- bare-predict: a bare ASGI app parsing the body and calling `predict` (no validation, no auth,
  no metrics): the ceiling for a server that runs the model;
- jupyter_deploy: `python -m jupyter_deploy.runtime`, validating against the schema, checking
  the API key, counting metrics.
MLflow's and BentoML's servers are the issue's named peers; they are not measured here yet.

    python benchmarks/bench_serving.py [--seconds 10] [--json out.json]
"""

import argparse
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from nbformat.v4 import new_code_cell, new_notebook

from jupyter_deploy.builds.export import export_service
from jupyter_deploy.runtime.keys import digest
from jupyter_deploy.schema import infer_schema

FEATURES = [f"f{i}" for i in range(20)]
SERVE_CELLS = [
    "import os\nfrom pathlib import Path\nfrom typing import TypedDict\n\nimport joblib\n"
    "import numpy as np",
    "class Row(TypedDict):\n" + "".join(f"    {f}: float\n" for f in FEATURES),
    "_model = None\n\n"
    "def load() -> None:\n"
    "    global _model\n"
    "    folder = Path(os.environ.get('JUPYTER_DEPLOY_MODEL_DIR', '.'))\n"
    "    _model = joblib.load(folder / 'model.joblib')\n"
    "\n"
    "class Answer(TypedDict):\n    label: int\n    probability: float\n\n"
    "def predict(rows: list[Row]) -> list[Answer]:\n"
    f"    X = np.array([[r[f] for f in {FEATURES!r}] for r in rows])\n"
    "    p = _model.predict_proba(X)\n"
    "    return [{'label': int(i), 'probability': float(q[i])} for q, i in zip(p, p.argmax(1))]",
]  # fmt: skip
TRAIN = (
    "import joblib, sys\n"
    "from sklearn.datasets import make_classification\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "X, y = make_classification(n_samples=2000, n_features=20, random_state=0)\n"
    "joblib.dump(LogisticRegression(max_iter=1000).fit(X, y), sys.argv[1])\n"
)
BARE_CONSTANT = """
BODY = b'[{"label": 1, "probability": 0.9}]'
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": BODY})
"""
BARE_PREDICT = """
import orjson, service
service.load()
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body, more = b"", True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    answer = orjson.dumps(service.predict(orjson.loads(body)))
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": answer})
"""
KEY = "bench-key"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(
                f"server exited early ({proc.returncode}); see its log in the work folder"
            )
        try:
            answer = httpx.get(url, timeout=2)
            if url.endswith("/health/ready") and answer.status_code != 200:
                raise httpx.TransportError("not ready yet")
            return  # a bare app answers anything once it listens
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{url} never answered")


def wrk(
    url: str, body: str, headers: dict[str, str], connections: int, seconds: int
) -> dict[str, float]:
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    lines = ['wrk.method = "POST"', f"wrk.body = {json.dumps(body)}"]
    lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    script.write_text("\n".join(lines) + "\n")
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    script.unlink()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    assert p99 is not None, out
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p99_ms": float(p99.group(1)) * scale,
        "errors": int(errors.group(1)) if errors else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (apt-get install wrk)")

    work = Path(tempfile.mkdtemp(prefix="jd-bench-serving-"))
    notebook = dict(
        new_notebook(cells=[new_code_cell(c, metadata={"tags": ["serve"]}) for c in SERVE_CELLS])
    )
    (work / "service.py").write_text(export_service(notebook, "bench.ipynb"))
    version = {"model": "bench-lr", "version": "v1", "schema": infer_schema(notebook)}
    (work / "deploy-version.json").write_text(json.dumps(version))
    subprocess.run([sys.executable, "-c", TRAIN, str(work / "model.joblib")], check=True)
    (work / "keys").write_text(digest(KEY) + "\n")
    (work / "bare_constant.py").write_text(BARE_CONSTANT)
    (work / "bare_predict.py").write_text(BARE_PREDICT)
    row = {f: round(0.1 * i, 3) for i, f in enumerate(FEATURES)}
    body = json.dumps([row])
    uvicorn = [sys.executable, "-m", "uvicorn", "--workers", "2", "--loop", "uvloop",
               "--http", "httptools", "--no-access-log", "--log-level", "warning"]  # fmt: skip
    contenders: list[tuple[str, list[str], dict[str, str]]] = [
        ("bare-constant", [*uvicorn, "bare_constant:app"], {}),
        ("bare-predict", [*uvicorn, "bare_predict:app"], {}),
        ("jupyter_deploy", [sys.executable, "-m", "jupyter_deploy.runtime", str(work),
                            "--workers", "2", "--api-keys-file", str(work / "keys")],
         {"Authorization": f"Bearer {KEY}"}),
    ]  # fmt: skip
    results: dict[str, dict[int, dict[str, float]]] = {}
    for name, command, auth in contenders:
        port = free_port()
        argv = [*command, "--port", str(port)]
        env = {"PATH": "/usr/bin:/bin", "JUPYTER_DEPLOY_MODEL_DIR": str(work)}
        proc = subprocess.Popen(
            argv,
            cwd=work,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(work / f"{name}.log").open("w"),
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(f"{base}/health/ready" if name == "jupyter_deploy" else base, proc)
            url = f"{base}/predict"
            headers = {"Content-Type": "application/json", **auth}
            answer = httpx.post(url, content=body, headers=headers)
            assert answer.status_code == 200, answer.text
            wrk(url, body, headers, 16, 2)  # warm-up
            results[name] = {}
            for connections in (16, 64):
                got = wrk(url, body, headers, connections, args.seconds)
                results[name][connections] = got
                log(f"{name} c={connections}: {got['rps']:.0f} req/s, p99 {got['p99_ms']:.1f} ms,"
                    f" {got['errors']:.0f} non-2xx")  # fmt: skip
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    shutil.rmtree(work, ignore_errors=True)

    print("# Single-row predict, logistic regression over 20 features, 2 workers each, wrk")
    for connections in (16, 64):
        ceiling = results["bare-predict"][connections]["rps"]
        print(f"\nconcurrency {connections}")
        for name in results:
            r = results[name][connections]
            print(f"{name:<16} {r['rps']:>9.0f} req/s  p99 {r['p99_ms']:>7.1f} ms"
                  f"  {r['rps'] / ceiling:>5.2f}x bare-predict")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
