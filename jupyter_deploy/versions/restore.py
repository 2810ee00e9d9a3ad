"""Put a version's files back into the project folder: model files and data from DVC, the metrics
file and git-kept data from the version's commit. The plan says what would be created or
overwritten first; what is overwritten is saved to DVC's cache, so no local work is lost; every
restored file is verified against the version's hash, and every source is fetched before anything
is replaced."""

import contextlib
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ..errors import Conflict, NotFound
from ..paths import resolve_inside
from .hash_cache import md5_of
from .promote import Versions


def plan(versions: Versions, reference: str) -> dict[str, Any]:
    return _plan(versions, reference, {})


def _plan(versions: Versions, reference: str, blobs: dict[str, bytes]) -> dict[str, Any]:
    """The plan; `blobs` receives the git-kept files' bytes, read once for their md5."""
    version = versions.show(reference)
    actions = []
    for item in _files(versions, version, blobs):
        target = resolve_inside(versions.project_dir, item["path"])
        if not target.exists():
            action, current = "create", None
        else:
            current = versions.hashes.md5_of(target)
            action = "unchanged" if current == item["md5"] else "overwrite"
        actions.append({**item, "action": action, "current_md5": current})
    return {"version": version["tag"], "files": actions}


def _files(
    versions: Versions, version: dict[str, Any], blobs: dict[str, bytes]
) -> list[dict[str, Any]]:
    """What a version puts back: its DVC-stored files, its metrics file and the data files git
    keeps (both from its commit)."""
    dvc = [*version["files"], *(d for d in version["data"] if d["storage"] == "dvc")]
    in_git = [d["path"] for d in version["data"] if d["storage"] == "git"]
    if versions.config.metrics not in in_git:
        in_git.insert(0, versions.config.metrics)
    kept = []
    for path in in_git:
        blob = versions.git.show(version["tag"], versions.repo_path(path))
        if blob is not None:
            blobs[path] = blob
            md5 = hashlib.md5(blob).hexdigest()  # noqa: S324 - DVC's content address
            kept.append({"path": path, "md5": md5, "size": len(blob), "storage": "git"})
    return [*dvc, *kept]


def restore(versions: Versions, reference: str) -> dict[str, Any]:
    with versions.serialised():
        blobs: dict[str, bytes] = {}
        planned = _plan(versions, reference, blobs)
        remote = versions.dvc.remote(versions.model)
        changing = [item for item in planned["files"] if item["action"] != "unchanged"]
        # Every source is at hand before anything in the project is touched.
        sources: list[Path | bytes] = []
        for item in changing:
            source: Path | bytes | None = (
                blobs[item["path"]]
                if item["storage"] == "git"
                else versions.dvc.fetch(remote, item["md5"])
            )
            if source is None:
                raise NotFound(
                    f"{item['path']} ({item['md5']}) is in neither DVC's cache nor the"
                    f" remote {remote.name!r}; nothing was restored"
                )
            sources.append(source)
        for item, source in zip(changing, sources, strict=True):
            target = resolve_inside(versions.project_dir, item["path"])
            if item["action"] == "overwrite":
                # Whatever is there now stays recoverable by its hash.
                item["saved_as"] = versions.dvc.store(target, versions.hashes).md5
            _copy_verified(source, target, item["md5"])
            versions.hashes.put(target.stat(), item["md5"])  # the next plan need not read it
        return planned


def _copy_verified(source: Path | bytes, target: Path, md5: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if isinstance(source, bytes):
            tmp.write_bytes(source)
        else:
            shutil.copyfile(source, tmp)
        got = md5_of(tmp)
        if got != md5:
            raise Conflict(
                f"{target.name}: the stored copy is damaged (md5 {got}, expected {md5});"
                " nothing was replaced"
            )
        tmp.chmod(0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
