"""REST handlers for image builds (resource `jupyter_deploy:builds`). A build runs in its own
worker process; these start, read, follow and cancel it."""

import asyncio
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..builds.service import BuildService
from ..errors import InvalidInput
from .handlers import BaseHandler


class BuildsBase(BaseHandler):
    auth_resource = "jupyter_deploy:builds"

    async def build_service(self, project: Any) -> BuildService:
        if not isinstance(project, str):
            raise InvalidInput("project: expected the project folder relative to the Jupyter root")
        return await self.services.builds(self.services.project_dir(project))

    async def from_query(self) -> BuildService:
        return await self.build_service(self.get_query_argument("project", None))


class BuildsHandler(BuildsBase):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        service = await self.from_query()
        version = self.get_query_argument("version", None)
        raw = self.get_query_argument("limit", "200")
        if not raw.isdigit():
            raise InvalidInput(f"limit: expected a number of builds, got {raw!r}")
        self.write_json(await asyncio.to_thread(service.listing, version, int(raw)))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_body({"project", "version", "base_image"})
        version, base_image = body.get("version"), body.get("base_image")
        if not isinstance(version, str) or not version:
            raise InvalidInput("version: expected the version to build, as MODEL@vN")
        if base_image is not None and not isinstance(base_image, str):
            raise InvalidInput("base_image: expected an image reference such as python:3.11-slim")
        service = await self.build_service(body.get("project"))
        build = await asyncio.to_thread(
            service.start, version, (await self.who(service.project_dir)).name, base_image
        )
        self.write_json(build, status=201)


class BuildHandler(BuildsBase):
    @web.authenticated
    @authorized
    async def get(self, build_id: str) -> None:
        service = await self.from_query()
        self.write_json(await asyncio.to_thread(service.get, build_id))


class BuildLogHandler(BuildsBase):
    @web.authenticated
    @authorized
    async def get(self, build_id: str) -> None:
        service = await self.from_query()
        raw = self.get_query_argument("offset", "0")
        if not raw.isdigit():
            raise InvalidInput(f"offset: expected a line number from 0, got {raw!r}")
        self.write_json(await asyncio.to_thread(service.log, build_id, int(raw)))


class BuildCancelHandler(BuildsBase):
    @web.authenticated
    @authorized
    async def post(self, build_id: str) -> None:
        service = await self.build_service(self.json_body({"project"}).get("project"))
        user = (await self.who(service.project_dir)).name
        self.write_json(await asyncio.to_thread(service.cancel, build_id, user), 202)


_BUILD_ID = r"(b-[0-9a-f]{10})"


def build_handlers() -> list[tuple[str, type[BaseHandler]]]:
    return [
        (r"/jupyter-deploy/builds", BuildsHandler),
        (rf"/jupyter-deploy/builds/{_BUILD_ID}", BuildHandler),
        (rf"/jupyter-deploy/builds/{_BUILD_ID}/log", BuildLogHandler),
        (rf"/jupyter-deploy/builds/{_BUILD_ID}/cancel", BuildCancelHandler),
    ]


__all__ = ["build_handlers"]
