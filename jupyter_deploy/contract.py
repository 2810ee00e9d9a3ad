"""The REST answers' shapes, as typed dicts: what handlers and services return, field for field.

docs/openapi.yaml is the contract; `tests/test_contract.py` checks that every model here has
exactly its schema's fields, required where the schema requires them, so neither drifts. Typed
dicts rather than classes: the services build plain dicts already (rows, JSON read back from git
tags), and a typed dict types them without copying or converting anything.

Two-step classes (`_XBase` with the required fields, `X(_XBase, total=False)` with the optional
ones) because `NotRequired` needs Python 3.11.
"""

from typing import Literal, TypeAlias, TypedDict

# Recursive: parameters, metrics, JSON Schemas and examples are any JSON.
JSONValue: TypeAlias = bool | int | float | str | list["JSONValue"] | dict[str, "JSONValue"] | None
JSONObject = dict[str, JSONValue]

RunStatus = Literal["queued", "running", "succeeded", "failed", "cancelled", "interrupted"]
BuildStatus = RunStatus  # a build lives the life of a run
CheckStatus = Literal["ok", "warning", "error"]
IdentitySource = Literal["jupyter", "git_env", "git_config", "os_user", "given"]
FileStorage = Literal["dvc", "git"]
DeploymentStatus = Literal["deploying", "running", "failed", "stopped"]
OperationAction = Literal["deploy", "update", "rollback", "down"]
OperationStatus = Literal["running", "succeeded", "failed"]
OperationStep = Literal["build", "start", "ready", "switch", "drain", "done"]
BuildStepName = Literal["export", "smoke", "resolve", "dependencies", "image"]


# ----------------------------------------------------------------------------- errors and meta


class ErrorDetail(TypedDict):
    code: str
    message: str


class ErrorBody(TypedDict):
    error: ErrorDetail


class VersionInfo(TypedDict):
    name: str
    version: str
    api_version: int


class DoctorCheck(TypedDict):
    id: str
    label: str
    status: CheckStatus
    value: str | None
    detail: str
    hint: str | None


class TargetChoice(TypedDict):
    name: str
    reason: str


class ProjectInfo(TypedDict):
    path: str | None
    config_file: str | None
    valid: bool | None
    error: str | None
    model: str | None


class RecordedIdentity(TypedDict):
    name: str
    email: str
    source: IdentitySource


class DoctorReport(TypedDict):
    product: VersionInfo
    generated_at: str
    duration_ms: int
    status: CheckStatus
    target: TargetChoice
    project: ProjectInfo
    checks: list[DoctorCheck]
    identity: RecordedIdentity | None


class ProjectLookup(TypedDict):
    path: str
    project: str | None


# ------------------------------------------------------------------------------- runs, sweeps


class Parameter(TypedDict):
    name: str
    type: Literal["int", "float", "str", "bool", "list", "dict", "any"]
    default: JSONValue
    help: str | None


class NotebookParameters(TypedDict):
    notebook: str
    project: str
    parameters: list[Parameter]


class RunProgress(TypedDict):
    cell: int
    total: int


class RunFile(TypedDict):
    path: str
    size: int
    sha256: str


class RunEnvironment(TypedDict):
    python: str
    executable: str
    packages: dict[str, str]


class RunError(TypedDict):
    kind: Literal[
        "cell_error", "cell_timeout", "dead_kernel", "time_limit", "interrupted", "internal"
    ]
    cell_index: int | None
    ename: str
    evalue: str


class _RunBase(TypedDict):
    id: str
    sweep_id: str | None
    project: str
    notebook: str
    parameters: JSONObject
    status: RunStatus
    created_at: str
    started_at: str | None
    finished_at: str | None
    duration_s: float | None
    created_by: str
    progress: RunProgress
    output_notebook: str | None
    metrics: JSONObject
    files: list[RunFile]
    environment: RunEnvironment | None
    error: RunError | None
    cell_timeout: float | None
    time_limit: float | None


class Run(_RunBase, total=False):
    promoted_to: list[str]  # only in the runs listing


class SweepCounts(TypedDict):
    queued: int
    running: int
    succeeded: int
    failed: int
    cancelled: int
    interrupted: int


