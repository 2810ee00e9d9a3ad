"""Ordered schema migrations.

Each migration is applied in its own transaction together with its row in
`schema_migrations`, so a failure leaves the database exactly at the previous version.
Append new migrations at the end; never edit one that has shipped.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Connection

from .schema import builds, deployment_events, deployments, file_hashes, meta, runs, sweeps


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


def _v1_meta(conn: Connection) -> None:
    meta.create(conn)
    conn.execute(
        meta.insert().values(key="created_at", value=datetime.now(timezone.utc).isoformat())
    )


def _v2_runs(conn: Connection) -> None:
    sweeps.create(conn)
    runs.create(conn)


def _v3_file_hashes(conn: Connection) -> None:
    file_hashes.create(conn)


def _v4_builds(conn: Connection) -> None:
    builds.create(conn)


def _v5_deployments(conn: Connection) -> None:
    deployments.create(conn)
    deployment_events.create(conn)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "project metadata table", _v1_meta),
    Migration(2, "runs and sweeps", _v2_runs),
    Migration(3, "content hashes of stored files", _v3_file_hashes),
    Migration(4, "image builds", _v4_builds),
    Migration(5, "deployments and their history", _v5_deployments),
)


def latest_version(migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    return migrations[-1].version if migrations else 0
