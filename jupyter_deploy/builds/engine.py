"""The Docker engine builds talk to: the one the docker target runs replicas on."""

from ..targets.engine import DockerUnavailable as DockerUnavailable
from ..targets.engine import docker_client as docker_client
