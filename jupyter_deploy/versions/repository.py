"""Which repository a project's versions go to. A project is its own git repository, or, with the
user's consent, a folder of a larger one in DVC's subdirectory mode; never silently the outer
repository (that is how a demo copy inside a checkout would tag the checkout itself)."""

from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from .git import Git

SUBDIR_CONSENT = "dvc init --subdir"


@dataclass(frozen=True)
class Repository:
    git: Git
    prefix: str  # the project folder relative to the repository's root; "" when it is the root

    @property
    def subdir_mode(self) -> bool:
        return self.prefix != ""


def nested_in(project_dir: Path, top: Path) -> str:
    """What to tell a user whose project sits inside the repository `top` without consent."""
    return (
        f"{project_dir} is inside the git repository {top} without being its root, so versions"
        f" would be commits and tags of that repository. Make the project its own repository"
        f" (`git init` in {project_dir}, then commit), or, to keep its versions in {top},"
        f" consent by running `{SUBDIR_CONSENT}` in {project_dir} (DVC's subdirectory mode)."
    )


def open_repository(project_dir: Path) -> Repository:
    """The project's repository; refused (ConfigError) when it is another folder's repository and
    the user has not consented. Consent is DVC's own: a `.dvc/` folder in the project, which
    `dvc init --subdir` makes, is how DVC itself marks a project inside a larger repository."""
    project_dir = project_dir.resolve()
    git = Git.containing(project_dir)
    top = git.root.resolve()
    if top == project_dir:
        return Repository(git, "")
    if not consented(project_dir):
        raise ConfigError(nested_in(project_dir, top))
    return Repository(git, project_dir.relative_to(top).as_posix())


def consented(project_dir: Path) -> bool:
    """Whether the user chose DVC's subdirectory mode for a project inside a larger repository."""
    return (project_dir / ".dvc").is_dir()
