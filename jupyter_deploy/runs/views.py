"""Runs and sweeps as the REST API, the CLI and the events show them (docs/contract.md)."""

from typing import Any

from ..contract.runs import Run, Sweep, SweepCounts
from .records import STATUSES


def shown(rel: str | None, prefix: str) -> str | None:
    """A project-relative path as the Jupyter root shows it."""
    if rel is None:
        return None
    return f"{prefix}/{rel}" if prefix else rel


def run_dict(row: dict[str, Any], prefix: str) -> Run:
    return {
        "id": row["id"],
        "sweep_id": row["sweep_id"],
        "project": prefix,
        "notebook": shown(row["notebook"], prefix) or "",
        "parameters": row["parameters"],
        "status": row["status"],
        "created_at": row["created_at"],
        "started_at": row["started_at"],
        "finished_at": row["finished_at"],
        "duration_s": row["duration_s"],
        "created_by": row["created_by"],
        "progress": {"cell": row["progress_cell"] or 0, "total": row["progress_total"] or 0},
        "output_notebook": shown(row["output_notebook"], prefix),
        "metrics": row["metrics"] or {},
        "files": row["files"] or [],
        "environment": row["environment"],
        "error": row["error"],
        "cell_timeout": row["cell_timeout"],
        "time_limit": row["time_limit"],
    }


def sweep_dict(sweep: dict[str, Any], members: list[dict[str, Any]], prefix: str) -> Sweep:
    """A sweep with its members' counts and, while some wait, an estimate of the time left."""
    tally = {s: 0 for s in STATUSES}
    for run in members:
        tally[run["status"]] += 1
    counts = SweepCounts(
        queued=tally["queued"],
        running=tally["running"],
        succeeded=tally["succeeded"],
        failed=tally["failed"],
        cancelled=tally["cancelled"],
        interrupted=tally["interrupted"],
    )
    done = [r["duration_s"] for r in members if r["duration_s"] is not None]
    remaining = tally["queued"] + tally["running"]
    eta = None
    if done and remaining:
        eta = round(sum(done) / len(done) * remaining / max(1, sweep["concurrency"]), 1)
    return {
        "id": sweep["id"],
        "project": prefix,
        "notebook": shown(sweep["notebook"], prefix) or "",
        "mode": sweep["mode"],
        "concurrency": sweep["concurrency"],
        "total": sweep["total"],
        "created_at": sweep["created_at"],
        "created_by": sweep["created_by"],
        "counts": counts,
        "eta_s": eta,
    }
