import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Column, Connection, Integer, Table, Text, inspect, select

from jupyter_deploy.errors import StoreError
from jupyter_deploy.store import (
    MIGRATIONS,
    Migration,
    inspect_store,
    latest_version,
    open_store,
    store_path,
)
from jupyter_deploy.store.schema import meta, metadata


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("select name from sqlite_master where type='table'")}


def test_new_database_is_at_latest_schema(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    try:
        assert store.schema_version == latest_version() >= 1
        with store.engine.connect() as conn:
            created = conn.execute(
                select(meta.c.value).where(meta.c.key == "created_at")
            ).scalar_one()
        assert created.startswith("20")
    finally:
        store.close()
    assert _tables(store_path(tmp_path)) >= {"schema_migrations", "meta"}


def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    open_store(tmp_path).close()
    open_store(tmp_path).close()
    with sqlite3.connect(store_path(tmp_path)) as conn:
        versions = [row[0] for row in conn.execute("select version from schema_migrations")]
    assert versions == [m.version for m in MIGRATIONS]


def _v2_add_notes(conn: Connection) -> None:
    Table(
        "notes",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("text", Text),
        extend_existing=True,
    ).create(conn)


def test_upgrade_keeps_existing_data(tmp_path: Path) -> None:
    open_store(tmp_path).close()
    with sqlite3.connect(store_path(tmp_path)) as conn:
        conn.execute("insert into meta(key, value) values ('owner', 'ada')")
    upgraded = (*MIGRATIONS, Migration(latest_version() + 1, "notes", _v2_add_notes))
    store = open_store(tmp_path, upgraded)
    try:
        assert store.schema_version == latest_version() + 1
        with store.engine.connect() as conn:
            assert inspect(conn).has_table("notes")
            owner = conn.execute(select(meta.c.value).where(meta.c.key == "owner")).scalar_one()
        assert owner == "ada"
    finally:
        store.close()


def _broken(conn: Connection) -> None:
    conn.exec_driver_sql("create table half_done (id integer)")
    raise RuntimeError("migration bug")


def test_failed_migration_leaves_previous_version_intact(tmp_path: Path) -> None:
    open_store(tmp_path).close()
    broken = (*MIGRATIONS, Migration(latest_version() + 1, "broken", _broken))
    with pytest.raises(RuntimeError, match="migration bug"):
        open_store(tmp_path, broken)
    assert "half_done" not in _tables(store_path(tmp_path))
    status = inspect_store(tmp_path)
    assert status.schema_version == latest_version()


def test_database_from_a_newer_release_is_refused(tmp_path: Path) -> None:
    newer = (*MIGRATIONS, Migration(latest_version() + 1, "future", _v2_add_notes))
    open_store(tmp_path, newer).close()
    with pytest.raises(
        StoreError, match=r"newer than this jupyter_deploy .* upgrade jupyter_deploy"
    ):
        open_store(tmp_path)


def test_inspect_creates_nothing(tmp_path: Path) -> None:
    status = inspect_store(tmp_path)
    assert not status.exists
    assert status.schema_version == 0
    assert not (tmp_path / ".jupyter_deploy").exists()


def test_corrupt_database_is_a_clear_error(tmp_path: Path) -> None:
    path = store_path(tmp_path)
    path.parent.mkdir()
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open the state database"):
        open_store(tmp_path)
