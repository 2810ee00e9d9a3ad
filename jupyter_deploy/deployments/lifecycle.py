"""Each operation is accepted first (`begin_*`: checked, recorded, its deployment locked) and
then carried out (`carry_out`), so a caller can answer at once and report progress as events.
`rollback` is an update to the previous version, whose artifact is still there. Every action is
recorded with who did it and when."""

from typing import Any

from ..errors import Conflict, DeployError
from ..targets.base import Replica
from ..versions import Versions
from . import rollout
from .context import DeploymentContext
from .nginx import find_nginx
from .operations import Accepted, DeploymentLock, Operation, busy
from .provisioning import create
from .spec import DeploySpec
from .views import status


def begin_up(
    context: DeploymentContext, spec: DeploySpec, user: str, action: str | None = None
) -> Accepted:
    """Check a deploy or update of `spec.version` as `spec.name` (default: the model's name)
    and record it; the deployment stays locked until `carry_out` ends it."""
    name = spec.name or context.config.model
    version = Versions(context.project_dir, context.store).show(spec.version)
    find_nginx()  # refused now, with how to install it, rather than half-way through
    rollout.declared_secrets(context)  # as is a declared secret that is not set
    api_key = None
    row = context.records.get(name)
    if row is None:
        row, api_key = create(context, name, spec, user)
    elif spec.target not in (None, "auto", row["target"]):
        raise Conflict(
            f"{name} runs on the {row['target']} target; take it down and deploy it under"
            f" another name to use {spec.target}"
        )
    lock = _take(context, row)
    if spec.max_batch is not None:
        context.records.update(name, max_batch=spec.max_batch)
    action = action or ("deploy" if row["version"] is None else "update")
    tag = str(version["tag"])
    operation = Operation(context.records, name, action, tag, user, lock, context.emit)
    return Accepted(operation, context.row(name), api_key, version, spec.replicas)


def begin_rollback(context: DeploymentContext, name: str, user: str) -> Accepted:
    row = context.row(name)
    if not row["previous_version"]:
        raise Conflict(f"{row['name']} has no previous version to roll back to")
    spec = DeploySpec(version=row["previous_version"], name=row["name"])
    return begin_up(context, spec, user, action="rollback")


def begin_down(context: DeploymentContext, name: str, user: str) -> Accepted:
    row = context.row(name)
    if row["status"] == "stopped":
        raise Conflict(f"{row['name']} is already stopped")
    lock = _take(context, row)
    operation = Operation(
        context.records, row["name"], "down", row["version"], user, lock, context.emit
    )
    return Accepted(operation, row)


def _take(context: DeploymentContext, row: dict[str, Any]) -> DeploymentLock:
    lock = context.lock(row["name"])
    if not lock.try_acquire():
        raise busy(row["name"], row.get("operation"))
    return lock


def carry_out(context: DeploymentContext, accepted: Accepted) -> dict[str, Any]:
    """Do the accepted operation; its outcome is recorded whatever happens."""
    operation = accepted.operation
    name = accepted.deployment["name"]
    listed = None
    try:
        if operation.data["action"] == "down":
            rollout.down(context, accepted)
        else:
            # The replicas the update listed after its drain: not asked of the engine again.
            listed = rollout.up(context, accepted)
    except DeployError as exc:
        operation.end({"code": exc.code, "message": exc.message, "log": _log_of(exc)})
        emit_status(context, name)
        raise
    except BaseException as exc:
        message = f"{type(exc).__name__}: {exc}"
        operation.end({"code": "internal_error", "message": message, "log": []})
        emit_status(context, name)
        raise
    operation.end()
    return emit_status(context, name, listed)


def emit_status(
    context: DeploymentContext, name: str, listed: list[Replica] | None = None
) -> dict[str, Any]:
    current = status(context, name, listed=listed)
    context.emit("deployment", name, current)
    return current


def _log_of(exc: DeployError) -> list[str]:
    log = getattr(exc, "log", None)
    return [str(line) for line in log[-40:]] if isinstance(log, list) else []
