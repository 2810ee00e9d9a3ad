"""Declared secrets (`secrets:` in jupyter-deploy.yaml) and the environment a model's own code
runs in, the same for the build's smoke test and every target.

A secret's value comes from the environment of the process that builds or deploys (the Jupyter
server, or `jupyter deploy`), where the user set it; it reaches the model as a file, read into
the model process's environment by the runtime (`runtime/main.py: load_secrets`). Nothing else
of that environment does: the server's own variables (JUPYTER_TOKEN, cloud credentials, …) never
reach a model, so a model that reads one it did not declare fails in the smoke test, not later
in production."""

import os
import re
from collections.abc import Iterable, Mapping

from ..errors import Conflict
from ..image_contract import SECRETS_DIR_ENV as SECRETS_DIR_ENV
from ..image_contract import model_environment as model_environment
from ..image_contract import write_secret_folder as write_secret_folder

# `KeyError: 'NAME'` raised by `os.environ[...]` (its last frame is os.py's __getitem__).
_MISSING_VARIABLE = re.compile(r"^KeyError: '([A-Za-z_][A-Za-z0-9_]*)'$")
_ENVIRON_FRAME = re.compile(r'^\s*File "(<frozen os>|.*[/\\]os\.py)", line \d+, in __getitem__$')


class SecretMissing(Conflict):
    code = "secret_missing"


def declared_values(
    names: Iterable[str], environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The value of each declared secret; SecretMissing naming (never showing) those not set."""
    source = os.environ if environ is None else environ
    names = list(names)
    missing = [name for name in names if name not in source]
    if missing:
        listed = ", ".join(missing)
        verb = "is" if len(missing) == 1 else "are"
        raise SecretMissing(
            f"secret {listed} {verb} declared in jupyter-deploy.yaml (secrets:) but not set in the"
            " environment of the Jupyter server or `jupyter deploy`: set it there (and restart the"
            " server), or remove it from secrets:"
        )
    return {name: source[name] for name in names}


def undeclared_hint(traceback_text: str, declared: Iterable[str]) -> str:
    """A sentence for a model that failed on a variable it was not given, or "" when it did not:
    the model's code read it from its environment, where only declared secrets are."""
    lines = traceback_text.strip().splitlines()
    found = _MISSING_VARIABLE.match(lines[-1].strip()) if len(lines) > 2 else None
    from_environ = any(_ENVIRON_FRAME.match(line) for line in lines[-3:-1])
    if found is None or not from_environ or found.group(1) in set(declared):
        return ""
    name = found.group(1)
    where = (
        "it is set in the server's environment, which models do not inherit"
        if name in os.environ
        else "it is set nowhere"
    )
    return (
        f"The model reads the environment variable {name}, which is not a declared secret"
        f" ({where}): list it under secrets: in jupyter-deploy.yaml and set it where the server"
        " runs."
    )
