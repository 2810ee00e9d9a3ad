"""Requests per second and p99 latency of the model server against bare ASGI apps, in one run.

Issue 5's set-up: a logistic regression over 20 features, single-row JSON requests, wrk at
concurrency 16 and 64, two worker processes for every contender:
- bare-constant: a bare ASGI app answering a constant (the HTTP stack's ceiling);
- bare-predict: a bare ASGI app parsing the body and calling `predict` (no validation, no auth,
  no metrics): the ceiling for a server that runs the model;
- jupyter_deploy: `python -m jupyter_deploy.runtime`, validating against the schema, checking
  the API key, counting metrics.
- mlflow: `mlflow models serve --env-manager local -w 2` on the same model (MLflow's sklearn
  flavour), POST /invocations with `dataframe_records`;
- bentoml: `bentoml serve` of a two-worker service calling the same model.
The peers are installed by this script, each in its own virtual environment (kept in
~/.cache/jupyter-deploy-bench or $JD_BENCH_CACHE, made once).

    python benchmarks/bench_serving.py [--seconds 10] [--no-peers] [--json out.json]

`--model forest` serves a 100-tree random forest instead (≈ 9 ms a call, nearly as long for one
row as for 32) and adds `jupyter_deploy+batch`: the same server with adaptive micro-batching
(`--max-batch 32`), to measure what batching gains for a vectorised model.
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
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
    "from sklearn.ensemble import RandomForestClassifier\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "X, y = make_classification(n_samples=2000, n_features=20, random_state=0)\n"
    "model = {'lr': LogisticRegression(max_iter=1000),\n"
    "         'forest': RandomForestClassifier(n_estimators=100, random_state=0)}[sys.argv[2]]\n"
    "joblib.dump(model.fit(X, y), sys.argv[1])\n"
)
MODELS = {"lr": "logistic regression over 20 features", "forest": "100-tree random forest"}
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
MLFLOW = ["mlflow==3.17.2"]  # the newest whose dependencies the package index here has
BENTOML = ["bentoml==1.4.39"]  # 1.4.40 needs a certifi newer than the package index here has
CACHE = Path(os.environ.get("JD_BENCH_CACHE") or Path.home() / ".cache" / "jupyter-deploy-bench")
BENTO_SERVICE = f"""
import os
import bentoml
import joblib
import numpy as np

FEATURES = {FEATURES!r}


@bentoml.service(workers=2)
class Model:
    def __init__(self) -> None:
        self.model = joblib.load(os.environ["BENCH_MODEL"])

    @bentoml.api
    def predict(self, rows: list[dict[str, float]]) -> list[dict[str, float]]:
        X = np.array([[r[f] for f in FEATURES] for r in rows])
        p = self.model.predict_proba(X)
        return [{{"label": int(i), "probability": float(q[i])}} for q, i in zip(p, p.argmax(1))]
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes], strict: bool) -> None:
    """Until `url` answers 200 (`strict`), or anything at all (a bare app, once it listens)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(
                f"server exited early ({proc.returncode}); see its log in the work folder"
            )
        try:
            answer = httpx.get(url, timeout=2)
            if not strict or answer.status_code == 200:
                return
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


@dataclass
class Contender:
    name: str
    argv: list[str]  # without the port
    port_flag: str
    ready: str  # path answering 200 once the model is loaded ("" = any answer once listening)
    route: str
    body: str
    headers: dict[str, str] = field(default_factory=dict)


def peer_python(name: str, packages: list[str]) -> Path:
    """A virtual environment of its own per peer, made once and kept in the cache folder, with
    this environment's scikit-learn, joblib and numpy so the model file loads the same."""
    import joblib
    import numpy
    import sklearn

    same = [
        f"scikit-learn=={sklearn.__version__}",
        f"joblib=={joblib.__version__}",
        f"numpy=={numpy.__version__}",
    ]
    venv = CACHE / name
    python = venv / "bin" / "python"
    stamp = venv / "installed.txt"
    wanted = "\n".join([*packages, *same])
    if not stamp.is_file() or stamp.read_text() != wanted:
        log(f"installing {' '.join(packages)} into {venv} (once) …")
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *packages, *same], check=True)
        stamp.write_text(wanted)
    return python


