"""The background metrics sampling of a project's running deployments: every `every_s`, each
is sampled as the metrics route does, so its history has no hole while nobody looks. The
sampler takes one sample of a deployment at a time (a route call waits for a tick's and the
other way round), and the ledger keeps the newest values of each replica, never a sum of
scrapes: nothing is counted twice."""

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import DeployError

if TYPE_CHECKING:
    from ..deployments.service import Deployments


class Sampling:
    def __init__(
        self,
        deployments: Callable[[], "Deployments | None"],
        every_s: float,
        log: logging.Logger,
    ) -> None:
        """`deployments`: the project's deployments service once made (None until then)."""
        self._deployments = deployments
        self.every_s = every_s
        self.log = log
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._errors: dict[str, str] = {}  # what was sampled → the failure last logged

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self._thread is None and self.every_s > 0 and not self._stop.is_set():
            self._thread = threading.Thread(
                target=self._run, name="jupyter-deploy-metrics-sampling", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        """Stop, and wait for a tick under way: no sample outlives the store closed next."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()

    def _run(self) -> None:
        due = time.monotonic()
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:
                self.log.exception("jupyter_deploy: background metrics sampling failed")
            due = max(due + self.every_s, time.monotonic())
            if self._stop.wait(due - time.monotonic()):
                return

    def tick(self) -> None:
        """Sample every running deployment once; a failure is logged (once until it changes)
        and the others are sampled all the same."""
        service = self._deployments()
        if service is None:
            return
        where = str(service.project_dir)
        try:
            rows = service.records.all()
        except Exception as exc:
            self._failed(where, exc)
            return
        self._errors.pop(where, None)
        for row in rows:
            if self._stop.is_set():
                return
            if row["status"] != "running":
                continue
            key = f"{where}: deployment {row['name']}"
            try:
                service.metrics(row["name"])
            except Exception as exc:
                self._failed(key, exc)
            else:
                self._errors.pop(key, None)

    def _failed(self, what: str, exc: Exception) -> None:
        text = f"{type(exc).__name__}: {exc}"
        if self._errors.get(what) == text:
            self.log.debug("jupyter_deploy: metrics of %s not sampled: %s", what, text)
            return
        self._errors[what] = text
        # A refusal (the engine gone, say) says it all; anything else is a bug: its traceback.
        trace = None if isinstance(exc, DeployError) else exc
        self.log.warning(
            "jupyter_deploy: metrics of %s not sampled: %s", what, text, exc_info=trace
        )
