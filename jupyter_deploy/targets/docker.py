"""The `docker` target: each replica is a container of the version's image, started by the
image's id (a tag moves when a version is rebuilt), published on a loopback port chosen here
(kept across restarts, so the gateway's address stays right), restarted by the engine if it
dies, and labelled so a restarted server finds it again.

Secrets are files copied into the container before it starts, owned by the image's user and
readable by it alone: not environment variables (`docker inspect` shows those) nor bind mounts
(the server's 0600 files are unreadable to the container's user, and readable to every user of
this machine otherwise). They live in the container's own layer, kept across its restarts and
removed with it."""

import contextlib
import dataclasses
import io
import socket
import tarfile
import time
from collections.abc import Callable, Iterator
from typing import Any

from ..builds.engine import docker_client
from ..builds.image import MODEL_UID, PORT
from ..builds.naming import PROJECT_LABEL, image_tag, project_id
from ..builds.secret_values import SECRETS_DIR_ENV
from ..runs.records import now
from .base import (
    LABEL_PREFIX,
    PrepareContext,
    PrepareFailed,
    Replica,
    ReplicaSpec,
    Target,
    answers_ready,
    wait_until_ready,
)

KEYS_IN_CONTAINER = "/run/jupyter-deploy/api-keys"
SECRETS_IN_CONTAINER = "/run/jupyter-deploy/secrets"
GARBAGE_AGE_S = 3600.0
_MEMORY_UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _created(image: Any) -> float:
    """When the engine made the image, in seconds since the epoch (now, when it cannot tell)."""
    from datetime import datetime, timezone

    try:
        stamp = datetime.fromisoformat(str(image.attrs["Created"])[:26].rstrip("Z"))
        return stamp.replace(tzinfo=timezone.utc).timestamp()  # the engine writes UTC
    except (KeyError, ValueError):
        return time.time()


def labels(spec: ReplicaSpec) -> dict[str, str]:
    return {
        f"{LABEL_PREFIX}.deployment": spec.deployment,
        f"{LABEL_PREFIX}.project": spec.project_key,
        f"{LABEL_PREFIX}.version": spec.version,
    }


def _secrets_archive(values: dict[str, str]) -> bytes:
    """A tar of the secrets folder for `put_archive`: the folder and its files owned by the
    image's user, readable by it alone."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        parent = SECRETS_IN_CONTAINER.strip("/").rpartition("/")[0]
        for folder, owner, mode in (
            (parent, 0, 0o755),
            (SECRETS_IN_CONTAINER.strip("/"), 1, 0o500),
        ):
            entry = tarfile.TarInfo(folder)
            entry.type, entry.mode = tarfile.DIRTYPE, mode
            entry.uid = entry.gid = MODEL_UID if owner else 0
            archive.addfile(entry)
        for name, value in values.items():
            data = value.encode()
            entry = tarfile.TarInfo(f"{SECRETS_IN_CONTAINER.strip('/')}/{name}")
            entry.size, entry.mode, entry.uid, entry.gid = len(data), 0o400, MODEL_UID, MODEL_UID
            archive.addfile(entry, io.BytesIO(data))
    return buffer.getvalue()


def _same_version(found: dict[str, str], wanted: dict[str, str]) -> bool:
    """Whether an image's labels say it holds the wanted version: same commit, same files."""
    keys = ("org.opencontainers.image.revision", "io.jupyter-deploy.dvc-md5")
    return all(found.get(key) == wanted.get(key) for key in keys)