def peers(work: Path, row: dict[str, float]) -> list[Contender]:
    json_type = {"Content-Type": "application/json"}
    mlflow = peer_python("mlflow", MLFLOW)
    save = (
        "import joblib, sys, mlflow.sklearn\n"
        # MLflow's skops format refuses tree nodes unless told they are trusted (ours are).
        "mlflow.sklearn.save_model(joblib.load(sys.argv[1]), sys.argv[2],"
        " skops_trusted_types=['sklearn.tree._tree.Tree'])"
    )
    model = work / "mlflow-model"
    subprocess.run([str(mlflow), "-c", save, str(work / "model.joblib"), str(model)], check=True)
    bentoml = peer_python("bentoml", BENTOML)
    (work / "bento_service.py").write_text(BENTO_SERVICE)
    return [
        Contender(
            "mlflow",
            [str(mlflow.parent / "mlflow"), "models", "serve", "-m", str(model),
             "--env-manager", "local", "-w", "2", "-h", "127.0.0.1"],
            "-p", "/ping", "/invocations", json.dumps({"dataframe_records": [row]}), json_type,
        ),
        Contender(
            "bentoml",
            [str(bentoml.parent / "bentoml"), "serve", "bento_service:Model", "--host",
             "127.0.0.1"],
            "--port", "/readyz", "/predict", json.dumps({"rows": [row]}), json_type,
        ),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--no-peers", action="store_true", help="skip MLflow and BentoML")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--model", choices=sorted(MODELS), default="lr")
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
    subprocess.run(
        [sys.executable, "-c", TRAIN, str(work / "model.joblib"), args.model], check=True
    )
    (work / "keys").write_text(digest(KEY) + "\n")
    (work / "bare_constant.py").write_text(BARE_CONSTANT)
    (work / "bare_predict.py").write_text(BARE_PREDICT)
    row = {f: round(0.1 * i, 3) for i, f in enumerate(FEATURES)}
    rows = json.dumps([row])
    json_type = {"Content-Type": "application/json"}
    uvicorn = [sys.executable, "-m", "uvicorn", "--workers", "2", "--loop", "uvloop",
               "--http", "httptools", "--no-access-log", "--log-level", "warning"]  # fmt: skip
    contenders = [
        Contender("bare-constant", [*uvicorn, "bare_constant:app"], "--port", "", "/predict",
                  rows, json_type),
        Contender("bare-predict", [*uvicorn, "bare_predict:app"], "--port", "", "/predict",
                  rows, json_type),
        Contender("jupyter_deploy",
                  [sys.executable, "-m", "jupyter_deploy.runtime", str(work), "--workers", "2",
                   "--api-keys-file", str(work / "keys")],
                  "--port", "/health/ready", "/predict", rows,
                  {**json_type, "Authorization": f"Bearer {KEY}"}),
    ]  # fmt: skip
    if args.model == "forest":
        batched = [*contenders[-1].argv, "--max-batch", "32"]
        contenders.append(
            Contender("jupyter_deploy+batch", batched, "--port", "/health/ready", "/predict", rows,
                      {**json_type, "Authorization": f"Bearer {KEY}"})
        )  # fmt: skip
    if not args.no_peers:
        contenders += peers(work, row)
    results: dict[str, dict[int, dict[str, float]]] = {}
    for c in contenders:
        port = free_port()
        # Each contender's own environment first: MLflow starts its server by name.
        path = f"{Path(c.argv[0]).parent}:/usr/bin:/bin"
        env = {"PATH": path, "HOME": str(work), "JUPYTER_DEPLOY_MODEL_DIR": str(work),
               "BENCH_MODEL": str(work / "model.joblib")}  # fmt: skip
        proc = subprocess.Popen(
            [*c.argv, c.port_flag, str(port)],
            cwd=work,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(work / f"{c.name}.log").open("w"),
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(base + c.ready, proc, bool(c.ready))
            url = base + c.route
            answer = httpx.post(url, content=c.body, headers=c.headers)
            assert answer.status_code == 200, f"{c.name}: {answer.status_code} {answer.text}"
            wrk(url, c.body, c.headers, 16, 2)  # warm-up
            results[c.name] = {}
            for connections in (16, 64):
                got = wrk(url, c.body, c.headers, connections, args.seconds)
                results[c.name][connections] = got
                log(f"{c.name} c={connections}: {got['rps']:.0f} req/s, p99 {got['p99_ms']:.1f} ms,"
                    f" {got['errors']:.0f} non-2xx")  # fmt: skip
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    shutil.rmtree(work, ignore_errors=True)

    print(f"# Single-row predict, {MODELS[args.model]}, 2 workers each, wrk")
    for connections in (16, 64):
        ours = results["jupyter_deploy"][connections]["rps"]
        ceiling = results["bare-predict"][connections]["rps"]
        print(f"\nconcurrency {connections}")
        for name, r in results.items():
            got = r[connections]
            print(f"{name:<20} {got['rps']:>9.0f} req/s  p99 {got['p99_ms']:>7.1f} ms"
                  f"  {got['rps'] / ceiling:>5.2f}x bare-predict"
                  f"  (jupyter_deploy: {ours / got['rps']:.2f}x this)")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
