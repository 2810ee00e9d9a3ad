"""The user's own copy of a deployment's API key, so the notebook helper and the panel's snippets
can call the endpoint. It lives outside the project (never in git or an image), readable only by
this user; the model server keeps only the key's digest."""

import os
from pathlib import Path


def keys_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "jupyter-deploy" / "keys"


def key_file(project_key: str, name: str) -> Path:
    return keys_home() / project_key / f"{name}.key"


def save_key(path: Path, key: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_suffix(".tmp")
    # Created 0600 from the start: the key is never readable by others, not even briefly.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key + "\n")
    os.replace(temporary, path)


def read_key(path: Path) -> str | None:
    try:
        return path.read_text().strip() or None
    except OSError:
        return None
