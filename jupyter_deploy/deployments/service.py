"""Deployments of a project's model: a name, a stable endpoint (a gateway on a port chosen once)
and replicas of one version behind it, on one target.

`up` deploys a version or moves a deployment to another one without failing a request: the new
replicas start and must answer ready, the gateway switches to them, and only then are the old
ones stopped (each finishes its requests in flight). A version whose model does not load never
takes traffic: its replicas are removed, the old ones keep serving, and the failure is reported
with the replica's own log lines. `rollback` is `up` to the previous version, whose image is
still there. Every action is recorded with who did it and when.

Each operation is accepted first (`begin`: checked, recorded, its deployment locked) and then
carried out (`carry_out`), so the server can answer at once and report progress as events."""

import dataclasses
import hashlib
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..builds.secret_values import declared_values
from ..builds.service import BuildService
from ..config import ProjectConfig, load_config
from ..errors import Conflict, DeployError, InvalidInput, NotFound
from ..runs.records import now
from ..runtime.keys import new_key
from ..store import STATE_DIR, Store, open_store
from ..targets.base import PrepareContext, Replica, ReplicaFailed, ReplicaSpec, Target
from ..targets.docker import free_port
from ..versions import Versions
from .gateway import Gateway, Upstream, find_nginx
from .keys import key_file, save_key
from .ledger import LEDGER_FILE, Ledger, LedgerFile
from .metrics import MetricsSampler, retire
from .operations import DeploymentLock, Listener, Operation, busy
from .records import DeploymentRecords

Progress = Callable[[str, str], None]  # (step, message)
READY_TIMEOUT_S = 120.0
DRAIN_S = 10.0
DEPLOYMENTS_DIR = "deployments"
TARGET_NAMES = ("auto", "docker", "local")
_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


class DeployFailed(DeployError):
    """The new version's replicas did not become ready; the deployment serves what it did."""

    code = "deploy_failed"

    def __init__(self, message: str, log: list[str]) -> None:
        super().__init__(message)
        self.log = log


@dataclass
class Accepted:
    """An operation that was checked and recorded, waiting to be carried out."""

    operation: Operation
    deployment: dict[str, Any]
    api_key: str | None = None
    version: dict[str, Any] | None = None  # read once, when accepted
    replicas: int | None = None


def _quiet(_: str, __: str) -> None:
    pass


def make_target(name: str) -> Target:
    """The target called `name`; `auto` is docker when an engine answers, else local."""
    if name == "auto":
        from ..probes import probe_docker

        name = "docker" if probe_docker(None, timeout_s=3.0).reachable else "local"
    if name == "docker":
        from ..targets.docker import DockerTarget

        return DockerTarget()
    if name == "local":
        from ..targets.local import LocalTarget

        return LocalTarget()
    raise InvalidInput(f"target: expected one of {', '.join(TARGET_NAMES)}, got {name!r}")


