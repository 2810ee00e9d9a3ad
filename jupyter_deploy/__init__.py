"""jupyter_deploy: from a notebook to a production endpoint, inside JupyterLab."""

from typing import TYPE_CHECKING, Any

from ._version import API_VERSION, __version__

if TYPE_CHECKING:
    from .notebook import call, status

__all__ = ["API_VERSION", "__version__", "call", "status"]


def __getattr__(name: str) -> Any:
    # `status` and `call` are for notebooks; importing the package (the CLI, the server, the
    # runtime in a container) must not pay for what they import.
    if name in ("status", "call"):
        from . import notebook

        return getattr(notebook, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyter-deploy"}]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    # Imported lazily so the CLI and the core never pay for (or depend on) jupyter_server.
    from .server.app import DeployApp

    return [{"module": "jupyter_deploy", "app": DeployApp}]
