"""Choose the deployment target from the config's wish and what this machine can do."""

from dataclasses import dataclass

from ..probes import DockerFacts


@dataclass(frozen=True)
class TargetChoice:
    name: str
    reason: str
    usable: bool


def choose_target(requested: str, docker: DockerFacts) -> TargetChoice:
    if requested == "local":
        return TargetChoice("local", "the project config asks for the local target", True)
    engine = f"Docker engine {docker.version} is reachable at {docker.host}"
    if requested == "docker":
        if docker.reachable:
            return TargetChoice("docker", f"the project config asks for docker; {engine}", True)
        return TargetChoice(
            "docker",
            "the project config asks for docker, but no Docker engine is reachable"
            f" ({docker.error})",
            False,
        )
    if docker.reachable:
        return TargetChoice("docker", f"auto: {engine}", True)
    return TargetChoice(
        "local",
        f"auto: no Docker engine is reachable ({docker.error}), so models run as local processes",
        True,
    )
