"""REST handlers for runs and sweeps (resource `jupyter_deploy:runs`)."""

import asyncio

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..config import CONFIG_FILE_NAME, find_project
from ..errors import InvalidInput, NotFound
from ..paths import resolve_inside
from ..runs import Limits, RunService
from .handlers import BaseHandler
from .requests import Notebook, RunAction, RunBody, RunQuery, RunsQuery, SweepBody


class RunsBase(BaseHandler):
    auth_resource = "jupyter_deploy:runs"

    async def notebook_service(
        self, notebook: str, field: str = "notebook"
    ) -> tuple[RunService, str]:
        """The project service and project-relative path of a root-relative notebook path."""
        path = resolve_inside(self.root_dir, notebook, field)
        if not path.is_file():
            raise NotFound(f"{field}: no such notebook")
        project = find_project(path.parent, self.root_dir)
        if project is None:
            raise InvalidInput(f"{field}: not inside a project (no {CONFIG_FILE_NAME} above it)")
        service = await self.services.runs(project)
        return service, path.relative_to(project).as_posix()

    async def project_service(self, project: str) -> RunService:
        return await self.services.runs(self.services.project_dir(project))

    @staticmethod
    def limits(body: RunBody) -> Limits:
        return Limits(cell_timeout=body.cell_timeout, time_limit=body.time_limit)


class ParametersHandler(RunsBase):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        path = self.params(Notebook).path
        service, notebook = await self.notebook_service(path, "path")
        parameters = await asyncio.to_thread(service.parameters, notebook)
        self.write_json(
            {
                "notebook": path,
                "project": service.prefix,
                "parameters": [p.to_dict() for p in parameters],
            }
        )


class RunsHandler(RunsBase):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        query = self.params(RunsQuery)
        service = await self.project_service(query.project)
        self.write_json(await asyncio.to_thread(service.listing, query.status))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body(RunBody)
        service, notebook = await self.notebook_service(body.notebook)
        user = (await self.who(service.project_dir)).name
        run = await service.start_run(
            notebook, body.parameters or {}, user=user, limits=self.limits(body)
        )
        self.write_json(run, status=201)


class SweepsHandler(RunsBase):
    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body(SweepBody)
        service, notebook = await self.notebook_service(body.notebook)
        sweep, runs = await service.start_sweep(
            notebook,
            body.parameters or {},
            mode=body.mode,
            user=(await self.who(service.project_dir)).name,
            limits=self.limits(body),
            concurrency=body.concurrency,
        )
        self.write_json({"sweep": sweep, "runs": runs}, status=201)


class RunHandler(RunsBase):
    @web.authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        query = self.params(RunQuery)
        service = await self.project_service(query.project)
        self.write_json(await asyncio.to_thread(service.get, query.run_id))


class RunActionHandler(RunsBase):
    @web.authenticated
    @authorized
    async def post(self, run_id: str, action: str) -> None:
        query = self.params(RunAction)
        service = await self.project_service(query.project)
        if query.action == "cancel":
            self.write_json(await service.cancel(query.run_id), status=202)
        else:
            user = (await self.who(service.project_dir)).name
            self.write_json(await service.rerun(query.run_id, user=user), status=201)


# Broad on purpose: the request models refuse a malformed id with a 400 that names the field.
_RUN_ID = r"(?P<run_id>[^/]+)"


def run_handlers() -> list[tuple[str, type[BaseHandler]]]:
    return [
        (r"/jupyter-deploy/parameters", ParametersHandler),
        (r"/jupyter-deploy/runs", RunsHandler),
        (r"/jupyter-deploy/sweeps", SweepsHandler),
        (rf"/jupyter-deploy/runs/{_RUN_ID}", RunHandler),
        (rf"/jupyter-deploy/runs/{_RUN_ID}/(?P<action>cancel|rerun)", RunActionHandler),
    ]


__all__ = ["run_handlers"]
