"""Benchmark: building a version's image (issue 5, "Build times"), against raw Docker in one run.

In one run, with the same base image, wheels and model:

* ``raw cold``        ``docker build --no-cache`` of a venv with the example's wheels installed
                      offline from the local base (what the issue measured as ≈ 21 s);
* ``jd cold``         ``jupyter deploy build`` of v1 on a fresh base image (no layer cached) and an
                      empty wheel cache: export, smoke test, host-side wheel resolution (pip's own
                      download cache stays warm: this measures resolution, not the network),
                      dependency image, version image;
* ``raw last layer``  ``docker build`` where only the last (model) layer changed (≈ 0.23 s);
* ``jd model-only``   ``jupyter deploy build`` of v2, whose model alone differs from v1: the
                      whole command, process start to exit, export and smoke test included.

Goals (issue 5): jd cold ≤ 30 s; jd model-only ≤ 3 s.

Usage::

    python benchmarks/bench_builds.py [--repeat 3]

Needs a Docker engine and the base image (scripts/build-base-image.sh). Exit codes: 0 measured
(PASS or MISS is in the report), 1 a step failed, 2 bad command line.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import docker

REPO = Path(__file__).resolve().parent.parent
JUPYTER = str(Path(sys.executable).parent / "jupyter")
BASE = "python:3.11-slim"


def _project(root: Path, model: str = "iris-classifier") -> Path:
    """The example as a git repository with two versions of `model`."""
    project = root / "iris"
    shutil.copytree(REPO / "examples", project, ignore=shutil.ignore_patterns("model", ".*"))
    config = project / "jupyter-deploy.yaml"
    config.write_text(config.read_text().replace("model: iris-classifier", f"model: {model}"))
    (project / ".gitignore").write_text("/.jupyter_deploy/\n/deploy-runs/\n")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"]):
        subprocess.run(["git", *args], cwd=project, check=True)
    subprocess.run(
        ["git", "-c", "user.name=B", "-c", "user.email=b@x", "commit", "-qm", "bench"],
        cwd=project,
        check=True,
    )

    for n in (20, 21):
        promote_run(project, n)
    return project


def promote_run(project: Path, n_estimators: int) -> str:
    """Run the example's notebook with `n_estimators` and promote the run: a new version whose
    model alone differs. Returns its tag."""
    from jupyter_deploy.runs import Limits, RunService
    from jupyter_deploy.versions import Identity, Versions

    async def run() -> str:
        service = RunService(project)
        try:
            started = await service.start_run(
                "train.ipynb", {"n_estimators": n_estimators}, user="bench", limits=Limits()
            )
            await service.wait([started["id"]])
            return str(service.get(started["id"])["id"])
        finally:
            await service.close()

    version = Versions(project).promote(asyncio.run(run()), Identity("Bench", "b@x"))
    return str(version["tag"])


def _timed(command: list[str], env: dict[str, str] | None = None) -> float:
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    took = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} failed:\n{done.stderr[-2000:]}")
    return took


def _fresh_base(client: docker.DockerClient) -> str:
    dockerfile = f"FROM {BASE}\nLABEL bench.nonce={os.urandom(6).hex()}\n"
    image, _ = client.images.build(fileobj=io.BytesIO(dockerfile.encode()), rm=True)
    tag = f"jupyter-deploy-bench/base:{image.id[7:19]}"
    image.tag(tag)
    return tag


def _raw(client: docker.DockerClient, work: Path, wheels: Path, model: Path) -> tuple[float, float]:
    """Raw docker: a cold venv build from the same wheels, then a last-layer-only rebuild."""
    context = work / "raw"
    shutil.copytree(wheels, context / "wheels")
    shutil.copy2(model, context / "model.joblib")
    (context / "Dockerfile").write_text(
        f"FROM {BASE}\nCOPY wheels/ /tmp/wheels/\n"
        "RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install --no-index"
        " --find-links /tmp/wheels -r /tmp/wheels/requirements.lock\n"
        "COPY model.joblib /srv/model/\n"
    )
    tag = "jupyter-deploy-bench/raw:latest"
    cold = _timed(["docker", "build", "--no-cache", "-q", "-t", tag, str(context)])
    (context / "model.joblib").write_bytes(model.read_bytes() + os.urandom(8))
    last = _timed(["docker", "build", "-q", "-t", tag, str(context)])
    client.images.remove(tag, force=True)
    return cold, last


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    client = docker.from_env()
    client.images.get(BASE)
    results: dict[str, list[float]] = {
        "raw cold": [],
        "jd cold": [],
        "raw last": [],
        "jd model": [],
    }
    with tempfile.TemporaryDirectory(prefix="bench-builds-") as tmp:
        root = Path(tmp)
        project = _project(root)
        model = next(project.glob("deploy-runs/*/model/model.joblib"))
        for _ in range(args.repeat):
            base = _fresh_base(client)
            env = {**os.environ, "XDG_CACHE_HOME": str(root / f"cache-{base[-12:]}")}
            cold = ["build", "iris-classifier@v1", "--quiet", "--base-image", base]
            results["jd cold"].append(
                _timed([JUPYTER, "deploy", *cold, "--project", str(project)], env)
            )
            model_only = ["build", "iris-classifier@v2", "--quiet", "--base-image", base]
            results["jd model"].append(
                _timed([JUPYTER, "deploy", *model_only, "--project", str(project)], env)
            )
            wheels = next((root / f"cache-{base[-12:]}" / "jupyter-deploy" / "wheels").iterdir())
            (wheels / "requirements.lock").write_text(
                "".join(f"{w.name.split('-')[0]}\n" for w in sorted(wheels.glob("*.whl")))
            )
            cold_raw, last_raw = _raw(client, root / f"raw-{base[-12:]}", wheels, model)
            results["raw cold"].append(cold_raw)
            results["raw last"].append(last_raw)
            for image in client.images.list(name="jupyter-deploy/*/iris-classifier"):
                client.images.remove(image.id, force=True)
            subprocess.run(["docker", "rmi", "-f", base], capture_output=True, check=False)
    med = {k: statistics.median(v) for k, v in results.items()}
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"docker: {client.version()['Version']}, base {BASE}, {args.repeat} rounds (median)")
    for name, values in results.items():
        print(f"  {name:<9} {med[name]:6.2f} s   ({', '.join(f'{v:.2f}' for v in values)})")
    cold_ok = "PASS" if med["jd cold"] <= 30 else "MISS"
    model_ok = "PASS" if med["jd model"] <= 3 else "MISS"
    cold_ratio = med["jd cold"] / med["raw cold"]
    print(f"jd cold / raw cold: {cold_ratio:.2f}x  goal ≤ 30 s: {cold_ok}")
    model_ratio = med["jd model"] / med["raw last"]
    print(f"jd model-only / raw last: {model_ratio:.1f}x  goal ≤ 3 s: {model_ok}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