class Sweep(TypedDict):
    id: str
    project: str
    notebook: str
    mode: Literal["grid", "zip"]
    concurrency: int
    total: int
    created_at: str
    created_by: str
    counts: SweepCounts
    eta_s: float | None


class RunList(TypedDict):
    runs: list[Run]
    sweeps: list[Sweep]


class StartedSweep(TypedDict):
    sweep: Sweep
    runs: list[Run]


# ----------------------------------------------------------------------------------- versions


class _VersionFileBase(TypedDict):
    path: str
    md5: str
    size: int


class VersionFile(_VersionFileBase, total=False):
    storage: FileStorage  # absent on versions made before data files were recorded


class DataFile(TypedDict):
    path: str
    md5: str
    size: int
    storage: FileStorage


class _ServingSchemaBase(TypedDict):
    function: str
    input: JSONObject
    output: JSONObject | None
    source: Literal["type hints", "input example"]


class ServingSchema(_ServingSchemaBase, total=False):
    example: JSONValue


class VersionEnvironment(TypedDict, total=False):
    python: str
    executable: str
    packages: dict[str, str]
    package_count: int


class Author(TypedDict):
    name: str
    email: str


class _VersionBase(TypedDict):
    model: str
    version: str
    tag: str
    run_id: str
    sweep_id: str | None
    notebook: str
    parameters: JSONObject
    metrics: JSONObject
    files: list[VersionFile]
    data: list[DataFile]
    environment: VersionEnvironment | None
    author: Author
    created_at: str
    source_commit: str


class Version(_VersionBase, total=False):
    schema: ServingSchema | None  # one version (GET)
    stages: list[str]  # listings
    commit: str  # the answer to a promotion


class VersionList(TypedDict):
    project: str
    model: str
    versions: list[Version]


class _ChangeBase(TypedDict):
    old: JSONValue
    new: JSONValue


class Change(_ChangeBase, total=False):
    delta: float


class HashChange(TypedDict):
    old: str | None
    new: str | None


class SchemaChange(TypedDict):
    side: Literal["input", "output"]
    path: str
    change: Literal["added", "removed", "retyped", "required"]
    old: str | None
    new: str | None
    breaking: bool


class SchemaChanges(TypedDict):
    breaking: bool
    changes: list[SchemaChange]


class CellChange(TypedDict):
    cell_id: str
    change: Literal["added", "removed", "modified"]
    diff: str


class VersionDiff(TypedDict):
    old: str
    new: str
    parameters: dict[str, Change]
    metrics: dict[str, Change]
    files: dict[str, HashChange]
    data: dict[str, HashChange]
    schema: SchemaChanges
    cells: list[CellChange]


class _RestoreFileBase(TypedDict):
    path: str
    md5: str
    size: int
    action: Literal["create", "overwrite", "unchanged"]
    current_md5: str | None


class RestoreFile(_RestoreFileBase, total=False):
    storage: FileStorage
    saved_as: str  # after a restore


class RestorePlan(TypedDict):
    version: str
    files: list[RestoreFile]


class VersionNotebook(TypedDict):
    path: str


class StageAssignment(TypedDict):
    stage: str
    version: str
    tag: str
    number: int
    author: Author
    assigned_at: str


class Stages(TypedDict):
    current: dict[str, str]
    history: list[StageAssignment]


# ------------------------------------------------------------------------------------- builds


class BuildStepRecord(TypedDict):
    name: str
    started_at: str
    duration_s: float | None


class BuiltImage(TypedDict):
    id: str
    tag: str
    size: int
    dependency_image: str
    dependency_cached: bool
    lock_hash: str


class BuildError(TypedDict):
    code: str
    message: str
    traceback: str | None


class Build(TypedDict):
    id: str
    project: str
    model: str
    version: str
    status: BuildStatus
    step: BuildStepName | None
    steps: list[BuildStepRecord]
    base_image: str
    created_at: str
    created_by: str
    started_at: str | None
    finished_at: str | None
    duration_s: float | None
    image: BuiltImage | None
    requirements: list[str] | None
    error: BuildError | None
    cancel_requested: bool


class BuildList(TypedDict):
    builds: list[Build]
    has_more: bool


class BuildLogPage(TypedDict):
    lines: list[str]
    offset: int


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
