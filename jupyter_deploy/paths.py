"""Confine user-supplied paths to a root folder."""

import os
from pathlib import Path

from .errors import Forbidden, InvalidInput

MAX_PATH_BYTES = 4096  # PATH_MAX on Linux, with its terminating NUL


def resolve_inside(root: Path, relative: str, field: str = "path") -> Path:
    """Resolve `relative` (a path from a request, in `field`) to an absolute path inside `root`.

    Symlinks are resolved before the check, and the check compares against
    ``root + os.sep`` so that ``/srv/root-other`` is not taken to be inside ``/srv/root``.
    Messages name the field, not the path: an answer never echoes what the request sent.
    """
    if "\0" in relative:
        raise InvalidInput(f"{field}: contains a NUL character")
    if os.path.isabs(relative) or relative.startswith(("\\", "~")):
        raise InvalidInput(f"{field}: must be relative to the Jupyter root")
    real_root = os.path.realpath(root)
    candidate = os.path.realpath(os.path.join(real_root, relative))
    if candidate != real_root and not candidate.startswith(real_root + os.sep):
        raise Forbidden(f"{field}: outside the Jupyter root")
    # Below the root's own length: the system refuses longer paths (ENAMETOOLONG) on any use.
    if len(os.fsencode(candidate)) >= MAX_PATH_BYTES:
        raise InvalidInput(f"{field}: the path is too long")
    return Path(candidate)


def relative_to_root(root: Path, path: Path) -> str:
    """The POSIX-style path of `path` relative to `root` ('' for the root itself)."""
    rel = os.path.relpath(os.path.realpath(path), os.path.realpath(root))
    return "" if rel == "." else Path(rel).as_posix()
