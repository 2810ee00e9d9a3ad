"""REST handlers. Each one authenticates, authorizes, validates, calls the core, and lets
`BaseHandler.write_error` turn any exception into the JSON error shape."""

import asyncio
from pathlib import Path
from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from tornado import web

from .. import identity, safe_json
from .._version import API_VERSION, __version__
from ..config import find_project
from ..doctor import run_doctor
from ..errors import Conflict, InvalidInput, NotFound
from ..identity import Identity
from ..paths import relative_to_root, resolve_inside
from .errors import status_for
from .identity import named_user
from .projects import Projects
from .requests import Folder, Model, names, parse_body, validate

API_HEADER = "X-Jupyter-Deploy-Api"


class BaseHandler(APIHandler):
    auth_resource = "jupyter_deploy"

    @property
    def root_dir(self) -> Path:
        return Path(self.settings["server_root_dir"]).expanduser()

    @property
    def services(self) -> Projects:
        projects: Projects = self.settings["jupyter_deploy_projects"]
        return projects

    async def who(self, project_dir: Path) -> Identity:
        """Who does this request's work in `project_dir`: the one answer recorded on runs,
        versions, builds, deployments and git (`jupyter_deploy.identity.resolve`)."""
        user = named_user(self.identity_provider, self.current_user)
        return await asyncio.to_thread(identity.resolve, project_dir, user)

    async def prepare(self) -> None:  # type: ignore[override]
        await super().prepare()
        sent = self.request.headers.get(API_HEADER)
        # Only signed-in callers learn about versions; anonymous ones get @authenticated's 403.
        if self.current_user and sent is not None and sent != str(API_VERSION):
            # A header is a request value too: only a version number is repeated.
            spoken = (
                f"v{sent}" if sent.isascii() and sent.isdigit() and len(sent) < 6 else "another"
            )
            raise Conflict(
                f"the JupyterLab frontend speaks jupyter_deploy API {spoken} but the server"
                f" ({__version__}) speaks v{API_VERSION}: reinstall jupyter_deploy so both match,"
                " restart the server and reload the page"
            )

    def body(self, model: type[Model]) -> Model:
        """The JSON body as `model`: the one place request bodies are parsed and checked."""
        return parse_body(model, self.request.body)

    def params(self, model: type[Model]) -> Model:
        """The URL path arguments (the routes' named groups) and the query arguments `model`
        declares, checked as `model`; other query arguments are ignored."""
        data: dict[str, Any] = dict(self.path_kwargs)
        for name in names(model):
            if name not in data and name in self.request.query_arguments:
                data[name] = self.get_query_argument(name)
        return validate(model, data, "query", text=True)

    def decode_argument(self, value: bytes, name: str | None = None) -> str:
        # Tornado's own message quotes the bytes it could not decode.
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput(f"{name or 'URL path'}: not valid UTF-8") from None

    def write_json(self, payload: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(safe_json.dumps(payload))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc_info = kwargs.get("exc_info")
        if exc_info is not None and exc_info[1] is not None:
            status_code, code, message = status_for(exc_info[1])
        else:
            code, message = "http_error", self._reason
        self.set_status(status_code)
        self.set_header("Content-Type", "application/json")
        # Never a traceback: the log has it, the client gets a sentence.
        self.finish(safe_json.dumps({"error": {"code": code, "message": message}}))

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        status, _, _ = status_for(value) if value is not None else (500, "", "")
        if status >= 500:
            super().log_exception(typ, value, tb)
        else:
            self.log.info("%s %s -> %s: %s", self.request.method, self.request.path, status, value)


class VersionHandler(BaseHandler):
    auth_resource = "jupyter_deploy:meta"

    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.write_json(
            {"name": "jupyter_deploy", "version": __version__, "api_version": API_VERSION}
        )


class DoctorHandler(BaseHandler):
    auth_resource = "jupyter_deploy:doctor"

    def start_folder(self) -> Path:
        """The `path` query argument as an existing folder inside the root (a file: its folder)."""
        start = resolve_inside(self.root_dir, self.params(Folder).path, "path")
        if not start.exists():
            raise NotFound("path: no such file or folder")
        return start if start.is_dir() else start.parent

    @web.authenticated
    @authorized
    async def get(self) -> None:
        start = self.start_folder()
        # Probes shell out and talk to the Docker socket: keep them off the event loop.
        user = named_user(self.identity_provider, self.current_user)
        report = await asyncio.to_thread(run_doctor, start, self.root_dir, user)
        self.write_json(report.to_dict())


class ProjectHandler(DoctorHandler):
    """Which project holds a folder: what the sidebars ask when the file browser moves, without
    the doctor's probes."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        start = self.start_folder()
        found = await asyncio.to_thread(find_project, start, self.root_dir)
        project = relative_to_root(self.root_dir, found) if found is not None else None
        self.write_json({"path": self.params(Folder).path, "project": project})


class UnknownRouteHandler(BaseHandler):
    """Anything else under /jupyter-deploy/: a JSON 404, not an HTML page. It does not repeat
    the path: an answer never echoes what the request sent."""

    auth_resource = "jupyter_deploy:meta"

    @web.authenticated
    @authorized
    async def get(self, path: str) -> None:
        raise NotFound(f"no such jupyter_deploy endpoint for {self.request.method}")

    post = put = patch = delete = get


def handlers() -> list[tuple[str, type[BaseHandler]]]:
    return [
        (r"/jupyter-deploy/version", VersionHandler),
        (r"/jupyter-deploy/doctor", DoctorHandler),
        (r"/jupyter-deploy/project", ProjectHandler),
    ]
