"""One RunService per project, created on first use, closed with the server; the metrics of
every running deployment of the projects opened, sampled in the background while it runs."""

import asyncio
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import safe_json
from ..builds.service import BuildService
from ..config import CONFIG_FILE_NAME
from ..deployments.metrics import MetricsSampler
from ..deployments.service import Deployments
from ..errors import DeployError, NotFound
from ..paths import relative_to_root, resolve_inside
from ..runs import RunService
from ..store import Store, open_store

RUN_EVENT_SCHEMA = "https://events.jupyter.org/jupyter_deploy/run/v1"
BUILD_EVENT_SCHEMA = "https://events.jupyter.org/jupyter_deploy/build/v1"
DEPLOYMENT_EVENT_SCHEMA = "https://events.jupyter.org/jupyter_deploy/deployment/v1"
EVENTS_DIR = Path(__file__).parent / "events"
SCHEMA_FILES = tuple(EVENTS_DIR / f"{name}.yaml" for name in ("run", "build", "deployment"))

Emit = Callable[[str, dict[str, Any]], None]  # (schema id, data)
SAMPLE_EVERY_S = 5.0


class RunServices:
    def __init__(
        self,
        root: Path,
        emit: Emit,
        sample_every_s: float = SAMPLE_EVERY_S,
        log: logging.Logger | None = None,
    ) -> None:
        """`sample_every_s`: how often each running deployment's metrics are sampled while no
        panel asks (0 or less: only when asked)."""
        self.root = root
        self.emit = emit
        self.sample_every_s = sample_every_s
        self.log = log or logging.getLogger(__name__)
        self._services: dict[Path, RunService] = {}
        self._lock = asyncio.Lock()
        # Versions requests open no RunService (no warm kernels), only the project's store.
        self._stores: dict[Path, Store] = {}
        self._stores_lock = threading.Lock()
        self._builds: dict[Path, BuildService] = {}
        self._deployments: dict[Path, Deployments] = {}
        self._deployments_lock = asyncio.Lock()
        self.metrics = MetricsSampler()
        self._loop: asyncio.AbstractEventLoop | None = None
        # The background sampling: started with the first project's deployments, ended by close.
        self.sampling: asyncio.Task[None] | None = None
        self._closed = False
        self._stop_sampling = threading.Event()
        self._sampling_errors: dict[str, str] = {}  # deployment → the failure last logged

    def project_dir(self, project: str) -> Path:
        path = resolve_inside(self.root, project, "project")
        if not (path / CONFIG_FILE_NAME).is_file():
            raise NotFound(f"project: no {CONFIG_FILE_NAME} in that folder")
        return path

    async def get(self, project_dir: Path) -> RunService:
        async with self._lock:
            service = self._services.get(project_dir)
            if service is None:
                prefix = relative_to_root(self.root, project_dir)
                service = await asyncio.to_thread(
                    RunService, project_dir, display_prefix=prefix, keep_warm=True
                )
                # Runs left in flight by a previous server become interrupted; their kernels end.
                await asyncio.to_thread(service.reconcile)
                service.listeners.append(self._forward)
                self._services[project_dir] = service
            return service

    def store(self, project_dir: Path) -> Store:
        """The project's state store, opened (and migrated) once; called from worker threads."""
        with self._stores_lock:
            store = self._stores.get(project_dir)
            if store is None:
                store = self._stores[project_dir] = open_store(project_dir)
            return store

    async def builds(self, project_dir: Path) -> BuildService:
        """The project's builds, created on first use."""
        # Builds report from their follower threads; events are emitted on the server's loop.
        self._loop = asyncio.get_running_loop()
        service = self._builds.get(project_dir)
        if service is None:
            prefix = relative_to_root(self.root, project_dir)
            store = await asyncio.to_thread(self.store, project_dir)
            created = BuildService(project_dir, store, prefix)
            # Builds left running by a previous server were stopped with it.
            await asyncio.to_thread(created.reconcile)
            created.listeners.append(self._forward_build)
            service = self._builds.setdefault(project_dir, created)
        return service

    async def deployments(self, project_dir: Path) -> Deployments:
        """The project's deployments; the first use after a start re-attaches to what runs."""
        self._loop = asyncio.get_running_loop()
        async with self._deployments_lock:
            service = self._deployments.get(project_dir)
            if service is None:
                store = await asyncio.to_thread(self.store, project_dir)
                # The server's BuildService: a build a deploy needs is one of its builds.
                builds = await self.builds(project_dir)
                service = Deployments(project_dir, store, user="jupyter-server", builds=builds)
                await asyncio.to_thread(service.reconcile)
                prefix = relative_to_root(self.root, project_dir)
                service.listeners.append(
                    lambda kind, payload: self._forward_deployment(prefix, kind, payload)
                )
                self._deployments[project_dir] = service
            self._start_sampling()
            return service

    def _start_sampling(self) -> None:
        if self.sampling is None and not self._closed and self.sample_every_s > 0:
            self.sampling = asyncio.create_task(
                self._sample_forever(), name="jupyter-deploy-metrics-sampling"
            )

    async def _sample_forever(self) -> None:
        """Every `sample_every_s`, each running deployment of each project opened (those
        `reconcile` re-attached too) is sampled as the metrics route does, so its history has
        no hole while nobody looks. The sampler takes one sample of a deployment at a time
        (a route call waits for a tick's and the other way round), and the ledger keeps the
        newest values of each replica, never a sum of scrapes: nothing is counted twice."""
        loop = asyncio.get_running_loop()
        due = loop.time()
        while True:
            services = list(self._deployments.values())
            # Read at each tick: the sampler may be replaced (tests do).
            tick = asyncio.ensure_future(
                asyncio.to_thread(self._sample_all, services, self.metrics)
            )
            try:
                await asyncio.shield(tick)
            except asyncio.CancelledError:
                # The thread cannot be cancelled: it stops at the next deployment, and is
                # waited for so that no sample outlives the stores `close` then closes.
                self._stop_sampling.set()
                await asyncio.gather(tick, return_exceptions=True)
                raise
            except Exception:
                self.log.exception("jupyter_deploy: background metrics sampling failed")
            due = max(due + self.sample_every_s, loop.time())
            await asyncio.sleep(due - loop.time())

    def _sample_all(self, services: list[Deployments], sampler: MetricsSampler) -> None:
        """One tick, in a worker thread: a failure is logged (once until it changes), and the
        other deployments are sampled all the same."""
        for service in services:
            try:
                rows = service.records.all()
            except Exception as exc:
                self._failed(str(service.project_dir), exc)
                continue
            self._sampling_errors.pop(str(service.project_dir), None)
            for row in rows:
                if self._stop_sampling.is_set():
                    return
                if row["status"] != "running":
                    continue
                key = f"{service.project_dir}: deployment {row['name']}"
                try:
                    service.metrics(row["name"], sampler)
                except Exception as exc:
                    self._failed(key, exc)
                else:
                    self._sampling_errors.pop(key, None)

    def _failed(self, what: str, exc: Exception) -> None:
        text = f"{type(exc).__name__}: {exc}"
        if self._sampling_errors.get(what) == text:
            self.log.debug("jupyter_deploy: metrics of %s not sampled: %s", what, text)
            return
        self._sampling_errors[what] = text
        # A refusal (the engine gone, say) says it all; anything else is a bug: its traceback.
        trace = None if isinstance(exc, DeployError) else exc
        self.log.warning(
            "jupyter_deploy: metrics of %s not sampled: %s", what, text, exc_info=trace
        )

    def _forward_deployment(self, project: str, kind: str, payload: dict[str, Any]) -> None:
        data = {"kind": kind, "project": project, "name": payload["name"]}
        data[kind] = safe_json.dumps(payload[kind])
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self.emit, DEPLOYMENT_EVENT_SCHEMA, data)

    def _forward_build(self, event: dict[str, Any]) -> None:
        data = {"kind": event["kind"], "project": event["project"]}
        if event["kind"] == "log":
            lines = safe_json.dumps(event["lines"])
            data.update(build_id=event["build_id"], offset=event["offset"], lines=lines)
        else:
            data["build"] = safe_json.dumps(event["build"])
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self.emit, BUILD_EVENT_SCHEMA, data)

    def _forward(self, event: dict[str, Any]) -> None:
        self.emit(
            RUN_EVENT_SCHEMA,
            {
                "kind": event["kind"],
                "project": event["project"],
                "run": safe_json.dumps(event["run"]),
                "sweep": safe_json.dumps(event["sweep"]) if event["sweep"] else "",
            },
        )

    async def close(self) -> None:
        self._closed = True
        self._stop_sampling.set()
        if self.sampling is not None:
            self.sampling.cancel()
            await asyncio.gather(self.sampling, return_exceptions=True)
        services, self._services = list(self._services.values()), {}
        await asyncio.gather(*(s.close() for s in services), return_exceptions=True)
        builds, self._builds = list(self._builds.values()), {}
        await asyncio.gather(*(asyncio.to_thread(b.close) for b in builds))
        with self._stores_lock:
            stores, self._stores = list(self._stores.values()), {}
        for store in stores:
            store.close()