class Deployments:
    def __init__(
        self,
        project_dir: Path,
        store: Store | None = None,
        target: Target | None = None,
        user: str = "anonymous",
        builds: BuildService | None = None,
    ) -> None:
        self.project_dir = project_dir.resolve()
        self.store = store or open_store(self.project_dir)
        # The server gives its own: a build a deploy starts is then one of its builds (listed,
        # pushed as events, stopped at shutdown), not a hidden one.
        self.builds = builds or BuildService(self.project_dir, self.store)
        self.records = DeploymentRecords(self.store)
        self.config: ProjectConfig = load_config(self.project_dir)
        self.user = user
        self.listeners: list[Listener] = []
        self._fixed_target = target
        self._targets: dict[str, Target] = {}
        self._targets_lock = threading.Lock()
        # Labels tell projects apart that name a deployment alike.
        self.project_key = hashlib.sha256(str(self.project_dir).encode()).hexdigest()[:12]

    # ----- targets, folders, locks

    def target(self, name: str) -> Target:
        if self._fixed_target is not None:
            return self._fixed_target
        with self._targets_lock:
            if name not in self._targets:
                self._targets[name] = make_target(name)
            return self._targets[name]

    def _resolve_target(self, wanted: str | None) -> Target:
        if self._fixed_target is not None:
            return self._fixed_target
        name = wanted or self.config.target
        if name not in TARGET_NAMES:
            raise InvalidInput(f"target: expected one of {', '.join(TARGET_NAMES)}, got {name!r}")
        target = make_target(name)
        with self._targets_lock:
            return self._targets.setdefault(target.name, target)

    def folder(self, name: str) -> Path:
        return self.project_dir / STATE_DIR / DEPLOYMENTS_DIR / name

    def ledger(self, name: str) -> LedgerFile:
        """The deployment's request totals, kept beside its gateway (ledger.py)."""
        return ledger_file(self.project_dir, name)

    def lock(self, name: str) -> DeploymentLock:
        return DeploymentLock(self.project_dir / STATE_DIR / DEPLOYMENTS_DIR / f"{name}.lock")

    def gateway(self, row: dict[str, Any]) -> Gateway:
        return Gateway(self.folder(row["name"]) / "gateway", int(row["port"]))

    # ----- accepting operations

    def begin_up(
        self,
        reference: str,
        name: str | None = None,
        replicas: int | None = None,
        target: str | None = None,
        max_batch: int | None = None,
        action: str | None = None,
        user: str | None = None,
    ) -> Accepted:
        """Check a deploy or update of `reference` (MODEL@vN) as `name` (default: the model's
        name) and record it; the deployment stays locked until `carry_out` ends it."""
        name = name or self.config.model
        by = user or self.user
        if not _NAME.match(name):
            raise InvalidInput(
                f"deployment name: lowercase letters, digits and dashes, up to 63, got {name!r}"
            )
        if replicas is not None and (isinstance(replicas, bool) or not 1 <= replicas <= 32):
            raise InvalidInput(f"replicas: expected 1 to 32, got {replicas}")
        if max_batch is not None and (isinstance(max_batch, bool) or not 1 <= max_batch <= 1024):
            raise InvalidInput(f"max_batch: expected 1 to 1024, got {max_batch}")
        if target is not None and target not in TARGET_NAMES:
            raise InvalidInput(f"target: expected one of {', '.join(TARGET_NAMES)}, got {target!r}")
        version = Versions(self.project_dir, self.store).show(reference)
        tag = str(version["tag"])
        find_nginx()  # refused now, with how to install it, rather than half-way through
        self._secrets()  # as is a declared secret that is not set
        api_key = None
        row = self.records.get(name)
        if row is None:
            row, api_key = self._create(name, replicas, target, max_batch, by)
        elif target not in (None, "auto", row["target"]):
            raise Conflict(
                f"{name} runs on the {row['target']} target; take it down and deploy it under"
                f" another name to use {target}"
            )
        lock = self._take(row)
        updates: dict[str, Any] = {}
        if max_batch is not None:
            updates["max_batch"] = max_batch
        if updates:
            self.records.update(name, **updates)
        action = action or ("deploy" if row["version"] is None else "update")
        operation = Operation(self.records, name, action, tag, by, lock, self.listeners)
        return Accepted(operation, self._row(name), api_key, version, replicas)

    def begin_rollback(self, name: str | None = None, user: str | None = None) -> Accepted:
        row = self._row(name or self.config.model)
        if not row["previous_version"]:
            raise Conflict(f"{row['name']} has no previous version to roll back to")
        return self.begin_up(row["previous_version"], row["name"], action="rollback", user=user)

    def begin_down(self, name: str | None = None, user: str | None = None) -> Accepted:
        row = self._row(name or self.config.model)
        if row["status"] == "stopped":
            raise Conflict(f"{row['name']} is already stopped")
        lock = self._take(row)
        by = user or self.user
        operation = Operation(
            self.records, row["name"], "down", row["version"], by, lock, self.listeners
        )
        return Accepted(operation, row)

    def _take(self, row: dict[str, Any]) -> DeploymentLock:
        lock = self.lock(row["name"])
        if not lock.try_acquire():
            raise busy(row["name"], row.get("operation"))
        return lock

    # ----- carrying them out

    def carry_out(self, accepted: Accepted) -> dict[str, Any]:
        """Do the accepted operation; its outcome is recorded whatever happens."""
        operation = accepted.operation
        try:
            if operation.data["action"] == "down":
                self._down(accepted.deployment["name"], operation)
            else:
                self._up(accepted, operation)
        except DeployError as exc:
            operation.end({"code": exc.code, "message": exc.message, "log": _log_of(exc)})
            self._emit_status(accepted.deployment["name"])
            raise
        except BaseException as exc:
            message = f"{type(exc).__name__}: {exc}"
            operation.end({"code": "internal_error", "message": message, "log": []})
            self._emit_status(accepted.deployment["name"])
            raise
        operation.end()
        return self._emit_status(accepted.deployment["name"])

    def up(
        self,
        reference: str,
        name: str | None = None,
        replicas: int | None = None,
        progress: Progress = _quiet,
        target: str | None = None,
        max_batch: int | None = None,
    ) -> dict[str, Any]:
        """Deploy or update, start to end (the CLI's and the tests' way)."""
        accepted = self.begin_up(reference, name, replicas, target, max_batch)
        result = self._following(accepted, progress)
        if accepted.api_key is not None:
            result["api_key"] = accepted.api_key  # shown once: only its digest is kept
        return result

    def rollback(self, name: str | None = None, progress: Progress = _quiet) -> dict[str, Any]:
        return self._following(self.begin_rollback(name), progress)

    def down(self, name: str | None = None, progress: Progress = _quiet) -> dict[str, Any]:
        return self._following(self.begin_down(name), progress)

    def _following(self, accepted: Accepted, progress: Progress) -> dict[str, Any]:
        def tell(kind: str, payload: dict[str, Any]) -> None:
            operation = payload.get("operation") or {}
            ours = kind == "operation" and operation.get("id") == accepted.operation.id
            if ours and operation["messages"] and operation["status"] == "running":
                last = operation["messages"][-1]
                progress(last["step"], last["message"])

        self.listeners.append(tell)
        try:
            return self.carry_out(accepted)
        finally:
            self.listeners.remove(tell)

    def _up(self, accepted: Accepted, operation: Operation) -> None:
        name = accepted.deployment["name"]
        row = self._row(name)
        target = self.target(row["target"])
        version = accepted.version
        assert version is not None  # every accepted deploy, update or rollback has one
        tag = str(version["tag"])
        count = accepted.replicas or int(row["replicas"])
        began = time.monotonic()
        old = target.replicas(name, self.project_key)
        early = _EarlyReplicas(target, self._spec(row, tag, ""), count, operation)
        by = str(operation.data["by"])
        context = PrepareContext(
            self.project_dir, self.store, by, operation.progress, early.start, self.builds
        )
        try:
            image = target.prepare(version, context)
        except BaseException as exc:
            early.discard()
            if isinstance(exc, DeployError):
                self.records.event(
                    name, by, str(operation.data["action"]), tag, "failed",
                    {"message": exc.message},
                )  # fmt: skip
            raise
        started = early.keep_if(target.identity(image))
        new = self._start(row, target, tag, image, count, operation, started)
        operation.progress("switch", f"the gateway on port {row['port']} sends traffic to {tag}")
        self.gateway(row).start([Upstream(r.address, r.id[:12]) for r in new])
        self.records.update(
            name,
            version=tag,
            previous_version=row["version"] if row["version"] != tag else row["previous_version"],
            replicas=count,
            status="running",
            # The endpoint's uptime: an update or a rollback does not begin it again.
            live_since=(row["live_since"] if row["status"] == "running" else None) or now(),
        )
        self._retire(row, target, old, operation, keep=new)
        took = round(time.monotonic() - began, 2)
        # Clean-up, not a step of the operation: what went is in the history's detail.
        removed = target.collect_garbage()
        detail: dict[str, Any] = {"replicas": count, "seconds": took}
        if removed:
            detail["images_removed"] = removed
        self.records.event(
            name, operation.data["by"], str(operation.data["action"]), tag, "succeeded", detail
        )

    def _down(self, name: str, operation: Operation) -> None:
        row = self._row(name)
        target = self.target(row["target"])
        operation.progress("drain", f"the gateway on port {row['port']} stops")
        self.gateway(row).stop()
        self._retire(row, target, target.replicas(name, self.project_key), operation)
        with self.ledger(name).changing() as recorded:
            # Totals are the endpoint's since it came up, as its uptime: the next start is new.
            recorded.ledger = Ledger(folded=recorded.ledger.folded)
        self.records.update(name, status="stopped", live_since=None)
        self.records.event(name, operation.data["by"], "down", row["version"], "succeeded")

    def _start(
        self,
        row: dict[str, Any],
        target: Target,
        tag: str,
        image: str,
        count: int,
        operation: Operation,
        started: list[Replica] | None = None,
    ) -> list[Replica]:
        """Start the replicas (`started`: those already started early) and wait until all are
        ready; if one fails, none is left."""
        spec = self._spec(row, tag, image)
        started = list(started or [])
        if started:
            operation.progress(
                "start", f"{len(started)} replica(s) of {tag} started during the build: kept"
            )
        try:
            for index in range(len(started), count):
                operation.progress("start", f"replica {index + 1}/{count} of {tag} starting")
                started.append(target.start(spec))
            ready = []
            for replica in started:
                operation.progress("ready", f"waiting for replica {replica.id[:12]} to be ready")
                ready.append(target.wait_ready(replica, READY_TIMEOUT_S))
                operation.progress("ready", f"replica {replica.id[:12]} is ready")
            return ready
        except ReplicaFailed as exc:
            for replica in started:
                target.stop(replica, 1)
            self.records.event(
                row["name"], operation.data["by"], str(operation.data["action"]), tag, "failed",
                {"message": exc.message, "log": exc.log[-40:]},
            )  # fmt: skip
            if not row["version"]:
                self.records.update(row["name"], status="failed")
            serving = f"; {row['version']} keeps serving" if row["version"] else ""
            raise DeployFailed(f"{exc.message}{serving}", exc.log) from None

    def _retire(
        self,
        row: dict[str, Any],
        target: Target,
        leaving: list[Replica],
        operation: Operation | None,
        keep: list[Replica] | None = None,
        grace_s: float = DRAIN_S,
    ) -> None:
        """Stop replicas the gateway no longer sends requests to, each read one last time once
        drained, so that what it answered since the last scrape stays in the totals. Called
        with the deployment's lock held: then `keep` is every replica left, and the ledger
        forgets any other (one that vanished unseen keeps the values last read)."""
        now_listed: dict[str, Replica] = {}
        if leaving:
            self.gateway(row).wait_drained(grace_s)
            # Restart counts as they are now: one listed earlier may have restarted since.
            now_listed = {r.id: r for r in target.replicas(row["name"], self.project_key)}
        ledger = self.ledger(row["name"])
        for replica in leaving:
            if operation is not None:
                operation.progress("drain", f"{replica.version} replica {replica.id[:12]} drains")
            restarts = now_listed.get(replica.id, replica).restarts
            key = _replica_dict(replica)["id"]
            retire(ledger, key, replica.address, replica.version, restarts, grace_s)
            target.stop(replica, grace_s)
        with ledger.changing() as recorded:
            recorded.ledger.retire_absent({_replica_dict(r)["id"] for r in keep or []})

    def metrics(self, name: str, sampler: MetricsSampler) -> dict[str, Any]:
        """The deployment's Metrics (with its recent history): its replicas scraped now, their
        counts added to the deployment's ledger."""
        listed = self.replicas(name)
        return sampler.sample(
            f"{self.project_key}/{name}",
            [(r["id"], r["address"], r["version"]) for r in listed],
            {r["id"]: r["restarts"] for r in listed},
            self.ledger(name),
        )

    def _spec(self, row: dict[str, Any], tag: str, image: str) -> ReplicaSpec:
        return ReplicaSpec(
            deployment=row["name"],
            project_key=self.project_key,
            version=tag,
            image=image,
            workers=int(row["workers"]),
            max_batch=int(row["max_batch"]),
            api_keys_file=self.folder(row["name"]) / "api-keys",
            cpus=self.config.resources.cpus,
            memory=self.config.resources.memory,
            secrets=self._secrets(),
        )

    def _secrets(self) -> dict[str, str]:
        """The declared secrets' values. The config is read again: the server keeps this object
        while the user edits `secrets:`, and the build's smoke test reads the file as it is."""
        return declared_values(load_config(self.project_dir).secrets)

    # ----- reading

    def status(self, name: str | None = None, events: bool = True) -> dict[str, Any]:
        row = self._row(name or self.config.model)
        gateway = self.gateway(row)
        replicas = self.target(row["target"]).replicas(row["name"], self.project_key)
        running = gateway.running()
        result = {
            "name": row["name"],
            "model": row["model"],
            "target": row["target"],
            "status": row["status"],
            "version": row["version"],
            "previous_version": row["previous_version"],
            "endpoint": gateway.url if row["status"] == "running" else None,
            "port": row["port"],
            "replica_count": row["replicas"],
            "replicas": [_replica_dict(r) for r in replicas],
            "gateway": {"running": running},
            "live_since": row["live_since"],
            "settings": {"max_batch": row["max_batch"], "workers": row["workers"]},
            "api_key_file": str(key_file(self.project_key, row["name"])),
            "created_at": row["created_at"],
            "created_by": row["created_by"],
            "updated_at": row["updated_at"],
            "operation": row["operation"],
        }
        if events:
            result["events"] = self.records.events(row["name"])
        return result

    def replicas(self, name: str) -> list[dict[str, Any]]:
        """The deployment's replicas alone: what a metrics scrape needs, without the rest."""
        target = self.target(self._row(name)["target"])
        return [_replica_dict(r) for r in target.replicas(name, self.project_key)]

    def listing(self) -> list[dict[str, Any]]:
        return [self.status(row["name"], events=False) for row in self.records.all()]

    def logs(self, name: str | None = None, tail: int = 100, follow: bool = False) -> Iterator[str]:
        row = self._row(name or self.config.model)
        target = self.target(row["target"])
        replicas = target.replicas(row["name"], self.project_key)
        if not replicas:
            raise Conflict(f"{row['name']} has no replicas running")
        if follow:
            yield from target.logs(replicas[-1], tail, follow=True)
            return
        for replica in replicas:
            for line in target.logs(replica, tail):
                yield f"{replica.id[:12]} {line}"

    # ----- after a restart

    def reconcile(self) -> list[str]:
        """After a restart: an operation nobody carries on any more is recorded as interrupted;
        each running deployment keeps only its recorded version's replicas (an update stopped
        half-way left others: they never took traffic), and its gateway runs and points at
        them. A deployment whose lock is held is being changed by a live process and is left
        alone. Returns what was mended."""
        mended: list[str] = []
        for row in self.records.all():
            lock = self.lock(row["name"])
            if not lock.try_acquire():
                continue
            try:
                mended += self._reconcile_one(row)
            finally:
                lock.release()
        return mended

    def _reconcile_one(self, row: dict[str, Any]) -> list[str]:
        name, mended = row["name"], []
        operation = row["operation"]
        if operation and operation.get("status") == "running":
            operation = {
                **operation,
                "status": "failed",
                "finished_at": now(),
                "error": {
                    "code": "interrupted",
                    "message": "interrupted: the process carrying it out stopped",
                    "log": [],
                },
            }
            self.records.update(name, operation=operation)
            if row["status"] == "deploying":
                self.records.update(name, status="failed")
            mended.append(f"{name}: the {operation['action']} left running was interrupted")
        if row["status"] == "running":
            target = self.target(row["target"])
            replicas = target.replicas(name, self.project_key)
            strays = [r for r in replicas if r.version != row["version"]]
            # Strays of an update stopped after its switch took traffic: their counts stay.
            self._retire(row, target, strays, None, [r for r in replicas if r not in strays], 1)
            for stray in strays:
                mended.append(f"{name}: removed a {stray.version} replica")
            serving = [r for r in replicas if r.version == row["version"]]
            gateway = self.gateway(row)
            wanted = [r.address for r in serving]
            if not gateway.running() or [u.address for u in gateway.upstreams()] != wanted:
                gateway.start([Upstream(r.address, r.id[:12]) for r in serving])
                mended.append(f"{name}: gateway on port {row['port']} re-attached")
        if mended:
            self.records.event(
                name, self.user, "reconcile", row["version"], "succeeded", {"mended": mended}
            )
        return mended

    # ----- helpers

    def _row(self, name: str) -> dict[str, Any]:
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

    def _emit_status(self, name: str) -> dict[str, Any]:
        status = self.status(name)
        for listener in list(self.listeners):
            listener("deployment", {"name": name, "deployment": status})
        return status

    def _create(
        self,
        name: str,
        replicas: int | None,
        target: str | None,
        max_batch: int | None,
        by: str,
    ) -> tuple[dict[str, Any], str | None]:
        chosen = self._resolve_target(target)
        # One creation at a time per project: ports are chosen against the recorded ones.
        with self.lock("").held():
            existing = self.records.get(name)
            if existing is not None:
                return existing, None
            taken = self.records.ports()
            port = free_port()
            while port in taken:
                port = free_port()
            key, key_digest = new_key()
            folder = self.folder(name)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "api-keys").write_text(key_digest + "\n")
            (folder / "api-keys").chmod(0o644)  # digests only; the container's user reads them
            save_key(key_file(self.project_key, name), key)
            stamp = now()
            row = {
                "name": name,
                "model": self.config.model,
                "target": chosen.name,
                "port": port,
                "replicas": replicas or self.config.replicas,
                "version": None,
                "previous_version": None,
                "status": "deploying",
                "max_batch": max_batch or 1,
                "workers": workers_for(self.config.resources.cpus),
                "live_since": None,
                "operation": None,
                "created_at": stamp,
                "created_by": by,
                "updated_at": stamp,
            }
            self.records.create(row)
            self.records.event(
                name, by, "create", None, "succeeded", {"port": port, "target": chosen.name}
            )
        return row, key


