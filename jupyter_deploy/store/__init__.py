"""Embedded state: one SQLite database per project, versioned by migrations."""

from .database import STATE_DIR, Store, StoreStatus, inspect_store, open_store, store_path
from .migrations import MIGRATIONS, Migration, latest_version

__all__ = [
    "MIGRATIONS",
    "STATE_DIR",
    "Migration",
    "Store",
    "StoreStatus",
    "inspect_store",
    "latest_version",
    "open_store",
    "store_path",
]
