"""Creating a deployment: its target chosen once, a gateway port no other deployment of the
project has, its API key (the digest beside the gateway, the key itself in the user's own copy),
its folder and its row."""

from typing import Any

from ..clock import now
from ..processes import free_port
from ..runtime.keys import new_key
from .context import DeploymentContext
from .keys import key_file, save_key
from .spec import DeploySpec


def create(
    context: DeploymentContext, name: str, spec: DeploySpec, by: str
) -> tuple[dict[str, Any], str | None]:
    """The deployment `name`, created for `spec` with its key (shown once); or, when another
    caller created it meanwhile, that one without a key."""
    chosen = context.chosen_target(spec.target)
    # One creation at a time per project: ports are chosen against the recorded ones.
    with context.lock("").held():
        existing = context.records.get(name)
        if existing is not None:
            return existing, None
        taken = context.records.ports()
        port = free_port()
        while port in taken:
            port = free_port()
        key, key_digest = new_key()
        folder = context.folder(name)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "api-keys").write_text(key_digest + "\n")
        (folder / "api-keys").chmod(0o644)  # digests only; the container's user reads them
        save_key(key_file(context.project_key, name), key)
        stamp = now()
        config = context.config
        row = {
            "name": name,
            "model": config.model,
            "target": chosen.name,
            "port": port,
            "replicas": spec.replicas or config.replicas,
            "version": None,
            "previous_version": None,
            "status": "deploying",
            "max_batch": spec.max_batch or 1,
            "workers": workers_for(config.resources.cpus),
            "live_since": None,
            "operation": None,
            "created_at": stamp,
            "created_by": by,
            "updated_at": stamp,
        }
        context.records.create(row)
        context.records.event(
            name, by, "create", None, "succeeded", {"port": port, "target": chosen.name}
        )
    return row, key


def workers_for(cpus: float | None) -> int:
    """Model server processes per replica: one per whole CPU the replica may use (two when
    unlimited). More than its CPUs gains nothing and doubles its start: each loads the model."""
    if cpus is None:
        return 2
    return max(1, min(8, int(cpus)))
