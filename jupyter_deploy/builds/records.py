"""Build rows in the project's store, and each build's log file beside the database."""

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

# A build lives the life of a run: the same statuses.
from ..runs.records import ACTIVE, now
from ..store import STATE_DIR, Store
from ..store.rows import get_row, update_row
from ..store.schema import builds

STEPS = ("export", "smoke", "resolve", "dependencies", "image")
LOGS_DIR = "builds"
WORK_PREFIX = "work-"  # a worker's scratch folder in the state folder: work-<build id>-<random>


def log_path(project_dir: Path, build_id: str) -> Path:
    """The build's log: written by its worker alone, so a line's number is its offset."""
    return project_dir / STATE_DIR / LOGS_DIR / f"{build_id}.log"


def stderr_path(project_dir: Path, build_id: str) -> Path:
    """What the worker's interpreter itself wrote (a crash's traceback)."""
    return project_dir / STATE_DIR / LOGS_DIR / f"{build_id}.stderr"


class BuildRecords:
    def __init__(self, store: Store) -> None:
        self.engine = store.engine

    def insert(self, row: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(builds.insert().values(**row))

    def update(
        self, build_id: str, *, when_status: tuple[str, ...] | None = None, **values: Any
    ) -> bool:
        return update_row(self.engine, builds, build_id, when_status, **values)

    def get(self, build_id: str) -> dict[str, Any] | None:
        return get_row(self.engine, builds, build_id)

    def find(self, version: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        query = select(builds).order_by(builds.c.created_at.desc(), builds.c.id).limit(limit)
        if version is not None:
            query = query.where(builds.c.version == version)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def last_requirements(self, model: str, base_image: str) -> list[str] | None:
        """What the model's latest succeeded build on `base_image` found the service needs."""
        query = (
            select(builds.c.requirements)
            .where(builds.c.model == model)
            .where(builds.c.base_image == base_image)
            .where(builds.c.status == "succeeded")
            .order_by(builds.c.finished_at.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            found = conn.execute(query).scalar()
        return list(found) if isinstance(found, list) else None

    def active(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            query = select(builds).where(builds.c.status.in_(ACTIVE))
            return [dict(r) for r in conn.execute(query).mappings()]

    def end(self, build_id: str, status: str, **values: Any) -> bool:
        """End an active build; False when it had already ended (someone else won)."""
        row = self.get(build_id)
        if row is None:
            return False
        finished = now()
        started = row["started_at"] or row["created_at"]
        duration = seconds_between(started, finished)
        if "steps" not in values and row["steps"] and row["steps"][-1]["duration_s"] is None:
            # Ended from outside its worker (cancelled, interrupted): the step it was in ends now.
            last = {
                **row["steps"][-1],
                "duration_s": seconds_between(row["steps"][-1]["started_at"], finished),
            }
            values["steps"] = [*row["steps"][:-1], last]
        return self.update(
            build_id,
            when_status=ACTIVE,
            status=status,
            step=None if status == "succeeded" else row["step"],
            finished_at=finished,
            duration_s=duration,
            **values,
        )


def seconds_between(start: str, end: str) -> float:
    return round((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds(), 3)
