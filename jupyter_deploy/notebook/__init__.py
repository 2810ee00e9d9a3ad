"""In a notebook: `jupyter_deploy.status("name")` shows a deployment as rich output (endpoint,
version, replicas, uptime, traffic, latency, recent events) and `jupyter_deploy.call("name",
records)` asks its endpoint for predictions with the user's key.

The network parts take the endpoint and key explicitly (`call_endpoint` in client.py, `measure`
in report.py); `status` and `call` only find the deployment, so they stay thin over the
deployments service."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import CONFIG_FILE_NAME, find_project, load_config
from ..deployments.ledger import LedgerFile
from ..errors import NotFound
from .client import CallFailed, call_endpoint, read_key
from .report import DeploymentStatus, Measured, measure
from .report import _timestamp as _timestamp  # where callers have always read it

if TYPE_CHECKING:
    from ..deployments.service import Deployments

__all__ = ["CallFailed", "DeploymentStatus", "call", "call_endpoint", "measure", "status"]


def _project_dir(project: str | Path | None) -> Path:
    if project is not None:
        return Path(project).expanduser().resolve()
    found = find_project(Path.cwd())
    if found is None:
        raise NotFound(
            f"no {CONFIG_FILE_NAME} in {Path.cwd()} or above: pass project='path/to/project'"
        )
    return found


@contextmanager
def _deployments(project_dir: Path) -> Iterator["Deployments"]:
    """The project's deployments service, opened as every face opens a project and closed
    after use. Imported here: it brings the store, the targets and the docker SDK, which
    `call_endpoint` never needs."""
    from ..project import open_project

    with open_project(project_dir) as project:
        yield project.deployments


def _lookup(name: str | None, project: str | Path | None) -> dict[str, Any]:
    """The Deployment dict (the REST API's shape) of `name`, default the project's model."""
    project_dir = _project_dir(project)
    name = name or load_config(project_dir).model
    with _deployments(project_dir) as deployments:
        return dict(deployments.status(name))


def _ledger(deployment: Mapping[str, Any], project: str | Path | None) -> LedgerFile | None:
    """The deployment's totals as the server keeps them (replaced and restarted replicas
    included); None without its project folder: the replicas' own counts stand in then."""
    from ..deployments.service import ledger_file

    name = deployment.get("name")
    try:
        project_dir = _project_dir(project)
    except NotFound:
        return None
    return ledger_file(project_dir, name) if isinstance(name, str) and name else None


def status(name: str | None = None, project: str | Path | None = None) -> DeploymentStatus:
    """The deployment `name` (default: the project's model) of `project` (default: the nearest
    folder at or above the working directory holding jupyter-deploy.yaml), with its traffic
    measured over about a second."""
    deployment = _lookup(name, project)
    if deployment.get("status") == "running":
        found = measure(deployment, ledger=_ledger(deployment, project))
    else:
        found = Measured()
    if deployment.get("status") != "running":
        found.label = f"not running ({deployment.get('status') or 'unknown'})"
    return DeploymentStatus(deployment, found.metrics, found.window, found.label)


def call(
    name: str | None = None,
    records: Any = None,
    project: str | Path | None = None,
    timeout: float = 30.0,
) -> Any:
    """Predictions of the deployment `name` for `records` (a dict, a list of dicts or a
    DataFrame), sent with this user's key; CallFailed names what the endpoint refused."""
    __tracebackhide__ = True
    if records is None:
        raise TypeError("call(name, records): give a record (dict), a list of them or a DataFrame")
    deployment = _lookup(name, project)
    endpoint = deployment.get("endpoint")
    if not endpoint:
        state = deployment.get("status") or "unknown"
        raise CallFailed(None, f"{deployment.get('name', name)} has no endpoint ({state})")
    key = read_key(deployment.get("api_key_file"))
    return call_endpoint(str(endpoint), key, records, timeout)
