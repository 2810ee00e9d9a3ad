"""REST handlers for runs and sweeps (resource `jupyter_deploy:runs`)."""

import asyncio
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..config import CONFIG_FILE_NAME, find_project
from ..errors import InvalidInput, NotFound
from ..paths import resolve_inside
from ..runs import Limits, RunService
from ..runs.sweep import MODES
from .handlers import BaseHandler


class RunsBase(BaseHandler):
    auth_resource = "jupyter_deploy:runs"

    async def notebook_service(self, notebook: Any) -> tuple[RunService, str]:
        """The project service and project-relative path of a root-relative notebook path."""
        if not isinstance(notebook, str) or not notebook:
            raise InvalidInput(
                "notebook: expected the notebook's path relative to the Jupyter root"
            )
        path = resolve_inside(self.root_dir, notebook)
        if not path.is_file():
            raise NotFound(f"notebook {notebook!r} does not exist")
        project = find_project(path.parent, self.root_dir)
        if project is None:
            raise InvalidInput(
                f"{notebook} is not inside a project (no {CONFIG_FILE_NAME} above it)"
            )
        service = await self.services.get(project)
        return service, path.relative_to(project).as_posix()

    async def project_service(self) -> RunService:
        project = self.get_query_argument("project", None)
        if project is None:
            raise InvalidInput("the 'project' query parameter is required")
        return await self.services.get(self.services.project_dir(project))

    def limits(self, body: dict[str, Any]) -> Limits:
        return Limits(cell_timeout=body.get("cell_timeout"), time_limit=body.get("time_limit"))


class ParametersHandler(RunsBase):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        service, notebook = await self.notebook_service(self.get_query_argument("path", ""))
        parameters = await asyncio.to_thread(service.parameters, notebook)
        self.write_json(
            {
                "notebook": self.get_query_argument("path"),
                "project": service.prefix,
                "parameters": [p.to_dict() for p in parameters],
            }
        )


class RunsHandler(RunsBase):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        service = await self.project_service()
        status = self.get_query_argument("status", None)
        self.write_json(await asyncio.to_thread(service.listing, status))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_body({"notebook", "parameters", "cell_timeout", "time_limit"})
        service, notebook = await self.notebook_service(body.get("notebook"))
        user = (await self.who(service.project_dir)).name
        run = await service.start_run(
            notebook, body.get("parameters") or {}, user=user, limits=self.limits(body)
        )
        self.write_json(run, status=201)


class SweepsHandler(RunsBase):
    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_body(
            {"notebook", "parameters", "mode", "concurrency", "cell_timeout", "time_limit"}
        )
        mode = body.get("mode", "grid")
        if mode not in MODES:
            raise InvalidInput(f"mode: must be one of {', '.join(MODES)}, got {mode!r}")
        service, notebook = await self.notebook_service(body.get("notebook"))
        sweep, runs = await service.start_sweep(
            notebook,
            body.get("parameters") or {},
            mode=mode,
            user=(await self.who(service.project_dir)).name,
            limits=self.limits(body),
            concurrency=body.get("concurrency"),
        )
        self.write_json({"sweep": sweep, "runs": runs}, status=201)


class RunHandler(RunsBase):
    @web.authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        service = await self.project_service()
        self.write_json(await asyncio.to_thread(service.get, run_id))


class RunActionHandler(RunsBase):
    @web.authenticated
    @authorized
    async def post(self, run_id: str, action: str) -> None:
        service = await self.project_service()
        if action == "cancel":
            self.write_json(await service.cancel(run_id), status=202)
        else:
            user = (await self.who(service.project_dir)).name
            self.write_json(await service.rerun(run_id, user=user), status=201)


_RUN_ID = r"(r-[0-9a-f]{10})"


def run_handlers() -> list[tuple[str, type[BaseHandler]]]:
    return [
        (r"/jupyter-deploy/parameters", ParametersHandler),
        (r"/jupyter-deploy/runs", RunsHandler),
        (r"/jupyter-deploy/sweeps", SweepsHandler),
        (rf"/jupyter-deploy/runs/{_RUN_ID}", RunHandler),
        (rf"/jupyter-deploy/runs/{_RUN_ID}/(cancel|rerun)", RunActionHandler),
    ]


__all__ = ["run_handlers"]
