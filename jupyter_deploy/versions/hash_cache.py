"""Content hashes (DVC's md5), remembered by a file's identity and stat in the project's store."""

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import delete, select

from ..store import Store
from ..store.schema import file_hashes

CHUNK = 4 * 1024 * 1024


Progress = Callable[[str, int, int], None]  # (file name, bytes done, bytes in all)


def named(verb: str, progress: Progress | None) -> Progress | None:
    """`progress` with what is being done put before each file name."""
    if progress is None:
        return None
    return lambda name, done, total: progress(f"{verb} {name}", done, total)


def md5_of(path: Path, progress: Progress | None = None) -> str:
    digest = hashlib.md5()  # noqa: S324 - DVC's content address, not a security hash
    total = path.stat().st_size
    done = 0
    with path.open("rb") as src:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            done += len(chunk)
            if progress is not None:
                progress(path.name, done, total)
    return digest.hexdigest()


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

    def md5_of(self, path: Path, progress: Progress | None = None) -> str:
        """The file's md5, read only if its identity or stat changed since it was last hashed."""
        stat = path.stat()
        md5 = self.get(stat)
        if md5 is None:
            md5 = md5_of(path, progress)
            self.put(stat, md5)
        return md5

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
