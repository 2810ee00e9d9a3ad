"""Whether DVC sees a project's `.dvc` files. DVC collects them by walking the project and skips
every folder it believes git ignores, asking its own git library with a trailing slash
(`model/`). That library takes `/model/*` (with `!/model/*.dvc`) to ignore the folder itself,
although git does not ignore `model/model.joblib.dvc`: the pointer is committed, yet in a clone
`dvc pull` says "Everything is up to date" and restores nothing. So the question is asked here
exactly as DVC asks it, through the same library (scmrepo)."""

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from scmrepo.git import Git as ScmGit


@dataclass(frozen=True)
class Hidden:
    dvc_file: str  # the pointer DVC would not see, relative to DVC's root
    by: str  # the folder (with a trailing /) or file the ignore rules hide it as


def hidden_from_dvc(git_root: Path, dvc_root: Path, tracked: Iterable[str]) -> list[Hidden]:
    """The `.dvc` pointers of `tracked` (files versioned with DVC, relative to `dvc_root`) that
    DVC would skip because of the ignore rules of the repository at `git_root`."""
    hidden = []
    with contextlib.closing(ScmGit(str(git_root))) as scm:
        for rel in sorted(set(tracked)):
            path = PurePosixPath(rel)
            dvc_file = f"{rel}.dvc"
            # Folders from the top, the way DVC's walk meets them; the first hidden one decides.
            folders = [f"{p.as_posix()}/" for p in reversed(path.parents) if str(p) != "."]
            for asked in (*folders, dvc_file):
                absolute = str(dvc_root / asked.rstrip("/")) + (os.sep if asked[-1] == "/" else "")
                if scm.is_ignored(absolute):
                    hidden.append(Hidden(dvc_file, asked))
                    break
    return hidden
