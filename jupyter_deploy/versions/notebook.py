"""A version's executed notebook as a file JupyterLab can open: written once, read-only, under
the project's run folder (git-ignored and never mirrored into runs), from the version's commit
so it is there even when the run's own folder is long gone."""

import stat
from pathlib import Path, PurePosixPath

from ..atomic import atomic_write_text
from ..errors import NotFound
from ..runs.workspace import RUNS_DIR
from .promote import Versions

VERSIONS_SUBDIR = "versions"


def executed_notebook(versions: Versions, reference: str) -> Path:
    version = versions.show(reference)
    tag, name = str(version["tag"]), PurePosixPath(version["notebook"])
    target: Path = versions.project_dir / RUNS_DIR / VERSIONS_SUBDIR / tag / name
    if target.is_file():
        return target
    content = versions.git.show(tag, versions.repo_path(str(name)))
    if content is None:
        raise NotFound(f"{tag} has no {name} in its commit")
    atomic_write_text(target, content.decode())
    # A version is immutable: opened in JupyterLab it says so instead of taking edits.
    target.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return target