class _EarlyReplicas:
    """Replicas started on what the version will most likely run while its build still checks
    it: a model-only version's replica then loads its model during the smoke test instead of
    after it. They take no traffic before the switch, and are kept only if the build settles
    on the very image they run."""

    def __init__(self, target: Target, spec: ReplicaSpec, count: int, operation: Operation):
        self.target, self.spec, self.count, self.operation = target, spec, count, operation
        self.image: str | None = None
        self.replicas: list[Replica] = []
        self.thread: threading.Thread | None = None

    def start(self, image: str) -> None:
        if self.thread is not None:
            return
        self.image = image
        self.operation.progress(
            "build", f"starting {self.spec.version} on the image built during its smoke test"
        )
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        assert self.image is not None
        spec = dataclasses.replace(self.spec, image=self.image)
        for _ in range(self.count):
            try:
                self.replicas.append(self.target.start(spec))
            except Exception:
                # Speculative: whatever stops it (the engine, or the image the failed build
                # removed meanwhile), replicas start the usual way after the build, which
                # reports the failure; an exception here would only die with the thread.
                return

    def keep_if(self, identity: str) -> list[Replica]:
        """The early replicas if they run `identity`; otherwise none (removed)."""
        if self.thread is None:
            return []
        self.thread.join()
        if identity == self.image:
            return self.replicas
        self.discard()
        return []

    def discard(self) -> None:
        if self.thread is not None:
            self.thread.join()
        for replica in self.replicas:
            self.target.stop(replica, 1)
        self.replicas = []


def ledger_file(project_dir: Path, name: str) -> LedgerFile:
    return LedgerFile(project_dir / STATE_DIR / DEPLOYMENTS_DIR / name / LEDGER_FILE)


def workers_for(cpus: float | None) -> int:
    """Model server processes per replica: one per whole CPU the replica may use (two when
    unlimited). More than its CPUs gains nothing and doubles its start: each loads the model."""
    if cpus is None:
        return 2
    return max(1, min(8, int(cpus)))


def _log_of(exc: DeployError) -> list[str]:
    log = getattr(exc, "log", None)
    return [str(line) for line in log[-40:]] if isinstance(log, list) else []


def _replica_dict(replica: Replica) -> dict[str, Any]:
    return {
        "id": replica.id[:12],
        "version": replica.version,
        "address": replica.address,
        "state": replica.state,
        "started_at": replica.started_at,
        "restarts": replica.restarts,
    }
