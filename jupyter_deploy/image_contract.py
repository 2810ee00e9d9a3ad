"""What a version's model server expects of whoever runs it, be it an engine running its image
or a process on this machine: the port and user of its image, where its declared secrets are
(files in a folder it is told of, read into its own environment by `runtime/main.py`), and the
little of the deployer's environment it inherits. Builds make images to it and smoke-test with
it; the targets run replicas by it, without knowing how anything was built.

The runtime ships alone in the image (builds/image.py: RUNTIME_FILES) and keeps its own copy of
the variable names; tests/test_image_contract.py holds the two equal."""

import os
import re
from collections.abc import Mapping
from pathlib import Path

PORT = 8080
MODEL_UID = 10001  # the image's user: the files a replica is given must be readable by it
SECRETS_DIR_ENV = "JUPYTER_DEPLOY_SECRETS_DIR"  # the folder of the declared secrets' files
MODEL_DIR_ENV = "JUPYTER_DEPLOY_MODEL_DIR"  # the service folder the model's files are under

# What an interpreter needs to start and find its libraries the way it did in the notebook
# (a venv's or conda's, a PYTHONPATH the server was started with), and the locale and time zone
# the model's code formats with. No credentials: the server's tokens are not here.
_KEPT = ("PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "PYTHONPATH")
_KEPT_PATTERN = re.compile(r"^LC_[A-Z]+$")


def model_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The part of `environ` a model's process inherits (see `_KEPT`)."""
    source = os.environ if environ is None else environ
    return {
        name: value for name, value in source.items() if name in _KEPT or _KEPT_PATTERN.match(name)
    }


def write_secret_folder(folder: Path, values: Mapping[str, str]) -> Path:
    """`folder` (0700, created) with one file per secret (0600), as the runtime reads them."""
    folder.mkdir(mode=0o700)
    for name, value in values.items():
        fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(value)
    return folder
