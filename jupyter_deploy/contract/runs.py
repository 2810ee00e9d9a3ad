"""The REST answers about runs (see the package docstring)."""

from typing import Literal, TypedDict

from .common import JSONObject, JSONValue, RunStatus

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
