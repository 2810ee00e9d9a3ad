"""The example project as a committed git repository with real versions: the notebook run by
papermill in a real kernel and promoted, as a data scientist would."""

import asyncio
import json
import subprocess
from pathlib import Path
from typing import Any

from jupyter_deploy.runs import Limits, RunService
from jupyter_deploy.versions import Identity, Versions

ME = Identity("Ada Tester", "ada@example.org")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def commit_all(project: Path, message: str) -> None:
    git(project, "add", "-A")
    git(project, "-c", "user.name=T", "-c", "user.email=t@x", "commit", "-qm", message)


def init_repository(project: Path) -> None:
    (project / ".gitignore").write_text("/.jupyter_deploy/\n/deploy-runs/\n")
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "project")


async def _run(project: Path, parameters: dict[str, Any]) -> str:
    service = RunService(project)
    try:
        run = await service.start_run("train.ipynb", parameters, user="ada", limits=Limits())
        await service.wait([run["id"]])
        done = service.get(run["id"])
    finally:
        await service.close()
    assert done["status"] == "succeeded", json.dumps(done.get("error"))
    return str(done["id"])


def new_version(project: Path, **parameters: Any) -> dict[str, Any]:
    """Run the example notebook with `parameters` and promote the run."""
    run_id = asyncio.run(_run(project, parameters))
    return Versions(project).promote(run_id, ME)


def edit_serve_cell(project: Path, old: str, new: str) -> None:
    """Change the example's serve cells (`old` must occur in them) and commit the change."""
    path = project / "train.ipynb"
    notebook = json.loads(path.read_text())
    found = False
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if "serve" in cell["metadata"].get("tags", []) and old in source:
            cell["source"] = source.replace(old, new)
            found = True
    assert found, f"{old!r} is in no serve cell"
    path.write_text(json.dumps(notebook, indent=1))
    commit_all(project, "edit the serve cells")
