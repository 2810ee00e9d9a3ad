"""The ExtensionApp that registers jupyter_deploy's handlers with Jupyter Server."""

from pathlib import Path
from typing import Any

from jupyter_server.extension.application import ExtensionApp
from traitlets import Float

from .._version import __version__
from .build_handlers import build_handlers
from .deployment_handlers import deployment_handlers
from .handlers import UnknownRouteHandler, handlers
from .projects import SAMPLE_EVERY_S, SCHEMA_FILES, Projects
from .run_handlers import run_handlers
from .version_handlers import version_handlers


class DeployApp(ExtensionApp):
    name = "jupyter_deploy"
    version = __version__
    description = "Run, version, build and deploy notebook models from JupyterLab."

    metrics_interval = Float(
        SAMPLE_EVERY_S,
        help="Seconds between two background samples of each running deployment's metrics"
        " (its chart history grows with no panel open); 0 samples only when a panel asks.",
    ).tag(config=True)

    def initialize_settings(self) -> None:
        serverapp = self.serverapp
        assert serverapp is not None
        assert serverapp.event_logger is not None
        event_logger = serverapp.event_logger
        for schema_file in SCHEMA_FILES:
            event_logger.register_event_schema(schema_file)

        def emit(schema_id: str, data: dict[str, Any]) -> None:
            event_logger.emit(schema_id=schema_id, data=data)

        root = Path(serverapp.root_dir).expanduser().resolve()
        self.projects = Projects(root, emit, self.metrics_interval, self.log)
        self.settings.update({"jupyter_deploy_projects": self.projects})

    def initialize_handlers(self) -> None:
        # ExtensionApp prefixes each route with the server's base_url.
        self.handlers.extend([*handlers(), *run_handlers(), *version_handlers(), *build_handlers()])
        self.handlers.extend(deployment_handlers())
        self.handlers.append((r"/jupyter-deploy/(.*)", UnknownRouteHandler))  # must stay last

    async def stop_extension(self) -> None:
        # Runs and builds still in flight become interrupted; nothing they started is orphaned.
        await self.projects.close()
