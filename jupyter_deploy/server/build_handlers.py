"""REST handlers for image builds (resource `jupyter_deploy:builds`). A build runs in its own
worker process; these start, read, follow and cancel it."""

import asyncio

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..builds.service import BuildService
from .handlers import BaseHandler
from .requests import BuildBody, BuildLogQuery, BuildPath, BuildQuery, BuildsQuery, ProjectBody


class BuildsBase(BaseHandler):
    auth_resource = "jupyter_deploy:builds"

    async def build_service(self, project: str) -> BuildService:
        return await self.services.builds(self.services.project_dir(project))


class BuildsHandler(BuildsBase):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        query = self.params(BuildsQuery)
        service = await self.build_service(query.project)
        self.write_json(await asyncio.to_thread(service.listing, query.version, query.limit))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body(BuildBody)
        service = await self.build_service(body.project)
        build = await asyncio.to_thread(
            service.start, body.version, (await self.who(service.project_dir)).name, body.base_image
        )
        self.write_json(build, status=201)


class BuildHandler(BuildsBase):
    @web.authenticated
    @authorized
    async def get(self, build_id: str) -> None:
        query = self.params(BuildQuery)
        service = await self.build_service(query.project)
        self.write_json(await asyncio.to_thread(service.get, query.build_id))


class BuildLogHandler(BuildsBase):
    @web.authenticated
    @authorized
    async def get(self, build_id: str) -> None:
        query = self.params(BuildLogQuery)
        service = await self.build_service(query.project)
        self.write_json(await asyncio.to_thread(service.log, query.build_id, query.offset))


class BuildCancelHandler(BuildsBase):
    @web.authenticated
    @authorized
    async def post(self, build_id: str) -> None:
        build = self.params(BuildPath).build_id
        service = await self.build_service(self.body(ProjectBody).project)
        user = (await self.who(service.project_dir)).name
        self.write_json(await asyncio.to_thread(service.cancel, build, user), 202)


# Broad on purpose: the request models refuse a malformed id with a 400 that names the field.
_BUILD_ID = r"(?P<build_id>[^/]+)"


def build_handlers() -> list[tuple[str, type[BaseHandler]]]:
    return [
        (r"/jupyter-deploy/builds", BuildsHandler),
        (rf"/jupyter-deploy/builds/{_BUILD_ID}", BuildHandler),
        (rf"/jupyter-deploy/builds/{_BUILD_ID}/log", BuildLogHandler),
        (rf"/jupyter-deploy/builds/{_BUILD_ID}/cancel", BuildCancelHandler),
    ]


__all__ = ["build_handlers"]
