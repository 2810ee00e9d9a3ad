"""The ExtensionApp that registers jupyter_deploy's handlers with Jupyter Server."""

from jupyter_server.extension.application import ExtensionApp

from .._version import __version__
from .handlers import handlers


class DeployApp(ExtensionApp):
    name = "jupyter_deploy"
    version = __version__
    description = "Run, version, build and deploy notebook models from JupyterLab."

    def initialize_handlers(self) -> None:
        # ExtensionApp prefixes each route with the server's base_url.
        self.handlers.extend(handlers())
