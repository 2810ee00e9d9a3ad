"""The `docker` target: each replica is a container of the version's image, started by the
image's id that `deployments/` prepared (a tag moves when a version is rebuilt), published on
a loopback port chosen here (kept across restarts, so the gateway's address stays right),
restarted by the engine if it dies, and labelled so a restarted server finds it again.

Secrets are files copied into the container before it starts, owned by the image's user and
readable by it alone: not environment variables (`docker inspect` shows those) nor bind mounts
(the server's 0600 files are unreadable to the container's user, and readable to every user of
this machine otherwise). They live in the container's own layer, kept across its restarts and
removed with it."""

import contextlib
import dataclasses
import io
import tarfile
from collections.abc import Iterator
from typing import Any

from ..clock import now
from ..image_contract import MODEL_UID, PORT, SECRETS_DIR_ENV
from ..processes import free_port
from .base import LABEL_PREFIX, Replica, ReplicaSpec, Target, answers_ready, wait_until_ready
from .engine import docker_client

KEYS_IN_CONTAINER = "/run/jupyter-deploy/api-keys"
SECRETS_IN_CONTAINER = "/run/jupyter-deploy/secrets"
_MEMORY_UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30}


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


class DockerTarget(Target):
    name = "docker"
    artifact = "image"

    def __init__(self, client: Any = None) -> None:
        self.client = client or docker_client()

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
            spec.artifact,
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
