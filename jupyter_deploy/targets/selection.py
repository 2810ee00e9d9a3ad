"""Choose the deployment target from the config's wish and what this machine can do."""

from dataclasses import dataclass

from ..config import CONFIG_FILE_NAME
from ..probes import DockerFacts


@dataclass(frozen=True)
class TargetChoice:
    name: str
    reason: str  # a clause that reads after "Deployments will use the <name> target: "
    usable: bool


def choose_target(requested: str, docker: DockerFacts) -> TargetChoice:
    if requested == "local":
        return TargetChoice("local", f"{CONFIG_FILE_NAME} asks for the local target", True)
    engine = f"a Docker engine ({docker.version}) is reachable at {docker.host}"
    if requested == "docker":
        if docker.reachable:
            return TargetChoice("docker", f"{CONFIG_FILE_NAME} asks for docker and {engine}", True)
        return TargetChoice(
            "docker",
            f"{CONFIG_FILE_NAME} asks for docker, but no Docker engine is reachable"
            f" ({docker.error})",
            False,
        )
    if docker.reachable:
        return TargetChoice("docker", f"{engine}, so `auto` picks it", True)
    return TargetChoice(
        "local",
        f"no Docker engine is reachable ({docker.error}), so `auto` runs models as local processes",
        True,
    )
