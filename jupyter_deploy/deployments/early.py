"""Replicas started on what the version will most likely run while its build still checks it:
a model-only version's replica then loads its model during the smoke test instead of after it.
They take no traffic before the switch, and are kept only if the build settles on the very
artifact they run."""

import dataclasses
import threading

from ..targets.base import Replica, ReplicaSpec, Target
from .operations import Operation


class EarlyReplicas:
    def __init__(self, target: Target, spec: ReplicaSpec, count: int, operation: Operation):
        self.target, self.spec, self.count, self.operation = target, spec, count, operation
        self.artifact: str | None = None
        self.replicas: list[Replica] = []
        self.thread: threading.Thread | None = None

    def start(self, artifact: str) -> None:
        if self.thread is not None:
            return
        self.artifact = artifact
        self.operation.progress(
            "build", f"starting {self.spec.version} on the image built during its smoke test"
        )
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        assert self.artifact is not None
        spec = dataclasses.replace(self.spec, artifact=self.artifact)
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
        if identity == self.artifact:
            return self.replicas
        self.discard()
        return []

    def discard(self) -> None:
        if self.thread is not None:
            self.thread.join()
        for replica in self.replicas:
            self.target.stop(replica, 1)
        self.replicas = []
