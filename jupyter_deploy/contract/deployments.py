"""The REST answers about deployments (see the package docstring)."""

from typing import Literal, TypedDict

# JSONValue: what the string annotations inside JSONObject name when get_type_hints reads them.
from .common import (
    DeploymentStatus,
    JSONObject,
    JSONValue,  # noqa: F401
    OperationAction,
    OperationStatus,
    OperationStep,
)

# -------------------------------------------------------------------------------- deployments


class DeploymentReplica(TypedDict):
    id: str
    version: str
    address: str
    state: Literal["starting", "ready", "unhealthy", "restarting", "exited"]
    started_at: str
    restarts: int


class DeploymentEvent(TypedDict):
    id: int
    deployment: str
    at: str
    by: str
    action: Literal["create", "deploy", "update", "rollback", "down", "reconcile", "restart"]
    version: str | None
    outcome: Literal["succeeded", "failed"]
    detail: JSONObject | None


class OperationMessage(TypedDict):
    at: str
    step: OperationStep
    message: str


class OperationError(TypedDict):
    code: str
    message: str
    log: list[str]


class Operation(TypedDict):
    id: str
    deployment: str
    action: OperationAction
    version: str | None
    status: OperationStatus
    step: OperationStep
    messages: list[OperationMessage]
    error: OperationError | None
    started_at: str
    finished_at: str | None
    by: str


class GatewayState(TypedDict):
    running: bool


class DeploymentSettings(TypedDict):
    max_batch: int
    workers: int


class _DeploymentBase(TypedDict):
    name: str
    project: str
    model: str
    target: str  # a registered target's name
    status: DeploymentStatus
    version: str | None
    previous_version: str | None
    endpoint: str | None
    port: int
    replica_count: int
    replicas: list[DeploymentReplica]
    gateway: GatewayState
    live_since: str | None
    settings: DeploymentSettings
    api_key_file: str
    created_at: str
    created_by: str
    updated_at: str
    operation: Operation | None


class Deployment(_DeploymentBase, total=False):
    events: list[DeploymentEvent]  # only from GET /deployments/{name}


class DeploymentList(TypedDict):
    deployments: list[Deployment]


class _OperationStartedBase(TypedDict):
    deployment: Deployment
    operation: Operation


class OperationStarted(_OperationStartedBase, total=False):
    api_key: str  # only when the deployment was created: shown once


class DeploymentLogs(TypedDict):
    lines: list[str]


class LatencyHistogram(TypedDict):
    bounds: list[float]
    counts: list[int]
    sum: float
    count: int


class MetricsPoint(TypedDict):
    at: float
    request_rate: float
    error_rate: float | None
    p50: float | None
    p99: float | None


class DeploymentMetrics(TypedDict):
    at: float
    replicas: int
    requests: int
    errors: int
    rejected: int
    predictions: int
    in_flight: int
    latency: LatencyHistogram
    by_version: dict[str, int]
    history: list[MetricsPoint]
