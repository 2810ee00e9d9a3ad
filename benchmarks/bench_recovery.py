"""Reliability figure (issue 6): a replica's model server killed with SIGKILL under load.

A deployment of the example on the docker target, with 1 and then 2 replicas, under a constant
stream of predict requests from 4 keep-alive clients. The replica's main process is killed (a
crash: the engine restarts it, as it would not after `docker kill`). Reported: how many requests
failed, over how long, and when the replica answered ready again.

    python benchmarks/bench_recovery.py
"""

from __future__ import annotations

import os
import platform
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import docker

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]
from bench_builds import _project  # the same example project  # noqa: E402
from load_fixtures import Load  # the tests' constant stream of requests  # noqa: E402


def _kill_one(deployments: Any, name: str, replicas: int, client: docker.DockerClient) -> str:
    status = deployments.up(f"{deployments.config.model}@v1", name=name, replicas=replicas)
    key, url = status["api_key"], status["endpoint"]
    victim = status["replicas"][0]["id"]
    with Load(url, key) as load:
        time.sleep(2)  # traffic before the kill (load, not sync)
        killed = time.monotonic()
        os.kill(client.containers.get(victim).attrs["State"]["Pid"], signal.SIGKILL)
        while True:
            replica = next(r for r in deployments.status(name)["replicas"] if r["id"] == victim)
            if replica["restarts"] >= 1 and replica["state"] == "ready":
                break
            if time.monotonic() - killed > 120:
                raise SystemExit("the replica did not come back within 120 s")
            time.sleep(0.1)
        back = time.monotonic() - killed
        time.sleep(2)  # traffic after it came back
    deployments.down(name)
    window = max(load.failed_at) - min(load.failed_at) if load.failed_at else 0.0
    return (
        f"{replicas} replica(s): {len(load.failures)} of {len(load.answers)} requests failed"
        f" over {window:.2f} s; the killed replica was ready again after {back:.1f} s"
    )


def main() -> int:
    from jupyter_deploy.deployments.service import Deployments

    client = docker.from_env()
    with tempfile.TemporaryDirectory(prefix="bench-recovery-") as tmp:
        model = f"iris-recovery-{os.urandom(3).hex()}"
        project = _project(Path(tmp), model)
        deployments = Deployments(project, user="bench")
        try:
            lines = [_kill_one(deployments, f"kill-{n}", n, client) for n in (1, 2)]
        finally:
            for image in client.images.list(name=f"jupyter-deploy/*/{model}"):
                client.images.remove(image.id, force=True)
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, {platform.platform()}")
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
