"""A constant stream of predict requests, recording which version answered each and every
failure: the measure of "no request fails" for updates, rollbacks and killed replicas."""

import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx

FLOWER = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}


class Load:
    """A constant stream of predict requests from a few keep-alive clients."""

    def __init__(self, url: str, key: str, clients: int = 4) -> None:
        self.url, self.key = url, key
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.answers: list[tuple[float, int, str]] = []  # (time, status, version)
        self.failures: list[str] = []
        self.failed_at: list[float] = []
        self.threads = [threading.Thread(target=self._send, daemon=True) for _ in range(clients)]

    def __enter__(self) -> "Load":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(30)

    def _send(self) -> None:
        headers = {"Authorization": f"Bearer {self.key}"}
        with httpx.Client(timeout=30) as http:
            while not self.stop.is_set():
                try:
                    answer = http.post(f"{self.url}/predict", json=FLOWER, headers=headers)
                except httpx.HTTPError as exc:
                    with self.lock:
                        self.failures.append(f"{type(exc).__name__}: {exc}")
                        self.failed_at.append(time.monotonic())
                    continue
                with self.lock:
                    version = answer.headers.get("x-model-version", "")
                    self.answers.append((time.monotonic(), answer.status_code, version))
                    if answer.status_code != 200:
                        self.failures.append(f"{answer.status_code} {answer.text[:200]}")
                        self.failed_at.append(time.monotonic())

    def versions_after(self, moment: float) -> Counter[str]:
        with self.lock:
            return Counter(v for t, _, v in self.answers if t > moment)

    def statuses_after(self, moment: float) -> Counter[int]:
        with self.lock:
            return Counter(s for t, s, _ in self.answers if t > moment)


def stop_deployments(project: Path) -> None:
    """A test's clean-up: every deployment of the project still running is taken down."""
    from jupyter_deploy.deployments.service import Deployments

    deployments = Deployments(project)
    for row in deployments.records.all():
        if row["status"] != "stopped":
            deployments.down(row["name"])


def deployed_example(folder: Path) -> Iterator[Path]:
    """The example project copied to `folder` as a git repository with two versions (v1, v2);
    every deployment it made is taken down afterwards."""
    from conftest import copy_example
    from version_fixtures import init_repository, new_version

    project = copy_example(folder)
    init_repository(project)
    new_version(project, n_estimators=5)
    new_version(project, n_estimators=6)
    yield project
    stop_deployments(project)
