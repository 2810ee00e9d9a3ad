"""Deployments of a project's model: a name, a stable endpoint (a gateway on a port chosen once)
and replicas of one version behind it, on one target. `Deployments` is the one face every
caller (the server, the CLI, the notebook helpers, the tests) uses; the work is split by job:

- lifecycle.py: accepting an operation (checked, recorded, its deployment locked) and carrying
  it out; rollout.py: the update that fails no request; early.py: replicas started during the
  build; artifacts.py (images.py, folders.py): what the target runs, made ready;
- views.py: status, listing, replicas, logs, metrics;
- reconcile.py: what a stopped process left, mended;
- provisioning.py: creating a deployment (port, key, folder, row).

Operations the server starts run on threads owned here (`launch`), waited for by `close`."""

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from ..errors import DeployError
from . import lifecycle, views
from .context import DeploymentContext, ledger_file
from .metrics import MetricsSampler
from .operations import Accepted
from .provisioning import workers_for
from .reconcile import reconcile
from .rollout import DeployFailed
from .spec import DeploySpec

__all__ = ["Accepted", "DeployFailed", "DeploySpec", "Deployments", "ledger_file", "workers_for"]

Progress = Callable[[str, str], None]  # (step, message)
log = logging.getLogger(__name__)


def _quiet(_: str, __: str) -> None:
    pass


class Deployments(DeploymentContext):
    """A project's deployments (see DeploymentContext for what it is made with)."""

    # ----- accepting operations

    def begin_up(self, spec: DeploySpec, user: str | None = None) -> Accepted:
        """Check a deploy or update and record it; the deployment stays locked until
        `carry_out` ends it."""
        return lifecycle.begin_up(self, spec, user or self.user)

    def begin_rollback(self, name: str | None = None, user: str | None = None) -> Accepted:
        return lifecycle.begin_rollback(self, name or self.config.model, user or self.user)

    def begin_down(self, name: str | None = None, user: str | None = None) -> Accepted:
        return lifecycle.begin_down(self, name or self.config.model, user or self.user)

    # ----- carrying them out

    def carry_out(self, accepted: Accepted) -> dict[str, Any]:
        """Do the accepted operation here and now; its outcome is recorded whatever happens."""
        return lifecycle.carry_out(self, accepted)

    def launch(self, accepted: Accepted) -> None:
        """Carry the accepted operation out on a thread of this service's: its progress and
        outcome are recorded and emitted as events; `close` waits for it."""
        operation_id = accepted.operation.id

        def work() -> None:
            try:
                self.carry_out(accepted)
            except DeployError:
                pass  # recorded in the operation and emitted as an event
            except Exception:
                log.exception("deployment operation %s failed", operation_id)
            finally:
                with self._operations_lock:
                    self._operations.pop(operation_id, None)

        thread = threading.Thread(target=work, name=f"deploy-{operation_id}", daemon=True)
        with self._operations_lock:
            self._operations[operation_id] = thread
        # Nothing may fail between acceptance and here: the accepted operation holds its
        # deployment's lock, and only carrying it out releases it.
        thread.start()

    def close(self, timeout: float = 30.0) -> bool:
        """Wait for the operations `launch` started, at most `timeout` seconds in all; whether
        they all ended. One still running when the process exits is recorded as interrupted by
        the next `reconcile`."""
        deadline = time.monotonic() + timeout
        with self._operations_lock:
            running = list(self._operations.values())
        for thread in running:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in running)

    def up(
        self,
        spec: DeploySpec | str,
        name: str | None = None,
        replicas: int | None = None,
        progress: Progress = _quiet,
        target: str | None = None,
        max_batch: int | None = None,
    ) -> dict[str, Any]:
        """Deploy or update, start to end (the CLI's and the tests' way). `spec`, or a version
        (MODEL@vN) with the spec's other fields beside it."""
        if isinstance(spec, str):
            spec = DeploySpec.checked(
                version=spec, name=name, replicas=replicas, target=target, max_batch=max_batch
            )
        accepted = self.begin_up(spec)
        result = self._following(accepted, progress)
        if accepted.api_key is not None:
            result["api_key"] = accepted.api_key  # shown once: only its digest is kept
        return result

    def rollback(self, name: str | None = None, progress: Progress = _quiet) -> dict[str, Any]:
        return self._following(self.begin_rollback(name), progress)

    def down(self, name: str | None = None, progress: Progress = _quiet) -> dict[str, Any]:
        return self._following(self.begin_down(name), progress)

    def _following(self, accepted: Accepted, progress: Progress) -> dict[str, Any]:
        def tell(_: str, event: dict[str, Any]) -> None:
            operation = event.get("operation") or {}
            ours = event["kind"] == "operation" and operation.get("id") == accepted.operation.id
            if ours and operation["messages"] and operation["status"] == "running":
                last = operation["messages"][-1]
                progress(last["step"], last["message"])

        with self.events.watching(tell):
            return self.carry_out(accepted)

    # ----- reading

    def status(self, name: str | None = None, events: bool = True) -> dict[str, Any]:
        return views.status(self, name or self.config.model, events)

    def listing(self) -> list[dict[str, Any]]:
        return views.listing(self)

    def replicas(self, name: str) -> list[dict[str, Any]]:
        """The deployment's replicas alone: what a metrics scrape needs, without the rest."""
        return views.replicas(self, name)

    def logs(self, name: str | None = None, tail: int = 100, follow: bool = False) -> Iterator[str]:
        return views.logs(self, name or self.config.model, tail, follow)

    def metrics(self, name: str, sampler: MetricsSampler | None = None) -> dict[str, Any]:
        """The deployment's Metrics with its recent history (from this service's sampler, or
        `sampler`)."""
        return views.metrics(self, name, sampler or self.sampler)

    # ----- after a restart

    def reconcile(self) -> list[str]:
        """What a stopped process left, mended (reconcile.py); what was, one line each."""
        return reconcile(self)
