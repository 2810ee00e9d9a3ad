"""Put a version's DVC-stored files (model files, and data files git does not keep) back into the
project folder. The plan says what would be created or overwritten first; what is overwritten is
saved to DVC's cache, so no local work is lost; every restored file is verified against the
version's hash."""

import contextlib
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
    version = versions.show(reference)
    actions = []
    stored = [*version["files"], *(d for d in version["data"] if d["storage"] == "dvc")]
    for item in stored:
        target = resolve_inside(versions.project_dir, item["path"])
        if not target.exists():
            action, current = "create", None
        else:
            current = versions.hashes.md5_of(target)
            action = "unchanged" if current == item["md5"] else "overwrite"
        actions.append({**item, "action": action, "current_md5": current})
    return {"version": version["tag"], "files": actions}


def restore(versions: Versions, reference: str) -> dict[str, Any]:
    with versions.serialised():
        planned = plan(versions, reference)
        remote = versions.dvc.remote(versions.model)
        for item in planned["files"]:
            if item["action"] == "unchanged":
                continue
            target = resolve_inside(versions.project_dir, item["path"])
            if item["action"] == "overwrite":
                # Whatever is there now stays recoverable by its hash.
                item["saved_as"] = versions.dvc.store(target, versions.hashes).md5
            source = versions.dvc.fetch(remote, item["md5"])
            if source is None:
                raise NotFound(
                    f"{item['path']} ({item['md5']}) is in neither DVC's cache nor the"
                    f" remote {remote.name!r}"
                )
            _copy_verified(source, target, item["md5"])
            versions.hashes.put(target.stat(), item["md5"])  # the next plan need not read it
        return planned


def _copy_verified(source: Path, target: Path, md5: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
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
