"""Gateway overhead: throughput through the deployment gateway against straight to the replica.

Issue 6's set-up: one replica (`python -m jupyter_deploy.runtime`, two workers, the logistic
regression of bench_serving.py, served without API keys) and a Gateway with that one upstream;
wrk at concurrency 16 and 64, single-row JSON requests, direct and through the gateway in turn
in the same run. Goal: the gateway keeps ≥ 70 % of the direct throughput.

The gateway is two nginx hops (edge, then router: see deployments/gateway.py for why). The
third contender, `router`, sends wrk straight to the router's internal port: one nginx hop,
what a gateway of one nginx would cost. The CPU time the gateway's nginx workers spend per
request is printed too: on a machine where the replica, the gateway and wrk share the cores,
that is what the throughput pays.

    python benchmarks/bench_gateway.py [--seconds 10] [--json out.json]
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from bench_serving import FEATURES, SERVE_CELLS, TRAIN, free_port, log, wait_ready, wrk
from nbformat.v4 import new_code_cell, new_notebook

from jupyter_deploy.builds.export import export_service
from jupyter_deploy.deployments.gateway import Gateway
from jupyter_deploy.deployments.nginx_config import Upstream, read_listen
from jupyter_deploy.schema import infer_schema

GOAL = 0.70


def service_folder(work: Path) -> None:
    """The service folder bench_serving.py serves: exported serve cells, schema, model file."""
    notebook = dict(
        new_notebook(cells=[new_code_cell(c, metadata={"tags": ["serve"]}) for c in SERVE_CELLS])
    )
    (work / "service.py").write_text(export_service(notebook, "bench.ipynb"))
    version = {"model": "bench-lr", "version": "v1", "schema": infer_schema(notebook)}
    (work / "deploy-version.json").write_text(json.dumps(version))
    subprocess.run([sys.executable, "-c", TRAIN, str(work / "model.joblib"), "lr"], check=True)


def nginx_cpu_s(gateway: Gateway) -> float:
    """CPU seconds used so far by the gateway's nginx workers (the masters only supervise)."""
    total = 0.0
    for name in ("edge", "router"):
        master = psutil.Process(int((gateway.folder / f"{name}.pid").read_text()))
        for worker in master.children():
            times = worker.cpu_times()
            total += times.user + times.system
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (apt-get install wrk)")

    work = Path(tempfile.mkdtemp(prefix="jd-bench-gateway-"))
    service_folder(work)
    body = json.dumps([{f: round(0.1 * i, 3) for i, f in enumerate(FEATURES)}])
    headers = {"Content-Type": "application/json"}
    port = free_port()
    replica = subprocess.Popen(
        [sys.executable, "-m", "jupyter_deploy.runtime", str(work), "--workers", "2", "--open",
         "--port", str(port)],
        cwd=work, stdout=subprocess.DEVNULL, stderr=(work / "replica.log").open("w"),
    )  # fmt: skip
    gateway = Gateway(work / "gateway", free_port())
    results: dict[str, dict[int, dict[str, float]]] = {"direct": {}, "gateway": {}, "router": {}}
    try:
        wait_ready(f"http://127.0.0.1:{port}/health/ready", replica, True)
        gateway.start([Upstream(f"127.0.0.1:{port}", "bench")])
        router = read_listen((gateway.folder / "router.conf").read_text())
        assert router is not None
        urls = {
            "direct": f"http://127.0.0.1:{port}/predict",
            "gateway": f"{gateway.url}/predict",
            "router": f"http://127.0.0.1:{router[1]}/predict",
        }
        for url in urls.values():
            wrk(url, body, headers, 16, 2)  # warm-up: every path, connections and caches
        for connections in (16, 64):
            # The contenders back to back at each concurrency, so drift between the
            # measurements (other load, CPU frequency) stays small.
            for name, url in urls.items():
                cpu, began = nginx_cpu_s(gateway), time.monotonic()
                got = wrk(url, body, headers, connections, args.seconds)
                requests = got["rps"] * (time.monotonic() - began)
                got["nginx_us"] = (nginx_cpu_s(gateway) - cpu) / requests * 1e6
                results[name][connections] = got
                log(f"{name} c={connections}: {got['rps']:.0f} req/s, p99 {got['p99_ms']:.1f} ms,"
                    f" {got['errors']:.0f} non-2xx")  # fmt: skip
    finally:
        gateway.stop()
        replica.terminate()
        replica.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)

    cores = psutil.cpu_count()
    print(
        f"# Gateway overhead: logistic regression, one replica with 2 workers, wrk, {cores} cores"
    )
    for connections in (16, 64):
        direct = results["direct"][connections]["rps"]
        print(f"\nconcurrency {connections}")
        for name, points in results.items():
            point = points[connections]
            print(f"{name:<8} {point['rps']:>8.0f} req/s  p99 {point['p99_ms']:>6.1f} ms"
                  f"  non-2xx {point['errors']:.0f}  {point['rps'] / direct:>5.2f}x direct"
                  f"  nginx CPU {point['nginx_us']:>5.1f} us/request")  # fmt: skip
        ratio = results["gateway"][connections]["rps"] / direct
        verdict = "PASS" if ratio >= GOAL else "FAIL"
        print(f"gateway/direct {ratio:.2f} (goal ≥ {GOAL:.2f}: {verdict})")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
