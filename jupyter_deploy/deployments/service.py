"""Deployments of a project's model: a name, a stable endpoint (a gateway on a port chosen once)
and replicas of one version behind it.

`up` deploys a version or moves a deployment to another one without failing a request: the new
replicas start and must answer ready, the gateway switches to them, and only then are the old
ones stopped (each finishes its requests in flight). A version whose model does not load never
takes traffic: its replicas are removed, the old ones keep serving, and the failure is reported
with the replica's own log lines. `rollback` is `up` to the previous version, whose image is
still there. Every action is recorded with who did it and when."""

import contextlib
import fcntl
import hashlib
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..builds.pipeline import image_tag
from ..builds.service import BuildService
from ..config import ProjectConfig, load_config
from ..errors import Conflict, DeployError, InvalidInput, NotFound
from ..runs.records import now
from ..runtime.keys import new_key
from ..store import STATE_DIR, Store, open_store
from ..targets.base import Replica, ReplicaFailed, ReplicaSpec, Target
from ..targets.docker import free_port
from ..versions import Versions
from .gateway import Gateway, Upstream
from .records import DeploymentRecords

Progress = Callable[[str], None]
READY_TIMEOUT_S = 120.0
DRAIN_S = 10.0
DEPLOYMENTS_DIR = "deployments"
_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


class DeployFailed(DeployError):
    """The new version's replicas did not become ready; the deployment serves what it did."""

    code = "deploy_failed"

    def __init__(self, message: str, log: list[str]) -> None:
        super().__init__(message)
        self.log = log


def _quiet(_: str) -> None:
    pass


