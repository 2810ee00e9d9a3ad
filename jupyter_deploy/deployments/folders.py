"""Folder artifacts: the version's service folder (service.py, deploy-version.json and the model
files), exported once under the project's state folder, for targets that run the model server
from files on this machine."""

import json
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

import psutil

from ..builds.pipeline import service_files
from ..errors import DeployError
from ..store import STATE_DIR, Store
from ..versions import Versions
from .artifacts import Early, PrepareFailed, Progress

SERVICES_DIR = "services"


def service_folder(project_dir: Path, version: dict[str, Any]) -> Path:
    return project_dir / STATE_DIR / SERVICES_DIR / str(version["model"]) / str(version["version"])


class FolderArtifacts:
    def __init__(self, project_dir: Path, store: Store) -> None:
        self.project_dir = project_dir
        self.store = store

    def prepare(
        self, version: dict[str, Any], user: str, progress: Progress, early: Early | None = None
    ) -> str:
        """The version's service folder, exported first when missing. It appears whole or not
        at all: the export goes to a scratch folder beside it, renamed into place when
        complete. (Nothing to start early: exporting is quick.)"""
        folder = service_folder(self.project_dir, version)
        if _exported(folder, version):
            return str(folder)
        tag = str(version["tag"])
        progress("build", f"exporting {tag} to {folder}")
        folder.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned_scratch(folder)
        scratch = folder.with_name(f".{folder.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            service_files(Versions(self.project_dir, self.store), version, scratch)
            if not _exported(folder, version):  # else a concurrent export finished first
                if folder.exists():  # the export of a re-created project's version
                    shutil.rmtree(folder)
                try:
                    os.rename(scratch, folder)
                except OSError:
                    if not _exported(folder, version):
                        raise
        except DeployError as exc:
            raise PrepareFailed(f"{tag}: {exc.message}") from exc
        except OSError as exc:
            raise PrepareFailed(f"{tag}: the export to {folder} failed: {exc}") from exc
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return str(folder)

    def identity(self, artifact: str) -> str:
        return artifact

    def collect_garbage(self) -> list[str]:
        return []


def _exported(folder: Path, version: dict[str, Any]) -> bool:
    """A complete export of this very version (the rename makes any folder complete; the tag
    and commit tell a re-created project's version of the same name apart)."""
    try:
        recorded = json.loads((folder / "deploy-version.json").read_text())
    except (OSError, ValueError):
        return False
    return bool(
        (folder / "service.py").is_file()
        and recorded.get("tag") == version.get("tag")
        and recorded.get("commit") == version.get("commit")
    )


def _remove_abandoned_scratch(folder: Path) -> None:
    """Scratch folders of exports whose process is gone (killed mid-export)."""
    for scratch in folder.parent.glob(f".{folder.name}.*.tmp"):
        pid = scratch.name.split(".")[2]
        if pid.isdigit() and not psutil.pid_exists(int(pid)):
            shutil.rmtree(scratch, ignore_errors=True)
