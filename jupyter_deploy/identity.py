"""Who did something: the one answer recorded on runs, versions, stages, builds, deployments and
in the git commits and tags a version is made of, for the server and the command line alike.

A named user (Jupyter's identity provider on the server) wins; otherwise the project's git
identity as git itself resolves it (GIT_AUTHOR_NAME/EMAIL, then `git config user.name/email` of
the project's repository and the user's global config); otherwise the OS user at this host."""

import os
import pwd
import re
import socket
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

Source = Literal["jupyter", "git_env", "git_config", "os_user", "given"]
GIT_TIMEOUT_S = 30.0
_IDENT = re.compile(r"^(?P<name>.*) <(?P<email>.*)> \d+ [+-]\d{4}$")
# How the CLI and the Deploy sidebar say where a recorded identity came from.
SOURCE_TEXT: dict[str, str] = {
    "jupyter": "from your Jupyter sign-in",
    "git_env": "from GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL",
    "git_config": "from git config",
    "os_user": "from the OS user: set git config user.name and user.email to change it",
    "given": "given",
}


@dataclass(frozen=True)
class Identity:
    name: str
    email: str
    # Where the identity came from, so the sidebar can say which one is recorded and why.
    source: Source = "given"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        return f"{self.name} <{self.email}> ({SOURCE_TEXT[self.source]})"


def resolve(project_dir: Path, user: Identity | None = None) -> Identity:
    """The identity to record for work on `project_dir`; `user` is a named (not anonymous)
    Jupyter user, if the caller has one."""
    if user is not None:
        return user
    return git_identity(project_dir) or os_identity()


def git_identity(project_dir: Path) -> Identity | None:
    """The author git would write in `project_dir`, or None when git would have to guess it."""
    cwd = project_dir if project_dir.is_dir() else project_dir.parent
    try:
        # useConfigOnly: the environment or a config file must name the author; git's guess
        # from the host (root@vm.(none)) is no better than our own OS fallback.
        done = subprocess.run(
            ["git", "-c", "user.useConfigOnly=true", "var", "GIT_AUTHOR_IDENT"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    found = _IDENT.match(done.stdout.strip()) if done.returncode == 0 else None
    if found is None or not found["name"] or not found["email"]:
        return None
    name, email = found["name"], found["email"]
    from_env = name == os.environ.get("GIT_AUTHOR_NAME") or email == os.environ.get(
        "GIT_AUTHOR_EMAIL"
    )
    return Identity(name, email, "git_env" if from_env else "git_config")


def os_identity() -> Identity:
    """The OS account running this process, at this host."""
    try:
        user = pwd.getpwuid(os.getuid()).pw_name
    except KeyError:  # a uid without a passwd entry, as in some containers
        user = os.environ.get("USER") or f"uid{os.getuid()}"
    return Identity(user, f"{user}@{socket.gethostname()}", "os_user")
