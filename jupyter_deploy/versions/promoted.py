"""Which runs became which versions, read from the version tags alone (one `git for-each-ref`):
the tags are the record, so a clone, a deleted database or another machine all agree."""

import re
from pathlib import Path

from ..config import load_config
from ..errors import DeployError
from .git import Git
from .repository import open_repository


def promotions(git: Git, model: str) -> dict[str, list[str]]:
    """Run id → the tags of the versions made from it, oldest first."""
    pattern = re.compile(rf"^{re.escape(model)}@v(\d+)$")
    found: dict[str, list[tuple[int, str]]] = {}
    for name, meta in git.tag_meta(f"{model}@v*"):
        match = pattern.match(name)
        run_id = meta.get("run_id")
        if match and meta.get("tag") == name and isinstance(run_id, str):
            found.setdefault(run_id, []).append((int(match.group(1)), name))
    return {run: [tag for _, tag in sorted(tags)] for run, tags in found.items()}


def project_promotions(project_dir: Path) -> dict[str, list[str]]:
    """`promotions` of a project's model; none when the project cannot have versions yet (no
    repository, no consent to use an outer one, an invalid config): a runs listing still works."""
    try:
        repository = open_repository(project_dir)
        return promotions(repository.git, load_config(project_dir).model)
    except DeployError:
        return {}
