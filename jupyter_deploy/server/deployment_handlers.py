"""REST handlers for deployments (resource `jupyter_deploy:deployments`). An operation is
checked and recorded while the request waits (so bad input gets its 4xx), then carried out in a
thread of its own; its progress reaches the browser as events."""

import asyncio
import logging
import threading
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..deployments.service import Accepted, Deployments
from ..errors import DeployError, InvalidInput
from .handlers import BaseHandler

log = logging.getLogger(__name__)
MAX_LOG_LINES = 5000


class DeploymentsBase(BaseHandler):
    auth_resource = "jupyter_deploy:deployments"

    async def deployments(self, project: Any) -> Deployments:
        if not isinstance(project, str):
            raise InvalidInput("project: expected the project folder relative to the Jupyter root")
        return await self.services.deployments(self.services.project_dir(project))

    async def from_query(self) -> Deployments:
        return await self.deployments(self.get_query_argument("project", None))

    def project_name(self) -> str:
        return str(self.get_query_argument("project", None) or "")

    async def launch(self, service: Deployments, accepted: Accepted, project: str) -> None:
        """Carry the operation out in the background and answer 202 with where it stands."""

        def work() -> None:
            try:
                service.carry_out(accepted)
            except DeployError:
                pass  # recorded in the operation and told to the browser as an event
            except Exception:
                log.exception("deployment operation %s failed", accepted.operation.id)

        # Started before anything else can fail: the accepted operation holds its deployment's
        # lock, and only carrying it out releases it.
        threading.Thread(target=work, name=f"deploy-{accepted.operation.id}", daemon=True).start()
        name = accepted.deployment["name"]
        deployment = await asyncio.to_thread(service.status, name, False)
        payload: dict[str, Any] = {
            "deployment": {**deployment, "project": project},
            "operation": accepted.operation.data,
        }
        if accepted.api_key:
            payload["api_key"] = accepted.api_key
        self.write_json(payload, status=202)


def _optional_int(body: dict[str, Any], field: str, low: int, high: int) -> int | None:
    value = body.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{field}: expected a whole number from {low} to {high}, got {value!r}")
    return value


class DeploymentsHandler(DeploymentsBase):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        service = await self.from_query()
        project = self.project_name()
        listing = await asyncio.to_thread(service.listing)
        self.write_json({"deployments": [{**d, "project": project} for d in listing]})

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_body({"project", "version", "name", "replicas", "target", "max_batch"})
        version, name, target = body.get("version"), body.get("name"), body.get("target")
        if not isinstance(version, str) or not version:
            raise InvalidInput("version: expected the version to deploy, as MODEL@vN")
        if name is not None and not isinstance(name, str):
            raise InvalidInput("name: expected a deployment name such as churn")
        if target is not None and not isinstance(target, str):
            raise InvalidInput("target: expected auto, docker or local")
        replicas = _optional_int(body, "replicas", 1, 32)
        max_batch = _optional_int(body, "max_batch", 1, 1024)
        service = await self.deployments(body.get("project"))
        user = (await self.who(service.project_dir)).name
        accepted = await asyncio.to_thread(
            service.begin_up, version, name, replicas, target, max_batch, None, user
        )
        await self.launch(service, accepted, str(body.get("project")))


class DeploymentHandler(DeploymentsBase):
    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        service = await self.from_query()
        status = await asyncio.to_thread(service.status, name)
        self.write_json({**status, "project": self.project_name()})


class DeploymentRollbackHandler(DeploymentsBase):
    @web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        project = self.json_body({"project"}).get("project")
        service = await self.deployments(project)
        user = (await self.who(service.project_dir)).name
        accepted = await asyncio.to_thread(service.begin_rollback, name, user)
        await self.launch(service, accepted, str(project))


class DeploymentDownHandler(DeploymentsBase):
    @web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        project = self.json_body({"project"}).get("project")
        service = await self.deployments(project)
        user = (await self.who(service.project_dir)).name
        accepted = await asyncio.to_thread(service.begin_down, name, user)
        await self.launch(service, accepted, str(project))


class DeploymentLogsHandler(DeploymentsBase):
    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        service = await self.from_query()
        raw = self.get_query_argument("tail", "200")
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_LOG_LINES:
            raise InvalidInput(f"tail: expected a number of lines from 1 to {MAX_LOG_LINES}")
        lines = await asyncio.to_thread(lambda: list(service.logs(name, int(raw))))
        self.write_json({"lines": lines})


class DeploymentMetricsHandler(DeploymentsBase):
    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        service = await self.from_query()
        # Totals from the deployment's ledger, with the history the server keeps for the charts.
        sample = await asyncio.to_thread(service.metrics, name, self.services.metrics)
        self.write_json(sample)


_NAME = r"([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)"


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
