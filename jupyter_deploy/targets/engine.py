"""The local Docker engine (the docker target runs replicas there, builds make images there),
or a clear error when none answers."""

from typing import Any

from ..errors import Unavailable


class DockerUnavailable(Unavailable):
    code = "docker_unavailable"


def docker_client() -> Any:
    import docker  # the CLI's other commands start without it

    try:
        client = docker.from_env()
        client.ping()
    except Exception as exc:  # docker-py raises several kinds for "no engine"
        raise DockerUnavailable(
            "no Docker engine answers (DOCKER_HOST or /var/run/docker.sock): start it, or build"
            f" on a machine that has one ({type(exc).__name__})"
        ) from None
    return client
