"""The shapes every area shares: JSON values, statuses, errors, the doctor and the
project lookup (see the package docstring)."""

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
