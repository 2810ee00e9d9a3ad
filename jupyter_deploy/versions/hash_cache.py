"""Remembered content hashes, keyed by a file's identity and stat, in the project's store."""

import os

from sqlalchemy import delete, select

from ..store import Store
from ..store.schema import file_hashes


class HashCache:
    def __init__(self, store: Store) -> None:
        self.engine = store.engine

    def get(self, stat: os.stat_result) -> str | None:
        row = None
        with self.engine.connect() as conn:
            row = conn.execute(
                select(file_hashes.c.md5).where(
                    file_hashes.c.device == stat.st_dev,
                    file_hashes.c.inode == stat.st_ino,
                    file_hashes.c.size == stat.st_size,
                    file_hashes.c.mtime_ns == stat.st_mtime_ns,
                )
            ).first()
        return str(row[0]) if row else None

    def put(self, stat: os.stat_result, md5: str) -> None:
        key = (file_hashes.c.device == stat.st_dev) & (file_hashes.c.inode == stat.st_ino)
        with self.engine.begin() as conn:
            conn.execute(delete(file_hashes).where(key))
            conn.execute(
                file_hashes.insert().values(
                    device=stat.st_dev,
                    inode=stat.st_ino,
                    size=stat.st_size,
                    mtime_ns=stat.st_mtime_ns,
                    md5=md5,
                )
            )
