"""The interface every deployment target implements. A target runs replicas: model servers for
one version each, reachable on a loopback address, found again by their deployment's name after
a restart. Orchestration (gateway, update, rollback) lives above, in `deployments/`, and never
asks which target runs."""

import abc
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DeployError

LABEL_PREFIX = "io.jupyter-deploy"
Progress = Callable[[str, str], None]  # (step, message): step is "build" while preparing


@dataclass(frozen=True)
class PrepareContext:
    """What a target needs to turn a version into something a replica runs."""

    project_dir: Path
    store: Any  # the project's Store (typed loosely: targets must not import the store's engine)
    user: str
    progress: Progress
    # Told, at most once, of what the version will most likely run while `prepare` still checks
    # it (an image built before the build's smoke test ended): replicas may start on it early.
    # `prepare`'s answer decides whether they are kept.
    early: Callable[[str], None] | None = None
    # The project's BuildService (builds.service) that the server's routes and event bus see:
    # a build a target needs is started there, so it is listed, reported and stopped with the
    # server like any other. None: the target makes one of its own (a script, a test).
    builds: Any = None


class ReplicaFailed(DeployError):
    """A replica did not become ready; `log` holds its last lines (the model's own words)."""

    code = "replica_failed"

    def __init__(self, message: str, log: list[str]) -> None:
        super().__init__(message)
        self.log = log


class PrepareFailed(DeployError):
    """The version could not be made runnable (its image build failed, say)."""

    code = "prepare_failed"


@dataclass(frozen=True)
class ReplicaSpec:
    deployment: str  # the deployment's name
    project_key: str  # tells projects apart that name a deployment alike
    version: str  # MODEL@vN
    image: str  # the version's image (docker) or service folder (local)
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
    name: str

    @abc.abstractmethod
    def prepare(self, version: dict[str, Any], context: PrepareContext) -> str:
        """What `ReplicaSpec.image` names for this version (an image id for docker, never a tag
        that can move; a service folder for local), made first when it is missing; DeployError
        when that fails."""

    def identity(self, image: str) -> str:
        """What `image` names now (an image id for a tag, say): early replicas are kept only
        if they run what `prepare` settled on."""
        return image

    def collect_garbage(self) -> list[str]:
        """Remove what earlier `prepare` calls left that nothing can use any more; what went."""
        return []

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
