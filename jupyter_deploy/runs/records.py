"""Run and sweep rows in the project's store; conditional updates make status changes atomic
across the processes (server, CLI) that share the database."""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from ..clock import now, timestamp
from ..store import Store
from ..store.rows import get_row, update_row
from ..store.schema import runs, sweeps

ACTIVE = ("queued", "running")
FINAL = ("succeeded", "failed", "cancelled", "interrupted")
STATUSES = (*ACTIVE, *FINAL)
__all__ = ["ACTIVE", "FINAL", "STATUSES", "RunRecords", "now", "timestamp"]


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
