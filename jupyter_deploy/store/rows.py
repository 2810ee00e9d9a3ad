"""Row helpers shared by the records of runs and builds: a status change is a conditional update,
so two processes (server and CLI) racing to end the same row cannot both win."""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, Table, select, update


def update_row(
    engine: Engine, table: Table, row_id: str, when_status: Iterable[str] | None, **values: Any
) -> bool:
    """Update a row by id; with `when_status`, only if its status is one of those (atomically)."""
    statement = update(table).where(table.c.id == row_id).values(**values)
    if when_status is not None:
        statement = statement.where(table.c.status.in_(list(when_status)))
    with engine.begin() as conn:
        return conn.execute(statement).rowcount > 0


def get_row(engine: Engine, table: Table, row_id: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = conn.execute(select(table).where(table.c.id == row_id)).mappings().first()
    return dict(row) if row else None
