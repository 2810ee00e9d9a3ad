"""What every job of a project's deployments shares (accepting and carrying out operations,
reading, reconciling, provisioning): the project and its store, the deployment records, the
config, who acts by default, where events go, the targets and the artifacts they run."""

import hashlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import ProjectConfig, load_config
from ..errors import NotFound
from ..events import EventSink, Fanout
from ..store import STATE_DIR, Store, open_store
from ..targets import registry
from ..targets.base import Replica, Target
from .artifacts import Artifacts, artifacts_for
from .gateway import Gateway
from .ledger import LEDGER_FILE, LedgerFile
from .metrics import MetricsSampler
from .operations import DeploymentLock
from .records import DeploymentRecords
from .selection import resolve

if TYPE_CHECKING:
    from ..builds.service import BuildService

DEPLOYMENTS_DIR = "deployments"


class DeploymentContext:
    def __init__(
        self,
        project_dir: Path,
        store: Store | None = None,
        target: Target | None = None,
        user: str = "anonymous",
        builds: "BuildService | None" = None,
        events: EventSink | None = None,
        sampler: MetricsSampler | None = None,
    ) -> None:
        """`target`: one target for every deployment (tests); `builds`: the project's one
        BuildService, so a build a deploy starts is one of its builds (listed, evented, stopped
        with the server), not a hidden one; `events`: where the deployments' events go
        ("deployment" topic); `sampler`: the metrics history the charts read."""
        self.project_dir = project_dir.resolve()
        self.store = store or open_store(self.project_dir)
        if builds is None:
            from ..builds.service import BuildService

            builds = BuildService(self.project_dir, self.store)
        self.builds = builds
        self.records = DeploymentRecords(self.store)
        self.config: ProjectConfig = load_config(self.project_dir)
        self.user = user
        # Subscribers come and go (a CLI following one operation); the caller's sink stays.
        self.events = Fanout()
        if events is not None:
            self.events.subscribe(events.emit)
        self.sampler = sampler or MetricsSampler()
        self._fixed_target = target
        self._targets: dict[str, Target] = {}
        self._artifacts: dict[str, Artifacts] = {}
        self._lock = threading.Lock()
        # The operations carried out on threads of this service's (`Deployments.launch`).
        self._operations: dict[str, threading.Thread] = {}
        self._operations_lock = threading.Lock()
        # Labels tell projects apart that name a deployment alike.
        self.project_key = hashlib.sha256(str(self.project_dir).encode()).hexdigest()[:12]

    # ----- targets and their artifacts

    def target(self, name: str) -> Target:
        """The target a deployment recorded (one instance per name)."""
        if self._fixed_target is not None:
            return self._fixed_target
        with self._lock:
            if name not in self._targets:
                self._targets[name] = registry.make(name)
            return self._targets[name]

    def chosen_target(self, wanted: str | None) -> Target:
        """The target a new deployment gets: the one asked for, else the config's (`auto`
        resolved on this machine now)."""
        if self._fixed_target is not None:
            return self._fixed_target
        return self.target(resolve(wanted or self.config.target))

    def artifacts(self, target: Target) -> Artifacts:
        """The preparer of what `target` runs (one per kind of artifact)."""
        with self._lock:
            if target.artifact not in self._artifacts:
                self._artifacts[target.artifact] = artifacts_for(
                    target.artifact, self.project_dir, self.store, self.builds
                )
            return self._artifacts[target.artifact]

    # ----- each deployment's folder, lock, gateway and ledger

    def folder(self, name: str) -> Path:
        return self.project_dir / STATE_DIR / DEPLOYMENTS_DIR / name

    def lock(self, name: str) -> DeploymentLock:
        return DeploymentLock(self.project_dir / STATE_DIR / DEPLOYMENTS_DIR / f"{name}.lock")

    def gateway(self, row: dict[str, Any]) -> Gateway:
        return Gateway(self.folder(row["name"]) / "gateway", int(row["port"]))

    def ledger(self, name: str) -> LedgerFile:
        """The deployment's request totals, kept beside its gateway (ledger.py)."""
        return ledger_file(self.project_dir, name)

    def listed(self, row: dict[str, Any]) -> list[Replica]:
        """The deployment's replicas as its target finds them now."""
        return self.target(row["target"]).replicas(row["name"], self.project_key)

    def row(self, name: str) -> dict[str, Any]:
        row = self.records.get(name)
        if row is None:
            # Point at what exists and how to make one; the caller's name is not echoed back.
            known = ", ".join(sorted(r["name"] for r in self.records.all()))
            where = f"deployments in this project: {known}" if known else "none exists yet"
            raise NotFound(
                f"no deployment by that name ({where}); deploy a version with"
                " `jupyter deploy up MODEL[@vN]` or the Deploy button"
            )
        return row

    def emit(self, kind: str, name: str, payload: dict[str, Any]) -> None:
        """A "deployment" event: `kind` is "deployment" (its status) or "operation"."""
        self.events.emit("deployment", {"kind": kind, "name": name, kind: payload})


def ledger_file(project_dir: Path, name: str) -> LedgerFile:
    return LedgerFile(project_dir / STATE_DIR / DEPLOYMENTS_DIR / name / LEDGER_FILE)
