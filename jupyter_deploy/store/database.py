"""Open (creating and migrating) a project's state database."""

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from .._version import __version__
from ..errors import StoreError
from .migrations import MIGRATIONS, Migration, latest_version
from .schema import schema_migrations

STATE_DIR = ".jupyter_deploy"
DB_NAME = "state.db"


def store_path(project_dir: Path) -> Path:
    return project_dir / STATE_DIR / DB_NAME


@dataclass
class Store:
    engine: Engine
    path: Path
    schema_version: int

    def close(self) -> None:
        self.engine.dispose()


@dataclass(frozen=True)
class StoreStatus:
    path: Path
    exists: bool
    schema_version: int
    latest_version: int


def _engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # pysqlite would otherwise auto-commit DDL; hand transaction control to SQLAlchemy so
        # a migration's CREATE TABLE rolls back with the rest of it.
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA foreign_keys=ON")
        dbapi_conn.execute("PRAGMA busy_timeout=5000")
        # WAL: the server and CLI read while the other writes; NORMAL sync stays durable in WAL
        # mode up to the last checkpoint and saves an fsync per progress update.
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
        dbapi_conn.execute("PRAGMA synchronous=NORMAL")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _current_version(engine: Engine) -> int:
    with engine.connect() as conn:
        if not inspect(conn).has_table(schema_migrations.name):
            return 0
        versions = conn.execute(select(schema_migrations.c.version)).scalars().all()
        return max(versions, default=0)


def open_store(
    project_dir: Path,
    migrations: tuple[Migration, ...] = MIGRATIONS,
    applied_by: str = "jupyter_deploy",
) -> Store:
    """Open the project's database, applying pending migrations one transaction each."""
    path = store_path(project_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = _engine(path)
    try:
        current = _current_version(engine)
        target = latest_version(migrations)
        if current > target:
            raise StoreError(
                f"the state database {path} has schema v{current}, newer than this jupyter_deploy"
                f" {__version__} understands (v{target}); upgrade jupyter_deploy"
            )
        for migration in migrations:
            if migration.version <= current:
                continue
            with engine.begin() as conn:
                schema_migrations.create(conn, checkfirst=True)
                migration.apply(conn)
                conn.execute(
                    schema_migrations.insert().values(
                        version=migration.version,
                        description=migration.description,
                        applied_at=datetime.now(timezone.utc).isoformat(),
                        applied_by=f"{applied_by} {__version__}",
                    )
                )
            current = migration.version
    except StoreError:
        engine.dispose()
        raise
    except (SQLAlchemyError, OSError) as exc:
        engine.dispose()
        raise StoreError(f"cannot open the state database {path}: {exc}") from exc
    return Store(engine=engine, path=path, schema_version=current)


def inspect_store(project_dir: Path) -> StoreStatus:
    """Read the schema version without creating or migrating anything."""
    path = store_path(project_dir)
    if not path.exists():
        return StoreStatus(path, exists=False, schema_version=0, latest_version=latest_version())
    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true", future=True)
    try:
        version = _current_version(engine)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot read the state database {path}: {exc}") from exc
    finally:
        engine.dispose()
    return StoreStatus(path, exists=True, schema_version=version, latest_version=latest_version())
