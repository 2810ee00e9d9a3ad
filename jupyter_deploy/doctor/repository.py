"""The project's repository as versions will use it: its own, a consented folder of a larger one,
or one that would be refused; and whether DVC's own tools will see the pointers versions commit."""

from pathlib import Path, PurePosixPath

from ..config import ProjectConfig
from ..errors import DeployError
from ..versions.git import Git
from ..versions.ignores import hidden_from_dvc
from ..versions.repository import SUBDIR_CONSENT, consented, nested_in
from .model import Check

LABEL = "Repository"
IGNORE_LABEL = "DVC and ignore rules"


def check_repository(project_dir: Path | None) -> Check:
    if project_dir is None:
        return Check("repository", LABEL, "ok", None, "no project, so no repository to check")
    project_dir = project_dir.resolve()
    try:
        top = Git.containing(project_dir).root.resolve()
    except DeployError as exc:
        return Check(
            "repository",
            LABEL,
            "warning",
            None,
            exc.message,
            f"Versions are git commits and tags: run `git init` in {project_dir} and commit"
            " the project",
        )
    if top == project_dir:
        return Check("repository", LABEL, "ok", str(top), "the project is its own git repository")
    if consented(project_dir):
        return Check(
            "repository",
            LABEL,
            "ok",
            str(top),
            f"a folder of the git repository {top}, in DVC's subdirectory mode",
        )
    return Check(
        "repository",
        LABEL,
        "warning",
        str(top),
        f"the project is inside the git repository {top}, which is not its own: versions are"
        f" refused until you choose (`git init`, or `{SUBDIR_CONSENT}`)",
        nested_in(project_dir, top),
    )


def check_dvc_ignores(project_dir: Path | None, config: ProjectConfig | None) -> Check:
    if project_dir is None or config is None:
        return Check("dvc_ignore", IGNORE_LABEL, "ok", None, "no project config to check")
    project_dir = project_dir.resolve()
    try:
        git = Git(project_dir)
        top = Path(git.text("rev-parse", "--show-toplevel")).resolve()
        # Files git keeps need no pointer; every other versioned file gets a `.dvc` one.
        in_git = set(git.run("ls-files", "-z").decode().split("\0"))
        committed = [p.removesuffix(".dvc") for p in in_git if p.endswith(".dvc")]
        tracked = [*config.artifacts, *(d for d in config.data if d not in in_git), *committed]
        hidden = hidden_from_dvc(top, project_dir, tracked)
    except (DeployError, OSError) as exc:
        message = exc.message if isinstance(exc, DeployError) else str(exc)
        return Check("dvc_ignore", IGNORE_LABEL, "ok", None, f"not checked: {message}")
    if not hidden:
        return Check(
            "dvc_ignore",
            IGNORE_LABEL,
            "ok",
            None,
            f"DVC sees the pointers of the {len(set(tracked))} file(s) versions keep in DVC",
        )
    by = sorted({h.by for h in hidden})
    pointers = ", ".join(h.dvc_file for h in hidden)
    return Check(
        "dvc_ignore",
        IGNORE_LABEL,
        "warning",
        pointers,
        f"the ignore rules hide {', '.join(by)} from DVC, so DVC does not see {pointers}:"
        " in a clone, `dvc pull` restores nothing",
        _hint(by[0], [h.dvc_file for h in hidden if h.by == by[0]]),
    )


def _hint(by: str, dvc_files: list[str]) -> str:
    if not by.endswith("/"):
        return f"Do not ignore .dvc files: `git check-ignore -v {by}` names the pattern to remove"
    # What `dvc add` writes into the folder's own .gitignore: one line per file, by name.
    names = ", ".join(f"`/{PurePosixPath(f).name.removesuffix('.dvc')}`" for f in dvc_files)
    return (
        f"Ignore files by name, not a folder's contents: replace the pattern that hides {by}"
        f" (`git check-ignore -v --no-index {by}x` names it, e.g. `/{by}*`) with a"
        f" {by}.gitignore listing {names}, as `dvc add` writes it, and commit it"
    )
