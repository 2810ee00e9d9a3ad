"""A project folder, opened: one store, one event sink, and its services as attributes.

The server keeps one per project it has served (server/projects.py); the CLI and the notebook
helpers open one for a command or a call and close it with a `with` block. Services are made
on first use, so a `versions` listing starts no kernel and a `status` call no build worker.
What runs in the background (runs, builds, deploy operations, metrics sampling) belongs to the
services made here and is stopped by `close`."""

import asyncio
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import identity
from ..events import EventSink, Fanout, Payload
from ..store import Store, open_store
from .sampling import Sampling

if TYPE_CHECKING:  # the services import heavy modules: made on first use only
    from ..builds.service import BuildService
    from ..deployments.metrics import MetricsSampler
    from ..deployments.service import Deployments
    from ..runs.service import RunService
    from ..versions import Versions


class Project:
    def __init__(
        self,
        path: Path,
        *,
        events: EventSink | None = None,
        display_prefix: str = "",
        user: str | None = None,
        keep_warm: bool = False,
        reconcile: bool = False,
        sample_every_s: float = 0.0,
        log: logging.Logger | None = None,
    ) -> None:
        """`events`: where this project's events go, each stamped with `display_prefix` (the
        project's path as the Jupyter root shows it); `user`: who acts when a call names
        nobody (default: this machine's user as git knows it); `keep_warm`: runs keep a kernel
        ready (the server does); `reconcile`: each service mends what a stopped process left
        when first made; `sample_every_s`: the background metrics sampling of running
        deployments (0: only when asked)."""
        self.dir = path.resolve()
        self.prefix = display_prefix
        self.events = Fanout()
        if events is not None:
            forward = events.emit
            self.events.subscribe(lambda topic, payload: forward(topic, self._stamped(payload)))
        self.store: Store = open_store(self.dir)
        self._user = user
        self._keep_warm = keep_warm
        self._reconcile = reconcile
        self._lock = threading.RLock()
        self._closed = False
        self._metrics: MetricsSampler | None = None
        self._runs: RunService | None = None
        self._builds: BuildService | None = None
        self._deployments: Deployments | None = None
        self.sampling = Sampling(
            self.running_deployments,
            sample_every_s,
            log or logging.getLogger(__name__),
        )

    def _stamped(self, payload: Payload) -> Payload:
        return {**payload, "project": self.prefix}

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"the project in {self.dir} is closed")

    @property
    def user(self) -> str:
        return self._user or identity.resolve(self.dir).name

    @property
    def metrics(self) -> "MetricsSampler":
        """The deployments' metrics history (one per project, shared by every reader)."""
        from ..deployments.metrics import MetricsSampler

        with self._lock:
            if self._metrics is None:
                self._metrics = MetricsSampler()
            return self._metrics

    @metrics.setter
    def metrics(self, sampler: "MetricsSampler") -> None:
        with self._lock:  # tests give one with a clock of their own
            self._metrics = sampler
            if self._deployments is not None:
                self._deployments.sampler = sampler

    @property
    def versions(self) -> "Versions":
        from ..versions import Versions

        return Versions(self.dir, self.store)

    @property
    def runs(self) -> "RunService":
        from ..runs.service import RunService

        with self._lock:
            self._check_open()
            if self._runs is None:
                service = RunService(
                    self.dir,
                    display_prefix=self.prefix,
                    keep_warm=self._keep_warm,
                    store=self.store,
                    events=self.events,
                )
                if self._reconcile:
                    service.reconcile()  # runs a stopped process left in flight: interrupted
                self._runs = service
            return self._runs

    @property
    def builds(self) -> "BuildService":
        from ..builds.service import BuildService

        with self._lock:
            self._check_open()
            if self._builds is None:
                service = BuildService(self.dir, self.store, self.prefix, events=self.events)
                if self._reconcile:
                    service.reconcile()  # builds a stopped process left running were stopped
                self._builds = service
            return self._builds

    @property
    def deployments(self) -> "Deployments":
        from ..deployments.service import Deployments

        with self._lock:
            self._check_open()
            if self._deployments is None:
                service = Deployments(
                    self.dir,
                    self.store,
                    user=self._user or "jupyter-server",
                    builds=self.builds,
                    events=self.events,
                    sampler=self.metrics,
                )
                if self._reconcile:
                    service.reconcile()  # gateways re-attached, stray replicas removed
                self._deployments = service
                self.sampling.start()
            return self._deployments

    def running_deployments(self) -> "Deployments | None":
        """The deployments service if it was made (the sampler looks at nothing else)."""
        return self._deployments

    def close(self) -> None:
        """Stop the background work and close the store. Runs are asynchronous: `aclose`
        (or `async with`) ends them first, so a project whose runs were used needs it."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self.sampling.stop()
        # Builds first: a deploy waiting for its build then ends with it instead of holding
        # the shutdown for the whole of its bounded wait.
        if self._builds is not None:
            self._builds.close()
        if self._deployments is not None:
            self._deployments.close()
        self.store.close()

    async def aclose(self) -> None:
        if self._runs is not None:
            await self._runs.close()
        await asyncio.to_thread(self.close)

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> "Project":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def open_project(path: Path | str, **options: Any) -> Project:
    """Open the project in `path` (see Project for the options)."""
    return Project(Path(path), **options)
