"""Image artifacts: the version's image in the local Docker engine, by id (a tag moves when a
version is rebuilt), built through the project's BuildService when the engine lacks it."""

import contextlib
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ..builds.image import oci_labels
from ..builds.naming import PROJECT_LABEL, image_tag, project_id
from ..store import Store
from ..targets.base import LABEL_PREFIX
from ..targets.engine import docker_client
from .artifacts import Early, PrepareFailed, Progress

if TYPE_CHECKING:
    from ..builds.service import BuildService

GARBAGE_AGE_S = 3600.0


class ImageArtifacts:
    def __init__(self, store: Store, builds: "BuildService", client: Any = None) -> None:
        self.store = store
        self.builds = builds
        self.client = client or docker_client()

    def prepare(
        self, version: dict[str, Any], user: str, progress: Progress, early: Early | None = None
    ) -> str:
        """The id of the version's image, built first when this engine does not have it. The
        id, read with the labels that say it is this version: the tag may move afterwards."""
        import docker

        project = project_id(self.store)
        try:
            image = self.client.images.get(image_tag(project, version))
        except docker.errors.ImageNotFound:
            image = None
        if image is not None and _same_version(image.labels or {}, oci_labels(version)):
            return str(image.id)
        # A re-created project's version of the same number, say: its commit differs.
        why = "none yet" if image is None else "the image of that tag is another version's"
        progress("build", f"building the image of {version['tag']} ({why})")

        def steps(event: dict[str, Any]) -> None:
            for line in event.get("lines", []):
                if line.startswith("── "):
                    progress("build", line[3:])

        build_id = self.builds.start(str(version["tag"]), user, listener=steps)["id"]
        if early is not None:
            self._watch_early(build_id, version, project, early)
        build = self.builds.wait(build_id)
        if build["status"] != "succeeded":
            error = build["error"] or {}
            raise PrepareFailed(
                f"{version['tag']}: the image build {build['status']}:"
                f" {error.get('message', 'see its log')}"
            )
        return str(build["image"]["id"])

    def _watch_early(
        self, build_id: str, version: dict[str, Any], project: str, early: Early
    ) -> None:
        """While the build runs: its version image built during the smoke test (untagged, with
        the version's labels) is told to `early` as soon as the engine has it."""
        wanted = oci_labels(version)
        began = time.time() - 1  # only this build's image: an older one may hold other packages
        filters = {
            "dangling": True,
            "label": [f"{LABEL_PREFIX}.tag={version['tag']}", f"{PROJECT_LABEL}={project}"],
        }
        while self.builds.get(build_id)["status"] in ("queued", "running"):
            for image in self.client.images.list(filters=filters):
                if _same_version(image.labels or {}, wanted) and _created(image) > began:
                    early(image.id)
                    return
            time.sleep(0.1)  # polling the engine while the build runs, bounded by the build

    def identity(self, artifact: str) -> str:
        return str(self.client.images.get(artifact).id)

    def collect_garbage(self) -> list[str]:
        return collect_garbage(self.client)


def collect_garbage(client: Any) -> list[str]:
    """Version images a rebuild left without a tag: no deployment can name them again. Images
    a container still uses are kept (the engine refuses, and that is fine)."""
    import docker

    removed = []
    dangling = client.images.list(filters={"dangling": True, "label": f"{LABEL_PREFIX}.tag"})
    # A build in progress holds its image untagged until its smoke test passes: only images
    # older than any build are garbage.
    cutoff = time.time() - GARBAGE_AGE_S
    for image in dangling:
        if _created(image) > cutoff:
            continue
        with contextlib.suppress(docker.errors.APIError):
            client.images.remove(image.id, noprune=False)
            removed.append(f"{image.labels.get(f'{LABEL_PREFIX}.tag', '?')} {image.short_id}")
    return removed


def _created(image: Any) -> float:
    """When the engine made the image, in seconds since the epoch (now, when it cannot tell)."""
    try:
        stamp = datetime.fromisoformat(str(image.attrs["Created"])[:26].rstrip("Z"))
        return stamp.replace(tzinfo=timezone.utc).timestamp()  # the engine writes UTC
    except (KeyError, ValueError):
        return time.time()


def _same_version(found: dict[str, str], wanted: dict[str, str]) -> bool:
    """Whether an image's labels say it holds the wanted version: same commit, same files."""
    keys = ("org.opencontainers.image.revision", "io.jupyter-deploy.dvc-md5")
    return all(found.get(key) == wanted.get(key) for key in keys)
