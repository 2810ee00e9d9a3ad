"""Each run's isolated workspace: a mirror of the project where the run may write freely.

Small files are copied, large ones linked (symlinks), so a sweep of many runs over a big
dataset costs no disk; declared outputs (artifacts, metrics) are never mirrored, so a run
never starts with, or reports, another run's results.
"""

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

RUNS_DIR = "deploy-runs"
LINK_THRESHOLD_BYTES = 1024 * 1024
_SKIP_DIRS = {
    ".git",
    ".dvc",
    ".jupyter_deploy",
    RUNS_DIR,
    ".ipynb_checkpoints",
    "__pycache__",
    "node_modules",
    ".venv",
    "venv",
}


@dataclass(frozen=True)
class ProducedFile:
    path: str
    size: int
    sha256: str


Snapshot = dict[str, tuple[int, int]]


def workspace_dir(project_dir: Path, run_id: str) -> Path:
    return project_dir / RUNS_DIR / run_id


def prepare_workspace(project_dir: Path, run_id: str, outputs: set[str]) -> Path:
    """Mirror the project into its run folder; returns the folder."""
    target = workspace_dir(project_dir, run_id)
    target.mkdir(parents=True, exist_ok=False)
    for folder, dirs, files in os.walk(project_dir):
        here = Path(folder)
        rel_dir = here.relative_to(project_dir)
        dirs[:] = [
            d for d in dirs if d not in _SKIP_DIRS and (rel_dir / d).as_posix() not in outputs
        ]
        (target / rel_dir).mkdir(parents=True, exist_ok=True)
        for name in files:
            rel = (rel_dir / name).as_posix()
            if rel in outputs:
                continue
            src, dst = here / name, target / rel_dir / name
            if src.is_symlink() or src.stat().st_size > LINK_THRESHOLD_BYTES:
                os.symlink(src.resolve(), dst)
            else:
                shutil.copy2(src, dst)
    return target


def snapshot(root: Path) -> Snapshot:
    seen: Snapshot = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS]
        for name in files:
            path = Path(folder) / name
            if path.is_symlink():
                continue
            stat = path.stat()
            seen[path.relative_to(root).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return seen


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def produced_files(root: Path, before: Snapshot, ignore: set[str]) -> list[ProducedFile]:
    """Files the run created or changed, with their sizes and hashes."""
    after = snapshot(root)
    return [
        ProducedFile(rel, size, _sha256(root / rel))
        for rel, (size, mtime) in sorted(after.items())
        if rel not in ignore and before.get(rel) != (size, mtime)
    ]
