"""REST handlers for versions (resource `jupyter_deploy:versions`). git and DVC work runs in a
thread; the core serialises writers across threads and processes."""

import asyncio
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..errors import InvalidInput
from ..versions import Versions, stages
from ..versions import restore as restoring
from ..versions.diff import diff
from ..versions.notebook import executed_notebook
from .handlers import BaseHandler


class VersionsBase(BaseHandler):
    auth_resource = "jupyter_deploy:versions"

    def project_arg(self, value: Any) -> str:
        if not isinstance(value, str):
            raise InvalidInput("project: expected the project folder relative to the Jupyter root")
        return value

    async def versions(self, project: str) -> Versions:
        project_dir = self.services.project_dir(project)
        return await asyncio.to_thread(
            lambda: Versions(project_dir, self.services.store(project_dir))
        )


class VersionsHandler(VersionsBase):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        project = self.project_arg(self.get_query_argument("project", None))
        versions = await self.versions(project)
        listing = await asyncio.to_thread(lambda: stages.with_stages(versions, versions.listing()))
        self.write_json({"project": project, "model": versions.model, "versions": listing})

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_body({"project", "run_id"})
        run_id = body.get("run_id")
        if not isinstance(run_id, str) or not run_id:
            raise InvalidInput("run_id: expected the id of a succeeded run")
        versions = await self.versions(self.project_arg(body.get("project")))
        who = await self.who(versions.project_dir)
        version = await asyncio.to_thread(versions.promote, run_id, who)
        self.write_json(version, status=201)


class VersionHandler(VersionsBase):
    @web.authenticated
    @authorized
    async def get(self, reference: str) -> None:
        versions = await self.versions(self.project_arg(self.get_query_argument("project", None)))
        self.write_json(await asyncio.to_thread(versions.show, reference))


class VersionDiffHandler(VersionsBase):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        versions = await self.versions(self.project_arg(self.get_query_argument("project", None)))
        old, new = self.get_query_argument("old", ""), self.get_query_argument("new", "")
        if not old or not new:
            raise InvalidInput("the 'old' and 'new' query parameters (MODEL@vN) are required")
        self.write_json(await asyncio.to_thread(diff, versions, old, new))


class VersionRestoreHandler(VersionsBase):
    """GET: what a restore would do (the confirmation shows it); POST: do it."""

    @web.authenticated
    @authorized
    async def get(self, reference: str) -> None:
        versions = await self.versions(self.project_arg(self.get_query_argument("project", None)))
        self.write_json(await asyncio.to_thread(restoring.plan, versions, reference))

    @web.authenticated
    @authorized
    async def post(self, reference: str) -> None:
        body = self.json_body({"project"})
        versions = await self.versions(self.project_arg(body.get("project")))
        self.write_json(await asyncio.to_thread(restoring.restore, versions, reference))


class VersionNotebookHandler(VersionsBase):
    """POST: a read-only copy of the version's executed notebook, to open in JupyterLab."""

    @web.authenticated
    @authorized
    async def post(self, reference: str) -> None:
        body = self.json_body({"project"})
        versions = await self.versions(self.project_arg(body.get("project")))
        path = await asyncio.to_thread(executed_notebook, versions, reference)
        self.write_json({"path": path.relative_to(self.root_dir.resolve()).as_posix()})


class StagesHandler(VersionsBase):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        versions = await self.versions(self.project_arg(self.get_query_argument("project", None)))
        history = await asyncio.to_thread(stages.history, versions)
        self.write_json({"current": stages.current(history), "history": history})

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_body({"project", "version", "stage"})
        versions = await self.versions(self.project_arg(body.get("project")))
        reference, stage = body.get("version"), body.get("stage")
        if not isinstance(reference, str) or not isinstance(stage, str):
            raise InvalidInput("version (MODEL@vN) and stage (e.g. production) are required")
        who = await self.who(versions.project_dir)
        assignment = await asyncio.to_thread(stages.assign, versions, reference, stage, who)
        self.write_json(assignment, status=201)


_VERSION = r"([A-Za-z0-9._-]+(?:@|%40)v[0-9]+)"


def version_handlers() -> list[tuple[str, type[BaseHandler]]]:
    return [
        (r"/jupyter-deploy/versions", VersionsHandler),
        (r"/jupyter-deploy/versions/diff", VersionDiffHandler),
        (r"/jupyter-deploy/stages", StagesHandler),
        (rf"/jupyter-deploy/versions/{_VERSION}", VersionHandler),
        (rf"/jupyter-deploy/versions/{_VERSION}/restore", VersionRestoreHandler),
        (rf"/jupyter-deploy/versions/{_VERSION}/notebook", VersionNotebookHandler),
    ]


__all__ = ["version_handlers"]
