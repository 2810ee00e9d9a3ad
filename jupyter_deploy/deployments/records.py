"""Deployment rows and their event history in the project's store."""

from typing import Any

from sqlalchemy import select, update

from ..clock import now
from ..store import Store
from ..store.schema import deployment_events, deployments


class DeploymentRecords:
    def __init__(self, store: Store) -> None:
        self.engine = store.engine

    def get(self, name: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            query = select(deployments).where(deployments.c.name == name)
            row = conn.execute(query).mappings().first()
        return dict(row) if row else None

    def all(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            query = select(deployments).order_by(deployments.c.name)
            return [dict(r) for r in conn.execute(query).mappings()]

    def ports(self) -> set[int]:
        with self.engine.connect() as conn:
            return set(conn.execute(select(deployments.c.port)).scalars())

    def create(self, row: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(deployments.insert().values(**row))

    def update(self, name: str, **values: Any) -> None:
        statement = update(deployments).where(deployments.c.name == name)
        with self.engine.begin() as conn:
            conn.execute(statement.values(updated_at=now(), **values))

    def event(
        self,
        name: str,
        by: str,
        action: str,
        version: str | None,
        outcome: str,
        detail: dict[str, Any] | None = None,
    ) -> None:
        row = {
            "deployment": name,
            "at": now(),
            "by": by,
            "action": action,
            "version": version,
            "outcome": outcome,
            "detail": detail or {},
        }
        with self.engine.begin() as conn:
            conn.execute(deployment_events.insert().values(**row))

    def events(self, name: str, limit: int = 100) -> list[dict[str, Any]]:
        query = (
            select(deployment_events)
            .where(deployment_events.c.deployment == name)
            .order_by(deployment_events.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]
