"""After a restart: an operation nobody carries on any more is recorded as interrupted; each
running deployment keeps only its recorded version's replicas (an update stopped half-way left
others: they never took traffic), and its gateway runs and points at them. A deployment whose
lock is held is being changed by a live process and is left alone."""

from typing import Any

from ..clock import now
from .context import DeploymentContext
from .nginx_config import Upstream
from .rollout import stop_replicas


def reconcile(context: DeploymentContext) -> list[str]:
    """What was mended, one line each."""
    mended: list[str] = []
    for row in context.records.all():
        lock = context.lock(row["name"])
        if not lock.try_acquire():
            continue
        try:
            mine = _interrupted(context, row) + _replicas_and_gateway(context, row)
            if mine:
                context.records.event(
                    row["name"], context.user, "reconcile", row["version"], "succeeded",
                    {"mended": mine},
                )  # fmt: skip
        finally:
            lock.release()
        mended += mine
    return mended


def _interrupted(context: DeploymentContext, row: dict[str, Any]) -> list[str]:
    operation = row["operation"]
    if not operation or operation.get("status") != "running":
        return []
    name = row["name"]
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
    context.records.update(name, operation=operation)
    if row["status"] == "deploying":
        context.records.update(name, status="failed")
    return [f"{name}: the {operation['action']} left running was interrupted"]


def _replicas_and_gateway(context: DeploymentContext, row: dict[str, Any]) -> list[str]:
    if row["status"] != "running":
        return []
    name, mended = row["name"], []
    target = context.target(row["target"])
    replicas = target.replicas(name, context.project_key)
    strays = [r for r in replicas if r.version != row["version"]]
    # Strays of an update stopped after its switch took traffic: their counts stay.
    serving = [r for r in replicas if r not in strays]
    stop_replicas(context, row, target, strays, None, serving, 1)
    for stray in strays:
        mended.append(f"{name}: removed a {stray.version} replica")
    gateway = context.gateway(row)
    wanted = [r.address for r in serving]
    if not gateway.running() or [u.address for u in gateway.upstreams()] != wanted:
        gateway.start([Upstream(r.address, r.id[:12]) for r in serving])
        mended.append(f"{name}: gateway on port {row['port']} re-attached")
    return mended
