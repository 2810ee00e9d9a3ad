"""What a target's replicas run, decided and made ready here rather than by the targets: a target
says which kind of artifact it takes (`Target.artifact`), and the preparer of that kind turns a
version into one. A build a deploy needs is started through the project's one BuildService, so
it is an ordinary build (listed, pushed as events, cancellable, stopped with the server)."""

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import DeployError
from ..store import Store

if TYPE_CHECKING:
    from ..builds.service import BuildService

Progress = Callable[[str, str], None]  # (step, message): step is "build" while preparing
# Told, at most once, of what the version will most likely run while `prepare` still checks it
# (an image built before its build's smoke test ended): replicas may start on it early, and
# `prepare`'s answer decides whether they are kept.
Early = Callable[[str], None]


class PrepareFailed(DeployError):
    """The version could not be made runnable (its image build failed, say)."""

    code = "prepare_failed"


class Artifacts(Protocol):
    def prepare(
        self, version: dict[str, Any], user: str, progress: Progress, early: Early | None = None
    ) -> str:
        """What `ReplicaSpec.artifact` names for this version, made first when it is missing
        (never a name that can move to another version); DeployError when that fails."""

    def identity(self, artifact: str) -> str:
        """What `artifact` names now: early replicas are kept only if they run what `prepare`
        settled on."""

    def collect_garbage(self) -> list[str]:
        """Remove what earlier `prepare` calls left that nothing can use any more; what went."""


def artifacts_for(kind: str, project_dir: Path, store: Store, builds: "BuildService") -> Artifacts:
    """The preparer of `kind` (a target's `artifact`)."""
    if kind == "image":
        from .images import ImageArtifacts

        return ImageArtifacts(store, builds)
    if kind == "folder":
        from .folders import FolderArtifacts

        return FolderArtifacts(project_dir, store)
    raise ValueError(f"no preparer of {kind!r} artifacts (a target's `artifact`: image or folder)")