class DockerTarget(Target):
    name = "docker"

    def __init__(self, client: Any = None) -> None:
        self.client = client or docker_client()

    def prepare(self, version: dict[str, Any], context: PrepareContext) -> str:
        """The id of the version's image, built first when this engine does not have it. The
        id, read with the labels that say it is this version: the tag may move afterwards."""
        import docker

        from ..builds.image import oci_labels
        from ..builds.service import BuildService

        project = project_id(context.store)
        try:
            image = self.client.images.get(image_tag(project, version))
        except docker.errors.ImageNotFound:
            image = None
        if image is not None and _same_version(image.labels or {}, oci_labels(version)):
            return str(image.id)
        # A re-created project's version of the same number, say: its commit differs.
        why = "none yet" if image is None else "the image of that tag is another version's"
        context.progress("build", f"building the image of {version['tag']} ({why})")
        # The server's own service, so the build is listed, evented and stopped like any other.
        builds = context.builds or BuildService(context.project_dir, context.store)

        def steps(event: dict[str, Any]) -> None:
            for line in event.get("lines", []):
                if line.startswith("── "):
                    context.progress("build", line[3:])

        build_id = builds.start(str(version["tag"]), context.user, listener=steps)["id"]
        if context.early is not None:
            self._watch_early(builds, build_id, version, project, context.early)
        build = builds.wait(build_id)
        if build["status"] != "succeeded":
            error = build["error"] or {}
            raise PrepareFailed(
                f"{version['tag']}: the image build {build['status']}:"
                f" {error.get('message', 'see its log')}"
            )
        return str(build["image"]["id"])

    def _watch_early(
        self,
        builds: Any,
        build_id: str,
        version: dict[str, Any],
        project: str,
        early: Callable[[str], None],
    ) -> None:
        """While the build runs: its version image built during the smoke test (untagged, with
        the version's labels) is told to `early` as soon as the engine has it."""
        from ..builds.image import oci_labels

        wanted = oci_labels(version)
        began = time.time() - 1  # only this build's image: an older one may hold other packages
        filters = {
            "dangling": True,
            "label": [f"{LABEL_PREFIX}.tag={version['tag']}", f"{PROJECT_LABEL}={project}"],
        }
        while builds.get(build_id)["status"] in ("queued", "running"):
            for image in self.client.images.list(filters=filters):
                if _same_version(image.labels or {}, wanted) and _created(image) > began:
                    early(image.id)
                    return
            time.sleep(0.1)  # polling the engine while the build runs, bounded by the build

    def identity(self, image: str) -> str:
        return str(self.client.images.get(image).id)

    def collect_garbage(self) -> list[str]:
        """Version images a rebuild left without a tag: no deployment can name them again. Images
        a container still uses are kept (the engine refuses, and that is fine)."""
        import docker

        removed = []
        dangling = self.client.images.list(
            filters={"dangling": True, "label": f"{LABEL_PREFIX}.tag"}
        )
        # A build in progress holds its image untagged until its smoke test passes: only images
        # older than any build are garbage.
        cutoff = time.time() - GARBAGE_AGE_S
        for image in dangling:
            if _created(image) > cutoff:
                continue
            with contextlib.suppress(docker.errors.APIError):
                self.client.images.remove(image.id, noprune=False)
                removed.append(f"{image.labels.get(f'{LABEL_PREFIX}.tag', '?')} {image.short_id}")
        return removed

    def start(self, spec: ReplicaSpec) -> Replica:
        port = free_port()
        command = ["--workers", str(spec.workers), "--max-batch", str(spec.max_batch)]
        volumes: dict[str, dict[str, str]] = {}
        if spec.api_keys_file is None:
            command.append("--open")
        else:
            command += ["--api-keys-file", KEYS_IN_CONTAINER]
            volumes[str(spec.api_keys_file)] = {"bind": KEYS_IN_CONTAINER, "mode": "ro"}
        options: dict[str, Any] = {}
        if spec.cpus:
            options["nano_cpus"] = int(spec.cpus * 1e9)
        if spec.memory:
            options["mem_limit"] = int(spec.memory[:-2]) * _MEMORY_UNITS[spec.memory[-2:]]
        container = self.client.containers.create(
            spec.image,
            command,
            labels={**labels(spec), f"{LABEL_PREFIX}.port": str(port)},
            ports={f"{PORT}/tcp": ("127.0.0.1", port)},
            volumes=volumes,
            environment={SECRETS_DIR_ENV: SECRETS_IN_CONTAINER} if spec.secrets else {},
            restart_policy={"Name": "unless-stopped"},
            **options,
        )
        try:
            if spec.secrets:
                container.put_archive("/", _secrets_archive(spec.secrets))
            container.start()
            container.reload()
        except BaseException:
            with contextlib.suppress(Exception):
                container.remove(force=True)
            raise
        return self._replica(container)

    def wait_ready(self, replica: Replica, timeout_s: float) -> Replica:
        def ready() -> Replica | None:
            if answers_ready(replica.address):
                return self._replica(self.client.containers.get(replica.id))
            return None

        def stopped() -> bool:
            container = self.client.containers.get(replica.id)
            return bool(container.attrs["RestartCount"] > 0 or container.status == "exited")

        def log() -> list[str]:
            return self._tail(self.client.containers.get(replica.id), 40)

        return wait_until_ready(replica, timeout_s, ready, stopped, log)

    def stop(self, replica: Replica, grace_s: float) -> None:
        import docker

        try:
            container = self.client.containers.get(replica.id)
        except docker.errors.NotFound:
            return
        # SIGTERM: the model server finishes requests in flight, then exits.
        container.stop(timeout=max(1, int(grace_s)))
        with contextlib.suppress(docker.errors.NotFound):
            container.remove(force=True)

    def replicas(self, deployment: str, project_key: str) -> list[Replica]:
        # A container removed between the engine's listing and its inspection (a drain, a
        # concurrent `down`) is gone, not an error.
        found = self.client.containers.list(
            all=True,
            ignore_removed=True,
            filters={
                "label": [
                    f"{LABEL_PREFIX}.deployment={deployment}",
                    f"{LABEL_PREFIX}.project={project_key}",
                ]
            },
        )
        replicas = []
        for container in found:
            replica = self._replica(container)
            if replica.state == "starting" and answers_ready(replica.address, 0.3):
                # The engine's health check runs every few seconds; the replica answers now.
                replica = dataclasses.replace(replica, state="ready")
            replicas.append(replica)
        return sorted(replicas, key=lambda r: r.started_at)

    def logs(self, replica: Replica, tail: int = 100, follow: bool = False) -> Iterator[str]:
        container = self.client.containers.get(replica.id)
        if not follow:
            yield from self._tail(container, tail)
            return
        pending = b""
        for chunk in container.logs(stream=True, follow=True, tail=tail):
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                yield line.decode(errors="replace")

    @staticmethod
    def _tail(container: Any, lines: int) -> list[str]:
        return list(container.logs(tail=lines).decode(errors="replace").splitlines())

    @staticmethod
    def _replica(container: Any) -> Replica:
        attrs = container.attrs
        state = attrs["State"]
        health = (state.get("Health") or {}).get("Status")
        if state.get("Restarting"):
            status = "restarting"
        elif not state.get("Running"):
            status = "exited"
        else:
            status = {"healthy": "ready", "unhealthy": "unhealthy"}.get(health or "", "starting")
        label = attrs["Config"]["Labels"]
        return Replica(
            id=container.id,
            deployment=label[f"{LABEL_PREFIX}.deployment"],
            version=label[f"{LABEL_PREFIX}.version"],
            address=f"127.0.0.1:{label[f'{LABEL_PREFIX}.port']}",
            state=status,
            started_at=str(state.get("StartedAt") or attrs.get("Created") or now()),
            restarts=int(attrs.get("RestartCount", 0)),
        )
