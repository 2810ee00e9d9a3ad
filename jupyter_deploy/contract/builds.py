"""The REST answers about builds (see the package docstring)."""

from typing import TypedDict

from .common import BuildStatus, BuildStepName

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
