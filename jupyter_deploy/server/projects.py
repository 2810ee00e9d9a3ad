"""The projects the server has opened (one `Project` each, kept until the server stops), and
the bridge from their event sink to Jupyter's event bus."""

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import safe_json
from ..config import CONFIG_FILE_NAME
from ..errors import NotFound
from ..events import Payload
from ..paths import relative_to_root, resolve_inside
from ..project import Project
from ..store import Store

if TYPE_CHECKING:
    from ..builds.service import BuildService
    from ..deployments.service import Deployments
    from ..runs.service import RunService

EVENTS_DIR = Path(__file__).parent / "events"
TOPICS = ("run", "build", "deployment")
SCHEMA_FILES = tuple(EVENTS_DIR / f"{topic}.yaml" for topic in TOPICS)
SCHEMAS = {topic: f"https://events.jupyter.org/jupyter_deploy/{topic}/v1" for topic in TOPICS}
SAMPLE_EVERY_S = 5.0

Emit = Callable[[str, dict[str, Any]], None]  # (schema id, data): Jupyter's event logger


def event_data(payload: Payload) -> dict[str, Any]:
    """A core event as Jupyter's event schemas carry it: objects and lists as JSON text (the
    schemas stay flat), a missing object as ""."""
    return {
        key: (safe_json.dumps(value) if isinstance(value, dict | list) else value)
        if value is not None
        else ""
        for key, value in payload.items()
    }


class JupyterEvents:
    """An EventSink that hands each event to Jupyter's event bus on the server's loop, from
    whichever thread the core emitted it (builds and deployments report from their own)."""

    def __init__(self, emit: Emit, loop: asyncio.AbstractEventLoop) -> None:
        self._emit = emit
        self._loop = loop

    def emit(self, topic: str, payload: Payload) -> None:
        if not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._emit, SCHEMAS[topic], event_data(payload))


class Projects:
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
        self._open: dict[Path, Project] = {}
        self._lock = asyncio.Lock()
        self._closed = False

    def project_dir(self, project: str) -> Path:
        path = resolve_inside(self.root, project, "project")
        if not (path / CONFIG_FILE_NAME).is_file():
            raise NotFound(f"project: no {CONFIG_FILE_NAME} in that folder")
        return path

    async def open(self, project_dir: Path) -> Project:
        """The server's Project for that folder, opened on first use."""
        async with self._lock:
            if self._closed:
                raise NotFound("project: the server is stopping")
            project = self._open.get(project_dir)
            if project is None:
                sink = JupyterEvents(self.emit, asyncio.get_running_loop())
                project = await asyncio.to_thread(
                    Project,
                    project_dir,
                    events=sink,
                    display_prefix=relative_to_root(self.root, project_dir),
                    user="jupyter-server",
                    keep_warm=True,
                    reconcile=True,
                    sample_every_s=self.sample_every_s,
                    log=self.log,
                )
                self._open[project_dir] = project
            return project

    # The services, each made (and reconciled) in a worker thread on first use.
    async def runs(self, project_dir: Path) -> "RunService":
        project = await self.open(project_dir)
        return await asyncio.to_thread(lambda: project.runs)

    async def builds(self, project_dir: Path) -> "BuildService":
        project = await self.open(project_dir)
        return await asyncio.to_thread(lambda: project.builds)

    async def deployments(self, project_dir: Path) -> "Deployments":
        project = await self.open(project_dir)
        return await asyncio.to_thread(lambda: project.deployments)

    async def store(self, project_dir: Path) -> Store:
        return (await self.open(project_dir)).store

    async def close(self) -> None:
        """Runs and builds still in flight become interrupted; nothing they started is
        orphaned; deploy operations under way are waited for (bounded)."""
        async with self._lock:
            self._closed = True
            projects, self._open = list(self._open.values()), {}
        await asyncio.gather(*(p.aclose() for p in projects), return_exceptions=True)
