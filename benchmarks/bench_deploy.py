"""Benchmark: click-to-ready of a deployment (issue 6, "Performance"), against a bare
``docker run`` of the same image in one run.

Each figure is the time from the start of the action to the first prediction answered by the
wanted version, seen by a client polling the endpoint (every 20 ms):

* ``docker run``      a bare ``docker run -d -p …`` of the version's image, first answer on its
                      port (the issue measured ≈ 1.4 s here);
* ``deploy (image)``  a new deployment of a version whose image exists: replicas, readiness,
                      nginx gateway, through the stable endpoint;
* ``update (image)``  an existing deployment moved to another version whose image exists;
* ``rollback``        back to the previous version (its image is cached);
* ``update (model)``  a new version where only the model changed: its incremental build (export,
                      smoke test, last layer) included.

The actions are the core's (``Deployments.up`` / ``rollback``), which the REST handler and the
CLI call; a click adds one local HTTP request.

Goals (issue 6): click-to-ready ≤ 3 s with the image; ≤ 5 s for a model-only new version.

Usage::

    python benchmarks/bench_deploy.py [--repeat 3]

Needs a Docker engine, nginx and the base image. Exit codes: 0 measured (PASS or MISS is in the
report), 1 a step failed, 2 bad command line.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docker
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_builds import _project, promote_run  # the same example project

FLOWER = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}


def _quiet(step: str, message: str) -> None:
    pass


def _first_answer(url: str, version: str | None, key: str | None, stop: threading.Event) -> float:
    """Poll until `version` (any when None) answers a prediction; the moment it did."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    with httpx.Client(timeout=2) as http:
        while not stop.is_set():
            try:
                answer = http.post(f"{url}/predict", json=FLOWER, headers=headers)
                if answer.status_code == 200 and (
                    version is None or answer.headers.get("x-model-version") == version
                ):
                    return time.perf_counter()
            except httpx.TransportError:
                pass
            time.sleep(0.02)  # the polling period of the measuring client
    return float("nan")


def _timed(
    action: Callable[[], Any], url: Callable[[], str | None], version: str, key: Callable[[], str]
) -> float:
    """From the action's start to the wanted version's first answer (the action may still be
    stopping old replicas then: that is not part of click-to-ready). The endpoint and key of a
    new deployment exist only once the action has created it."""
    stop = threading.Event()
    seen: list[float] = []

    def poll() -> None:
        while url() is None and not stop.is_set():
            time.sleep(0.005)
        seen.append(_first_answer(str(url()), version, key(), stop))

    began = time.perf_counter()
    poller = threading.Thread(target=poll)
    poller.start()
    try:
        action()
    finally:
        poller.join(120)
        stop.set()
    return seen[0] - began


def _bare_run(client: docker.DockerClient, image: str) -> float:
    from jupyter_deploy.processes import free_port

    port = free_port()
    stop = threading.Event()
    seen: list[float] = []
    url = f"http://127.0.0.1:{port}"
    began = time.perf_counter()
    poller = threading.Thread(target=lambda: seen.append(_first_answer(url, None, None, stop)))
    poller.start()
    container = client.containers.run(
        image, ["--open"], detach=True, ports={"8080/tcp": ("127.0.0.1", port)}
    )
    poller.join(120)
    stop.set()
    container.remove(force=True)
    return seen[0] - began


def _round(
    deployments: Any,
    name: str,
    v1: str,
    v2: str,
    n_estimators: int,
    results: dict[str, list[float]],
) -> None:
    """Deploy, update, roll back and update to a model-only new version, each timed."""
    from jupyter_deploy.deployments.keys import key_file

    def url() -> str | None:
        row = deployments.records.get(name)
        return f"http://127.0.0.1:{row['port']}" if row else None

    def key() -> str:
        return key_file(deployments.project_key, name).read_text().strip()

    results["deploy (image)"].append(_timed(lambda: deployments.up(v1, name=name), url, v1, key))
    results["update (image)"].append(_timed(lambda: deployments.up(v2, name=name), url, v2, key))
    results["rollback"].append(_timed(lambda: deployments.rollback(name), url, v1, key))
    fresh = promote_run(deployments.project_dir, n_estimators)
    results["update (model)"].append(
        _timed(lambda: deployments.up(fresh, name=name), url, fresh, key)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from jupyter_deploy.deployments.service import Deployments
    from jupyter_deploy.versions import Versions

    client = docker.from_env()
    results: dict[str, list[float]] = {
        k: []
        for k in ("docker run", "deploy (image)", "update (image)", "rollback", "update (model)")
    }
    with tempfile.TemporaryDirectory(prefix="bench-deploy-") as tmp:
        # A model name of its own: no image of another project's version is taken for it.
        model = f"iris-bench-{os.urandom(3).hex()}"
        project = _project(Path(tmp), model)
        deployments = Deployments(project, user="bench")
        images_of = deployments.artifacts(deployments.target("docker"))
        versions = Versions(project, deployments.store)
        v1, v2 = f"{model}@v1", f"{model}@v2"
        images = {tag: images_of.prepare(versions.show(tag), "bench", _quiet) for tag in (v1, v2)}
        try:
            for round_ in range(args.repeat):
                name = f"bench-{round_}"
                results["docker run"].append(_bare_run(client, images[v1]))
                _round(deployments, name, v1, v2, 30 + round_, results)
                deployments.down(name)
        finally:
            for row in deployments.records.all():
                if row["status"] != "stopped":
                    deployments.down(row["name"])
            for image in client.images.list(name=f"jupyter-deploy/*/{model}"):
                client.images.remove(image.id, force=True)
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"{'action':<16} {'median s':>9} {'runs':>24}")
    for action, times in results.items():
        runs = " ".join(f"{t:.2f}" for t in times)
        print(f"{action:<16} {statistics.median(times):>9.2f} {runs:>24}")
    bare = statistics.median(results["docker run"])
    image = statistics.median(results["deploy (image)"])
    model_only = statistics.median(results["update (model)"])
    print(f"deploy (image) / docker run: {image / bare:.2f} times")
    verdict = "PASS" if image <= 3 else "MISS"
    print(f"click-to-ready with the image: {image:.2f} s (goal ≤ 3 s): {verdict}")
    print(
        f"model-only new version, build included: {model_only:.2f} s (goal ≤ 5 s):"
        f" {'PASS' if model_only <= 5 else 'MISS'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
