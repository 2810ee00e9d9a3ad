"""The interface every deployment target implements. A target runs replicas: model servers for
one version each, reachable on a loopback address, found again by their deployment's name after
a restart. It is given a ready artifact (an image for `docker`, an exported service folder for
`local`) and knows only its own engine: what a version is, and how its artifact is built or
exported, is decided above, in `deployments/`, which never asks which target runs.

Targets are found through the `jupyter_deploy.targets` entry-point group (`registry.py`)."""

import abc
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from ..errors import DeployError

LABEL_PREFIX = "io.jupyter-deploy"


class ReplicaFailed(DeployError):
    """A replica did not become ready; `log` holds its last lines (the model's own words)."""

    code = "replica_failed"

    def __init__(self, message: str, log: list[str]) -> None:
        super().__init__(message)
        self.log = log


@dataclass(frozen=True)
class ReplicaSpec:
    deployment: str  # the deployment's name
    project_key: str  # tells projects apart that name a deployment alike
    version: str  # MODEL@vN
    # What the replica runs, ready: an image id (a target whose `artifact` is "image") or an
    # exported service folder ("folder").
    artifact: str
    workers: int = 2
    api_keys_file: Path | None = None  # sha256 digests; None serves without keys
    max_batch: int = 1
    cpus: float | None = None
    memory: str | None = None  # "512Mi"
    # The declared secrets' values by name: a target delivers them as files (never as the
    # replica's environment or command line, which other users and `docker inspect` can read).
    secrets: dict[str, str] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class Replica:
    id: str
    deployment: str
    version: str
    address: str  # "127.0.0.1:49153"
    state: str  # starting | ready | unhealthy | restarting | exited
    started_at: str
    restarts: int = 0


class Target(abc.ABC):
    name: ClassVar[str]  # its name in the registry, in the config and on the command line
    # What `ReplicaSpec.artifact` names: "image" (an image id in the local engine, built by the
    # project's builds) or "folder" (the version's exported service folder).
    artifact: ClassVar[str]

    @abc.abstractmethod
    def start(self, spec: ReplicaSpec) -> Replica:
        """Start one replica (supervised: it comes back if it dies)."""

    @abc.abstractmethod
    def wait_ready(self, replica: Replica, timeout_s: float) -> Replica:
        """Until the replica answers /health/ready; ReplicaFailed with its log otherwise."""

    @abc.abstractmethod
    def stop(self, replica: Replica, grace_s: float) -> None:
        """Stop and remove it, letting requests in flight finish within `grace_s`."""

    @abc.abstractmethod
    def replicas(self, deployment: str, project_key: str) -> list[Replica]:
        """The deployment's replicas as they are now (found by labels, not by memory)."""

    @abc.abstractmethod
    def logs(self, replica: Replica, tail: int = 100, follow: bool = False) -> Iterator[str]:
        """Its log lines, the last `tail` first, then new ones while `follow`."""


# Replicas are on loopback: a proxy from the environment must never see their health checks.
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def answers_ready(address: str, timeout_s: float = 2.0) -> bool:
    """Whether the replica at `address` answers /health/ready with 200 now."""
    try:
        with _direct.open(f"http://{address}/health/ready", timeout=timeout_s) as answer:
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def wait_until_ready(
    replica: Replica,
    timeout_s: float,
    ready: Callable[[], Replica | None],
    stopped: Callable[[], bool],
    log: Callable[[], list[str]],
) -> Replica:
    """Poll `ready` until it gives the ready replica; ReplicaFailed with `log()` as soon as
    `stopped` says it died or restarted, or when `timeout_s` has passed."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = ready()
        if found is not None:
            return found
        crashed = stopped()
        if crashed or time.monotonic() > deadline:
            why = "stopped before it was ready" if crashed else f"not ready after {timeout_s:.0f} s"
            raise ReplicaFailed(f"{replica.version}: the replica {why}", log())
        time.sleep(0.05)  # polling the replica's readiness, bounded by the deadline
