"""Run and sweep rows in the project's store; conditional updates make status changes atomic
across the processes (server, CLI) that share the database."""

import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from ..clock import now, timestamp
from ..store import Store
from ..store.rows import get_row, update_row
from ..store.schema import runs, sweeps
from .outcomes import Limits

ACTIVE = ("queued", "running")
FINAL = ("succeeded", "failed", "cancelled", "interrupted")
STATUSES = (*ACTIVE, *FINAL)
__all__ = ["ACTIVE", "FINAL", "STATUSES", "RunRecords", "new_runs", "new_sweep", "now", "timestamp"]


def _new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5)}"


def new_sweep(notebook: str, mode: str, concurrency: int, total: int, user: str) -> dict[str, Any]:
    return {
        "id": _new_id("s"),
        "notebook": notebook,
        "mode": mode,
        "concurrency": concurrency,
        "total": total,
        "created_at": now(),
        "created_by": user,
    }


def new_runs(
    notebook: str,
    parameter_sets: list[dict[str, Any]],
    sweep: dict[str, Any] | None,
    user: str,
    limits: Limits,
    owner: tuple[int, float | None],
) -> list[dict[str, Any]]:
    """Queued runs of `notebook`, one per parameter set, owned by the process `owner` (pid and
    start time: another process reconciling knows whether it still runs them)."""
    created = sweep["created_at"] if sweep else now()
    return [
        {
            "id": _new_id("r"),
            "sweep_id": sweep["id"] if sweep else None,
            "notebook": notebook,
            "parameters": values,
            "status": "queued",
            "created_at": created,
            "created_by": user,
            "cell_timeout": limits.cell_timeout,
            "time_limit": limits.time_limit,
            "cancel_requested": False,
            "owner_pid": owner[0],
            "owner_started": owner[1],
        }
        for values in parameter_sets
    ]


class RunRecords:
    def __init__(self, store: Store) -> None:
        self.engine = store.engine

    def insert(self, sweep: dict[str, Any] | None, rows: Iterable[dict[str, Any]]) -> None:
        with self.engine.begin() as conn:
            if sweep is not None:
                conn.execute(sweeps.insert().values(**sweep))
            conn.execute(runs.insert(), list(rows))

    def update(
        self, run_id: str, *, when_status: Iterable[str] | None = None, **values: Any
    ) -> bool:
        """Update a run; with when_status, only if its status is one of those (atomically)."""
        return update_row(self.engine, runs, run_id, when_status, **values)

    def interrupt(self, run_id: str, reason: str) -> bool:
        """Mark an active run interrupted (its owner stopped); False if it had already ended."""
        return self.update(
            run_id,
            when_status=ACTIVE,
            status="interrupted",
            finished_at=now(),
            error={
                "kind": "interrupted",
                "cell_index": None,
                "ename": "Interrupted",
                "evalue": reason,
            },
        )

    def get(self, run_id: str) -> dict[str, Any] | None:
        return get_row(self.engine, runs, run_id)

    def find(self, status: str | None = None, sweep_id: str | None = None) -> list[dict[str, Any]]:
        query = select(runs).order_by(runs.c.created_at.desc(), runs.c.id)
        if status is not None:
            query = query.where(runs.c.status == status)
        if sweep_id is not None:
            query = query.where(runs.c.sweep_id == sweep_id)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def sweep(self, sweep_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(sweeps).where(sweeps.c.id == sweep_id)).mappings().first()
        return dict(row) if row else None

    def all_sweeps(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            query = select(sweeps).order_by(sweeps.c.created_at.desc())
            return [dict(r) for r in conn.execute(query).mappings()]

    def active(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            query = select(runs).where(runs.c.status.in_(ACTIVE))
            return [dict(r) for r in conn.execute(query).mappings()]
