"""What a run is allowed (its limits) and what it leaves: its outcome when the worker could not
say, the failing cell's place in the output notebook, and the metrics and files it produced."""

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import ProjectConfig
from ..errors import InvalidInput, NotFound
from . import workspace
from .parameters import read_notebook


@dataclass(frozen=True)
class Limits:
    cell_timeout: float | None = None
    time_limit: float | None = None

    def __post_init__(self) -> None:
        for name in ("cell_timeout", "time_limit"):
            value = getattr(self, name)
            # The edges refuse these first; the core still never stores NaN ("no limit") or inf.
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value <= 0
            ):
                raise InvalidInput(f"{name}: expected a finite number of seconds above 0")


def time_limit(cell_id: str | None, limit: float) -> dict[str, Any]:
    return {
        "status": "failed",
        "error": {
            "kind": "time_limit",
            "cell_id": cell_id,
            "ename": "TimeLimitExceeded",
            "evalue": f"the run exceeded its time limit of {limit:g} s",
        },
    }


def worker_gone(cell_id: str | None) -> dict[str, Any]:
    return {
        "status": "failed",
        "error": {
            "kind": "dead_kernel",
            "cell_id": cell_id,
            "ename": "WorkerExited",
            "evalue": "the run's worker process ended unexpectedly",
        },
    }


def locate_cell(notebook: Path, error: dict[str, Any], fallback_id: str | None) -> dict[str, Any]:
    """The failing cell's index in the saved output notebook (the one a person opens)."""
    cell_id = error.pop("cell_id", None) or fallback_id
    error["cell_index"] = None
    try:
        cells = read_notebook(notebook)["cells"]
    except (InvalidInput, NotFound):
        return error
    for index, cell in enumerate(cells):
        if cell_id is not None and cell.get("id") == cell_id:
            error["cell_index"] = index
            break
    return error


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """DVC-style metrics may nest; the runs table wants flat, scalar columns."""
    flat: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            flat.update(flatten(value, f"{prefix}{key}."))
    elif isinstance(data, int | float | str | bool) and prefix:
        flat[prefix[:-1]] = data
    return flat


def results(
    ws: Path, before: workspace.Snapshot, config: ProjectConfig, notebook_rel: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The metrics the run wrote (flattened) and the files it produced in its workspace."""
    metrics: dict[str, Any] = {}
    path = ws / config.metrics
    if path.is_file():
        try:
            metrics = flatten(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            metrics = {}
    files = workspace.produced_files(ws, before, ignore={notebook_rel})
    return metrics, [f.__dict__ for f in files]
