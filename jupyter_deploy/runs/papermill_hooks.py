"""What the worker plugs into papermill: atomic notebook saves, and an engine that executes on
the kernel client the worker already has ready."""

import os
from pathlib import Path
from typing import Any

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.iorw import papermill_io

from ..atomic import atomic_write_text

ATOMIC = "atomic://"
ENGINE = "jupyter_deploy"


class AtomicHandler:
    """papermill I/O for `atomic://` paths: every save replaces the whole file at once."""

    def read(self, path: str) -> str:
        return Path(path[len(ATOMIC) :]).read_text(encoding="utf-8")

    def listdir(self, path: str) -> list[str]:
        return os.listdir(path[len(ATOMIC) :])

    def write(self, buf: str, path: str) -> None:
        atomic_write_text(Path(path[len(ATOMIC) :]), buf)

    def pretty_path(self, path: str) -> str:
        return path[len(ATOMIC) :]


class ReadyClientEngine(NBClientEngine):  # type: ignore[misc]
    """papermill's nbclient engine, given a client already connected to a ready kernel.

    nbclient always makes its own client, and its readiness handshake waits for 0.2 s of
    silence on IOPub: time on every run's critical path for a kernel the worker has already
    seen answer."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: Any,
        kernel_name: str,
        log_output: bool = False,
        stdout_file: Any = None,
        stderr_file: Any = None,
        start_timeout: int = 60,
        execution_timeout: int | None = None,
        **kwargs: Any,
    ) -> Any:
        kc = kwargs.pop("kc")
        kwargs.pop("input_path", None)
        kwargs.pop("startup_timeout", None)
        timeout = execution_timeout or kwargs.pop("timeout", None)
        client = PapermillNotebookClient(
            nb_man,
            timeout=timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
            **kwargs,
        )
        client.kc = kc
        return client.execute()


def register() -> None:
    papermill_io.register(ATOMIC, AtomicHandler())
    papermill_engines.register(ENGINE, ReadyClientEngine)
