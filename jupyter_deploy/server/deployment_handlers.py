"""REST handlers for deployments (resource `jupyter_deploy:deployments`). An operation is
checked and recorded while the request waits (so bad input gets its 4xx), then carried out by
the deployments service in the background; its progress reaches the browser as events."""

import asyncio
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..deployments.service import Accepted, Deployments
from .handlers import BaseHandler
from .requests import DeployBody, DeploymentPath, DeploymentQuery, LogsQuery, Project, ProjectBody


class DeploymentsBase(BaseHandler):
    auth_resource = "jupyter_deploy:deployments"

    async def deployments(self, project: str) -> Deployments:
        return await self.services.deployments(self.services.project_dir(project))

    async def from_query(self, model: type[Project] = DeploymentQuery) -> Deployments:
        """The project's deployments, once the query and path arguments pass `model`."""
        self.project = self.params(model).project
        return await self.deployments(self.project)

    async def acting(self, project: str) -> tuple[Deployments, str]:
        """The project's deployments and who acts on them."""
        service = await self.deployments(project)
        return service, (await self.who(service.project_dir)).name

    async def accepted(self, service: Deployments, accepted: Accepted, project: str) -> None:
        """Have the service carry the operation out, and answer 202 with where it stands."""
        service.launch(accepted)
        name = accepted.deployment["name"]
        deployment = await asyncio.to_thread(service.status, name, False)
        payload: dict[str, Any] = {
            "deployment": {**deployment, "project": project},
            "operation": accepted.operation.data,
        }
        if accepted.api_key:
            payload["api_key"] = accepted.api_key
        self.write_json(payload, status=202)


class DeploymentsHandler(DeploymentsBase):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        service = await self.from_query(Project)
        listing = await asyncio.to_thread(service.listing)
        self.write_json({"deployments": [{**d, "project": self.project} for d in listing]})

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body(DeployBody)
        service, user = await self.acting(body.project)
        accepted = await asyncio.to_thread(service.begin_up, body, user)
        await self.accepted(service, accepted, body.project)


class DeploymentHandler(DeploymentsBase):
    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        service = await self.from_query()
        status = await asyncio.to_thread(service.status, name)
        self.write_json({**status, "project": self.project})


class DeploymentRollbackHandler(DeploymentsBase):
    @web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        name = self.params(DeploymentPath).name
        project = self.body(ProjectBody).project
        service, user = await self.acting(project)
        accepted = await asyncio.to_thread(service.begin_rollback, name, user)
        await self.accepted(service, accepted, project)


class DeploymentDownHandler(DeploymentsBase):
    @web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        name = self.params(DeploymentPath).name
        project = self.body(ProjectBody).project
        service, user = await self.acting(project)
        accepted = await asyncio.to_thread(service.begin_down, name, user)
        await self.accepted(service, accepted, project)


class DeploymentLogsHandler(DeploymentsBase):
    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        query = self.params(LogsQuery)
        service = await self.deployments(query.project)
        lines = await asyncio.to_thread(lambda: list(service.logs(query.name, query.tail)))
        self.write_json({"lines": lines})


class DeploymentMetricsHandler(DeploymentsBase):
    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        service = await self.from_query()
        # Totals from the deployment's ledger, with the history the project keeps for the charts.
        self.write_json(await asyncio.to_thread(service.metrics, name))


# Broad on purpose: the request models refuse a malformed name with a 400 that names the field.
_NAME = r"(?P<name>[^/]+)"


def deployment_handlers() -> list[tuple[str, type[BaseHandler]]]:
    return [
        (r"/jupyter-deploy/deployments", DeploymentsHandler),
        (rf"/jupyter-deploy/deployments/{_NAME}", DeploymentHandler),
        (rf"/jupyter-deploy/deployments/{_NAME}/rollback", DeploymentRollbackHandler),
        (rf"/jupyter-deploy/deployments/{_NAME}/down", DeploymentDownHandler),
        (rf"/jupyter-deploy/deployments/{_NAME}/logs", DeploymentLogsHandler),
        (rf"/jupyter-deploy/deployments/{_NAME}/metrics", DeploymentMetricsHandler),
    ]


__all__ = ["deployment_handlers"]
