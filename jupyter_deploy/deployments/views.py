"""Reading deployments: a deployment's status (endpoint, version, replicas, history), the
listing, its replicas alone, their logs, and its metrics."""

from collections.abc import Iterator
from typing import Any

from ..errors import Conflict
from ..targets.base import Replica
from .context import DeploymentContext
from .keys import key_file
from .metrics import MetricsSampler


def status(
    context: DeploymentContext,
    name: str,
    events: bool = True,
    listed: list[Replica] | None = None,
) -> dict[str, Any]:
    """`listed`: the replicas when the caller has just read them."""
    row = context.row(name)
    gateway = context.gateway(row)
    replicas = context.listed(row) if listed is None else listed
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
        "replicas": [replica_dict(r) for r in replicas],
        "gateway": {"running": gateway.running()},
        "live_since": row["live_since"],
        "settings": {"max_batch": row["max_batch"], "workers": row["workers"]},
        "api_key_file": str(key_file(context.project_key, row["name"])),
        "created_at": row["created_at"],
        "created_by": row["created_by"],
        "updated_at": row["updated_at"],
        "operation": row["operation"],
    }
    if events:
        result["events"] = context.records.events(row["name"])
    return result


def replicas(context: DeploymentContext, name: str) -> list[dict[str, Any]]:
    """The deployment's replicas alone: what a metrics scrape needs, without the rest."""
    return [replica_dict(r) for r in context.listed(context.row(name))]


def listing(context: DeploymentContext) -> list[dict[str, Any]]:
    return [status(context, row["name"], events=False) for row in context.records.all()]


def logs(context: DeploymentContext, name: str, tail: int, follow: bool) -> Iterator[str]:
    row = context.row(name)
    target = context.target(row["target"])
    found = target.replicas(row["name"], context.project_key)
    if not found:
        raise Conflict(f"{row['name']} has no replicas running")
    if follow:
        yield from target.logs(found[-1], tail, follow=True)
        return
    for replica in found:
        for line in target.logs(replica, tail):
            yield f"{replica.id[:12]} {line}"


def metrics(context: DeploymentContext, name: str, sampler: MetricsSampler) -> dict[str, Any]:
    """The deployment's Metrics (with its recent history): its replicas scraped now, their
    counts added to the deployment's ledger."""
    listed = replicas(context, name)
    return sampler.sample(
        f"{context.project_key}/{name}",
        [(r["id"], r["address"], r["version"]) for r in listed],
        {r["id"]: r["restarts"] for r in listed},
        context.ledger(name),
    )


def replica_dict(replica: Replica) -> dict[str, Any]:
    return {
        "id": replica.id[:12],
        "version": replica.version,
        "address": replica.address,
        "state": replica.state,
        "started_at": replica.started_at,
        "restarts": replica.restarts,
    }
