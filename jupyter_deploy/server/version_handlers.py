"""REST handlers for versions (resource `jupyter_deploy:versions`). git and DVC work runs in a
thread; the core serialises writers across threads and processes."""

import asyncio

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..versions import Versions, stages
from ..versions import restore as restoring
from ..versions.diff import diff
from ..versions.notebook import executed_notebook
from .handlers import BaseHandler
from .requests import (
    DiffQuery,
    Project,
    ProjectBody,
    PromoteBody,
    StageBody,
    VersionPath,
    VersionQuery,
)


class VersionsBase(BaseHandler):
    auth_resource = "jupyter_deploy:versions"

    async def versions(self, project: str) -> Versions:
        opened = await self.services.open(self.services.project_dir(project))
        return await asyncio.to_thread(lambda: opened.versions)


class VersionsHandler(VersionsBase):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        project = self.params(Project).project
        versions = await self.versions(project)
        listing = await asyncio.to_thread(lambda: stages.with_stages(versions, versions.listing()))
        self.write_json({"project": project, "model": versions.model, "versions": listing})

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body(PromoteBody)
        run_id, copy = body.run_id, body.copy_run
        versions = await self.versions(body.project)
        who = await self.who(versions.project_dir)
        version = await asyncio.to_thread(lambda: versions.promote(run_id, who, copy=copy))
        self.write_json(version, status=201)


class VersionHandler(VersionsBase):
    @web.authenticated
    @authorized
    async def get(self, version: str) -> None:
        query = self.params(VersionQuery)
        versions = await self.versions(query.project)
        self.write_json(await asyncio.to_thread(versions.show, query.version))


class VersionDiffHandler(VersionsBase):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        query = self.params(DiffQuery)
        versions = await self.versions(query.project)
        self.write_json(await asyncio.to_thread(diff, versions, query.old, query.new))


class VersionRestoreHandler(VersionsBase):
    """GET: what a restore would do (the confirmation shows it); POST: do it."""

    @web.authenticated
    @authorized
    async def get(self, version: str) -> None:
        query = self.params(VersionQuery)
        versions = await self.versions(query.project)
        self.write_json(await asyncio.to_thread(restoring.plan, versions, query.version))

    @web.authenticated
    @authorized
    async def post(self, version: str) -> None:
        reference = self.params(VersionPath).version
        versions = await self.versions(self.body(ProjectBody).project)
        self.write_json(await asyncio.to_thread(restoring.restore, versions, reference))


class VersionNotebookHandler(VersionsBase):
    """POST: a read-only copy of the version's executed notebook, to open in JupyterLab."""

    @web.authenticated
    @authorized
    async def post(self, version: str) -> None:
        reference = self.params(VersionPath).version
        versions = await self.versions(self.body(ProjectBody).project)
        path = await asyncio.to_thread(executed_notebook, versions, reference)
        self.write_json({"path": path.relative_to(self.root_dir.resolve()).as_posix()})


class StagesHandler(VersionsBase):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        versions = await self.versions(self.params(Project).project)
        history = await asyncio.to_thread(stages.history, versions)
        self.write_json({"current": stages.current(history), "history": history})

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body(StageBody)
        versions = await self.versions(body.project)
        reference, stage = body.version, body.stage
        who = await self.who(versions.project_dir)
        assignment = await asyncio.to_thread(stages.assign, versions, reference, stage, who)
        self.write_json(assignment, status=201)


# Broad on purpose: the request models refuse a malformed version with a 400 naming the field.
_VERSION = r"(?P<version>[^/]+)"


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