class Deployments:
    def __init__(
        self,
        project_dir: Path,
        store: Store | None = None,
        target: Target | None = None,
        user: str = "anonymous",
    ) -> None:
        self.project_dir = project_dir.resolve()
        self.store = store or open_store(self.project_dir)
        self.records = DeploymentRecords(self.store)
        self.config: ProjectConfig = load_config(self.project_dir)
        self._target = target
        self.user = user
        # Labels tell projects apart that name a deployment alike.
        self.project_key = hashlib.sha256(str(self.project_dir).encode()).hexdigest()[:12]

    @property
    def target(self) -> Target:
        if self._target is None:
            from ..targets.docker import DockerTarget

            self._target = DockerTarget()
        return self._target

    def folder(self, name: str) -> Path:
        return self.project_dir / STATE_DIR / DEPLOYMENTS_DIR / name

    def gateway(self, row: dict[str, Any]) -> Gateway:
        return Gateway(self.folder(row["name"]) / "gateway", int(row["port"]))

    @contextlib.contextmanager
    def serialised(self) -> Iterator[None]:
        """One change of this project's deployments at a time, across processes."""
        lock = self.project_dir / STATE_DIR / "deployments.lock"
        lock.parent.mkdir(parents=True, exist_ok=True)
        with lock.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def up(
        self,
        reference: str,
        name: str | None = None,
        replicas: int | None = None,
        progress: Progress = _quiet,
        action: str | None = None,
    ) -> dict[str, Any]:
        """Deploy `reference` (MODEL@vN) as `name` (default: the model's name)."""
        name = name or self.config.model
        if not _NAME.match(name):
            raise InvalidInput(
                f"deployment name: lowercase letters, digits and dashes, up to 63, got {name!r}"
            )
        if replicas is not None and not 1 <= replicas <= 32:
            raise InvalidInput(f"replicas: expected 1 to 32, got {replicas}")
        versions = Versions(self.project_dir, self.store)
        version = versions.show(reference)
        tag = str(version["tag"])
        with self.serialised():
            row = self.records.get(name)
            api_key = None
            if row is None:
                row, api_key = self._create(name, replicas)
            count = replicas or int(row["replicas"])
            action = action or ("deploy" if row["version"] is None else "update")
            began = time.monotonic()
            image = self._image(version, progress)
            old = self.target.replicas(name, self.project_key)
            new = self._start(row, tag, image, count, progress)
            progress(f"switching the gateway on port {row['port']} to {tag}")
            self.gateway(row).start([Upstream(r.address, r.id[:12]) for r in new])
            for replica in old:
                progress(f"stopping {replica.version} replica {replica.id[:12]}")
                self.target.stop(replica, DRAIN_S)
            previous = row["version"] if row["version"] != tag else row["previous_version"]
            self.records.update(
                name, version=tag, previous_version=previous, replicas=count, status="running"
            )
            took = round(time.monotonic() - began, 2)
            self.records.event(
                name, self.user, action, tag, "succeeded", {"replicas": count, "seconds": took}
            )
        result = self.status(name)
        if api_key is not None:
            result["api_key"] = api_key  # shown once: only its digest is kept
        return result

    def rollback(self, name: str | None = None, progress: Progress = _quiet) -> dict[str, Any]:
        row = self._row(name or self.config.model)
        if not row["previous_version"]:
            raise Conflict(f"{row['name']} has no previous version to roll back to")
        return self.up(row["previous_version"], row["name"], progress=progress, action="rollback")

    def down(self, name: str | None = None, progress: Progress = _quiet) -> dict[str, Any]:
        row = self._row(name or self.config.model)
        with self.serialised():
            self.gateway(row).stop()
            for replica in self.target.replicas(row["name"], self.project_key):
                progress(f"stopping replica {replica.id[:12]}")
                self.target.stop(replica, DRAIN_S)
            self.records.update(row["name"], status="stopped")
            self.records.event(row["name"], self.user, "down", row["version"], "succeeded")
        return self.status(row["name"])

    def status(self, name: str | None = None) -> dict[str, Any]:
        row = self._row(name or self.config.model)
        gateway = self.gateway(row)
        replicas = self.target.replicas(row["name"], self.project_key)
        return {
            "name": row["name"],
            "model": row["model"],
            "target": row["target"],
            "status": row["status"],
            "version": row["version"],
            "previous_version": row["previous_version"],
            "endpoint": gateway.url,
            "gateway": {"running": gateway.running()},
            "replicas": [_replica_dict(r) for r in replicas],
            "replica_count": row["replicas"],
            "created_at": row["created_at"],
            "created_by": row["created_by"],
            "updated_at": row["updated_at"],
            "events": self.records.events(row["name"]),
        }

    def reconcile(self) -> list[str]:
        """After a restart: each running deployment keeps only its recorded version's replicas
        (an update interrupted half-way left others: they never took traffic), and its gateway
        runs and points at them. Returns what was mended."""
        mended = []
        with self.serialised():
            for row in self.records.all():
                if row["status"] != "running":
                    continue
                replicas = self.target.replicas(row["name"], self.project_key)
                for stray in [r for r in replicas if r.version != row["version"]]:
                    self.target.stop(stray, 1)
                    mended.append(f"{row['name']}: removed a {stray.version} replica")
                serving = [r for r in replicas if r.version == row["version"]]
                gateway = self.gateway(row)
                wanted = [r.address for r in serving]
                if not gateway.running() or [u.address for u in gateway.upstreams()] != wanted:
                    gateway.start([Upstream(r.address, r.id[:12]) for r in serving])
                    mended.append(f"{row['name']}: gateway on port {row['port']} re-attached")
                if mended:
                    self.records.event(
                        row["name"], self.user, "reconcile", row["version"], "succeeded",
                        {"mended": mended},
                    )  # fmt: skip
        return mended

    def logs(self, name: str | None = None, tail: int = 100, follow: bool = False) -> Iterator[str]:
        row = self._row(name or self.config.model)
        replicas = self.target.replicas(row["name"], self.project_key)
        if not replicas:
            raise Conflict(f"{row['name']} has no replicas running")
        if follow:
            yield from self.target.logs(replicas[-1], tail, follow=True)
            return
        for replica in replicas:
            for line in self.target.logs(replica, tail):
                yield f"{replica.id[:12]} {line}"

    def _row(self, name: str) -> dict[str, Any]:
        row = self.records.get(name)
        if row is None:
            raise NotFound(f"no deployment {name!r} (see `jupyter deploy status`)")
        return row

    def _create(self, name: str, replicas: int | None) -> tuple[dict[str, Any], str]:
        taken = self.records.ports()
        port = free_port()
        while port in taken:
            port = free_port()
        key, key_digest = new_key()
        folder = self.folder(name)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "api-keys").write_text(key_digest + "\n")
        (folder / "api-keys").chmod(0o644)  # digests only; the container's user reads them
        stamp = now()
        row = {
            "name": name,
            "model": self.config.model,
            "target": self.target.name,
            "port": port,
            "replicas": replicas or self.config.replicas,
            "version": None,
            "previous_version": None,
            "status": "deploying",
            "created_at": stamp,
            "created_by": self.user,
            "updated_at": stamp,
        }
        self.records.create(row)
        self.records.event(name, self.user, "create", None, "succeeded", {"port": port})
        return row, key

    def _image(self, version: dict[str, Any], progress: Progress) -> str:
        """The version's image, built first if this engine does not have it."""
        tag = image_tag(version)
        import docker

        client = getattr(self.target, "client", None)
        if client is not None:
            try:
                client.images.get(tag)
                return tag
            except docker.errors.ImageNotFound:
                pass
        progress(f"building {version['tag']} (no image yet)")
        builds = BuildService(self.project_dir, self.store)

        def steps(event: dict[str, Any]) -> None:
            for line in event.get("lines", []):
                if line.startswith("── "):
                    progress(f"build: {line[3:]}")

        builds.listeners.append(steps)
        build = builds.wait(builds.start(str(version["tag"]), self.user)["id"])
        if build["status"] != "succeeded":
            error = build["error"] or {}
            raise DeployFailed(
                f"{version['tag']}: the image build {build['status']}:"
                f" {error.get('message', 'see its log')}",
                [],
            )
        return tag

    def _start(
        self, row: dict[str, Any], tag: str, image: str, count: int, progress: Progress
    ) -> list[Replica]:
        spec = ReplicaSpec(
            deployment=row["name"],
            project_key=self.project_key,
            version=tag,
            image=image,
            api_keys_file=self.folder(row["name"]) / "api-keys",
            cpus=self.config.resources.cpus,
            memory=self.config.resources.memory,
        )
        started: list[Replica] = []
        try:
            for index in range(count):
                started.append(self.target.start(spec))
                progress(f"replica {index + 1}/{count} of {tag} started")
            ready = []
            for replica in started:
                ready.append(self.target.wait_ready(replica, READY_TIMEOUT_S))
                progress(f"replica {replica.id[:12]} is ready")
            return ready
        except ReplicaFailed as exc:
            for replica in started:
                self.target.stop(replica, 1)
            self.records.event(
                row["name"], self.user, "update", tag, "failed",
                {"message": exc.message, "log": exc.log[-40:]},
            )  # fmt: skip
            serving = f"; {row['version']} keeps serving" if row["version"] else ""
            raise DeployFailed(f"{exc.message}{serving}", exc.log) from None


def _replica_dict(replica: Replica) -> dict[str, Any]:
    return {
        "id": replica.id[:12],
        "version": replica.version,
        "address": replica.address,
        "state": replica.state,
        "started_at": replica.started_at,
        "restarts": replica.restarts,
    }
