"""jupyter_deploy: from a notebook to a production endpoint, inside JupyterLab."""

from typing import Any

from ._version import API_VERSION, __version__

__all__ = ["API_VERSION", "__version__"]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyter-deploy"}]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    # Imported lazily so the CLI and the core never pay for (or depend on) jupyter_server.
    from .server.app import DeployApp

    return [{"module": "jupyter_deploy", "app": DeployApp}]
