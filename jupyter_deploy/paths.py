"""Confine user-supplied paths to a root folder."""

import os
from pathlib import Path

from .errors import Forbidden, InvalidInput


def resolve_inside(root: Path, relative: str) -> Path:
    """Resolve `relative` (a path from a request) to an absolute path inside `root`.

    Symlinks are resolved before the check, and the check compares against
    ``root + os.sep`` so that ``/srv/root-other`` is not taken to be inside ``/srv/root``.
    """
    if "\0" in relative:
        raise InvalidInput("path contains a NUL byte")
    if os.path.isabs(relative) or relative.startswith(("\\", "~")):
        raise InvalidInput(f"path must be relative to the Jupyter root, got {relative!r}")
    real_root = os.path.realpath(root)
    candidate = os.path.realpath(os.path.join(real_root, relative))
    if candidate != real_root and not candidate.startswith(real_root + os.sep):
        raise Forbidden(f"path {relative!r} is outside the Jupyter root")
    return Path(candidate)


def relative_to_root(root: Path, path: Path) -> str:
    """The POSIX-style path of `path` relative to `root` ('' for the root itself)."""
    rel = os.path.relpath(os.path.realpath(path), os.path.realpath(root))
    return "" if rel == "." else Path(rel).as_posix()
