"""Server configuration for the Galata integration tests.

Usage: jupyter lab --config jupyter_server_test_config.py

The Jupyter root is a fresh temporary folder holding a copy of the repository's
``examples/`` project (as ``examples/``), so the tests never write into the
repository, and the root itself, which has no jupyter-deploy.yaml, shows the
sidebar's "no project" state. The copy is a git repository with one commit, as a
project must be before a run can be promoted to a version; DVC's remote and any
other data jupyter_deploy keeps outside projects land in the temporary folder too.
"""

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # noqa: F821 (provided by the traitlets config loader)

configure_jupyter_server(c)

_examples = Path(__file__).resolve().parent.parent / "examples"
_root = Path(tempfile.mkdtemp(prefix="jupyter-deploy-ui-tests-"))
shutil.copytree(_examples, _root / "examples", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
atexit.register(shutil.rmtree, _root, ignore_errors=True)

_git = ["git", "-c", "user.name=UI Tests", "-c", "user.email=ui-tests@example.org"]
_project = str(_root / "examples")
subprocess.run([*_git, "init", "--quiet", "--initial-branch=main", _project], check=True)
subprocess.run([*_git, "-C", _project, "add", "--all"], check=True)
subprocess.run([*_git, "-C", _project, "commit", "--quiet", "-m", "Example project"], check=True)
# The project's own git identity: what the Deploy sidebar says work here is recorded as, since
# Galata's token user is one of Jupyter's made-up anonymous users.
for _key, _value in (("user.name", "Ada Lovelace"), ("user.email", "ada@example.org")):
    subprocess.run(["git", "-C", _project, "config", _key, _value], check=True)
os.environ["JUPYTER_DEPLOY_DATA_DIR"] = str(_root / "jupyter-deploy-data")

c.ServerApp.root_dir = str(_root)
c.ServerApp.allow_root = True
c.FileContentsManager.delete_to_trash = False

# Uncomment to set server log level to debug level
# c.ServerApp.log_level = "DEBUG"
