"""One RunService per project, created on first use, closed with the server."""

import asyncio
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..config import CONFIG_FILE_NAME
from ..errors import NotFound
from ..paths import relative_to_root, resolve_inside
from ..runs import RunService
from ..store import Store, open_store

RUN_EVENT_SCHEMA = "https://events.jupyter.org/jupyter_deploy/run/v1"
SCHEMA_FILE = Path(__file__).parent / "events" / "run.yaml"

Emit = Callable[[dict[str, Any]], None]


class RunServices:
    def __init__(self, root: Path, emit: Emit) -> None:
        self.root = root
        self.emit = emit
        self._services: dict[Path, RunService] = {}
        self._lock = asyncio.Lock()
        # Versions requests open no RunService (no warm kernels), only the project's store.
        self._stores: dict[Path, Store] = {}
        self._stores_lock = threading.Lock()

    def project_dir(self, project: str) -> Path:
        path = resolve_inside(self.root, project)
        if not (path / CONFIG_FILE_NAME).is_file():
            raise NotFound(f"no {CONFIG_FILE_NAME} in {project or 'the root folder'!r}")
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

    def _forward(self, event: dict[str, Any]) -> None:
        self.emit(
            {
                "kind": event["kind"],
                "project": event["project"],
                "run": json.dumps(event["run"]),
                "sweep": json.dumps(event["sweep"]) if event["sweep"] else "",
            }
        )

    async def close(self) -> None:
        services, self._services = list(self._services.values()), {}
        await asyncio.gather(*(s.close() for s in services), return_exceptions=True)
        with self._stores_lock:
            stores, self._stores = list(self._stores.values()), {}
        for store in stores:
            store.close()
