"""Carrying out an accepted deploy, update, rollback or down without failing a request: the new
replicas start and must answer ready, the gateway switches to them, and only then are the old
ones stopped (each finishes its requests in flight). A version whose model does not load never
takes traffic: its replicas are removed, the old ones keep serving, and the failure is reported
with the replica's own log lines."""

import time
from typing import Any

from ..builds.secret_values import declared_values
from ..clock import now
from ..config import load_config
from ..errors import DeployError
from ..targets.base import Replica, ReplicaFailed, ReplicaSpec, Target
from .context import DeploymentContext
from .early import EarlyReplicas
from .ledger import Ledger
from .metrics import retire
from .nginx_config import Upstream
from .operations import Accepted, Operation
from .views import replica_dict

READY_TIMEOUT_S = 120.0
DRAIN_S = 10.0


class DeployFailed(DeployError):
    """The new version's replicas did not become ready; the deployment serves what it did."""

    code = "deploy_failed"

    def __init__(self, message: str, log: list[str]) -> None:
        super().__init__(message)
        self.log = log


def up(context: DeploymentContext, accepted: Accepted) -> list[Replica] | None:
    """Returns the deployment's replicas when it listed them after the switch (an update)."""
    operation = accepted.operation
    name = accepted.deployment["name"]
    row = context.row(name)
    target = context.target(row["target"])
    artifacts = context.artifacts(target)
    version = accepted.version
    assert version is not None  # every accepted deploy, update or rollback has one
    tag = str(version["tag"])
    count = accepted.replicas or int(row["replicas"])
    by, action = str(operation.data["by"]), str(operation.data["action"])
    began = time.monotonic()
    old = context.listed(row)
    early = EarlyReplicas(target, replica_spec(context, row, tag, ""), count, operation)
    try:
        artifact = artifacts.prepare(version, by, operation.progress, early.start)
    except BaseException as exc:
        early.discard()
        if isinstance(exc, DeployError):
            context.records.event(name, by, action, tag, "failed", {"message": exc.message})
        raise
    started = early.keep_if(artifacts.identity(artifact))
    new = _start(context, row, target, tag, artifact, count, operation, started)
    operation.progress("switch", f"the gateway on port {row['port']} sends traffic to {tag}")
    context.gateway(row).start([Upstream(r.address, r.id[:12]) for r in new])
    context.records.update(
        name,
        version=tag,
        previous_version=row["version"] if row["version"] != tag else row["previous_version"],
        replicas=count,
        status="running",
        # The endpoint's uptime: an update or a rollback does not begin it again.
        live_since=(row["live_since"] if row["status"] == "running" else None) or now(),
    )
    listed = stop_replicas(context, row, target, old, operation, keep=new)
    took = round(time.monotonic() - began, 2)
    # Clean-up, not a step of the operation: what went is in the history's detail.
    removed = artifacts.collect_garbage()
    detail: dict[str, Any] = {"replicas": count, "seconds": took}
    if removed:
        detail["images_removed"] = removed
    context.records.event(name, by, action, tag, "succeeded", detail)
    return listed


def down(context: DeploymentContext, accepted: Accepted) -> None:
    operation = accepted.operation
    row = context.row(accepted.deployment["name"])
    operation.progress("drain", f"the gateway on port {row['port']} stops")
    context.gateway(row).stop()
    target = context.target(row["target"])
    stop_replicas(context, row, target, context.listed(row), operation)
    with context.ledger(row["name"]).changing() as recorded:
        # Totals are the endpoint's since it came up, as its uptime: the next start is new.
        recorded.ledger = Ledger(folded=recorded.ledger.folded)
    context.records.update(row["name"], status="stopped", live_since=None)
    context.records.event(row["name"], operation.data["by"], "down", row["version"], "succeeded")


def _start(
    context: DeploymentContext,
    row: dict[str, Any],
    target: Target,
    tag: str,
    artifact: str,
    count: int,
    operation: Operation,
    started: list[Replica],
) -> list[Replica]:
    spec = replica_spec(context, row, tag, artifact)
    started = list(started)
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
        context.records.event(
            row["name"], operation.data["by"], str(operation.data["action"]), tag, "failed",
            {"message": exc.message, "log": exc.log[-40:]},
        )  # fmt: skip
        if not row["version"]:
            context.records.update(row["name"], status="failed")
        serving = f"; {row['version']} keeps serving" if row["version"] else ""
        raise DeployFailed(f"{exc.message}{serving}", exc.log) from None


def stop_replicas(
    context: DeploymentContext,
    row: dict[str, Any],
    target: Target,
    leaving: list[Replica],
    operation: Operation | None,
    keep: list[Replica] | None = None,
    grace_s: float = DRAIN_S,
) -> list[Replica] | None:
    """Stop replicas the gateway no longer sends requests to, each read one last time once
    drained, so that what it answered since the last scrape stays in the totals. Called
    with the deployment's lock held: then `keep` is every replica left, and the ledger
    forgets any other (one that vanished unseen keeps the values last read). Returns the
    replicas that stay as listed after the drain (None when there was nothing to stop)."""
    now_listed: dict[str, Replica] = {}
    if leaving:
        context.gateway(row).wait_drained(grace_s)
        # Restart counts as they are now: one listed earlier may have restarted since.
        now_listed = {r.id: r for r in target.replicas(row["name"], context.project_key)}
    ledger = context.ledger(row["name"])
    for replica in leaving:
        if operation is not None:
            operation.progress("drain", f"{replica.version} replica {replica.id[:12]} drains")
        restarts = now_listed.get(replica.id, replica).restarts
        key = replica_dict(replica)["id"]
        retire(ledger, key, replica.address, replica.version, restarts, grace_s)
        target.stop(replica, grace_s)
    with ledger.changing() as recorded:
        recorded.ledger.retire_absent({replica_dict(r)["id"] for r in keep or []})
    if not leaving:
        return None
    gone = {replica.id for replica in leaving}
    return [replica for replica in now_listed.values() if replica.id not in gone]


def replica_spec(
    context: DeploymentContext, row: dict[str, Any], tag: str, artifact: str
) -> ReplicaSpec:
    return ReplicaSpec(
        deployment=row["name"],
        project_key=context.project_key,
        version=tag,
        artifact=artifact,
        workers=int(row["workers"]),
        max_batch=int(row["max_batch"]),
        api_keys_file=context.folder(row["name"]) / "api-keys",
        cpus=context.config.resources.cpus,
        memory=context.config.resources.memory,
        secrets=declared_secrets(context),
    )


def declared_secrets(context: DeploymentContext) -> dict[str, str]:
    """The declared secrets' values. The config is read again: the server keeps its context
    while the user edits `secrets:`, and the build's smoke test reads the file as it is."""
    return declared_values(load_config(context.project_dir).secrets)
