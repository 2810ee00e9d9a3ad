"""Which target a deployment gets, from the config's (or the caller's) wish and what this machine
can do: `auto` is docker when an engine answers, else local; a registered target asked for by
name is used as asked (docker only when its engine answers). The doctor shows the same choice
with its reason."""

from dataclasses import dataclass

from ..config import CONFIG_FILE_NAME
from ..probes import DockerFacts
from ..targets import registry


@dataclass(frozen=True)
class TargetChoice:
    name: str
    reason: str  # a clause that reads after "Deployments will use the <name> target: "
    usable: bool


def choose_target(requested: str, docker: DockerFacts) -> TargetChoice:
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
    if requested != registry.AUTO:
        if requested not in registry.names():
            known = ", ".join(registry.choices())
            why = f"{CONFIG_FILE_NAME} asks for {requested}, which is not a registered target"
            return TargetChoice(requested, f"{why} ({known})", False)
        return TargetChoice(requested, f"{CONFIG_FILE_NAME} asks for the {requested} target", True)
    if docker.reachable:
        return TargetChoice("docker", f"{engine}, so `auto` picks it", True)
    return TargetChoice(
        "local",
        f"no Docker engine is reachable ({docker.error}), so `auto` runs models as local processes",
        True,
    )


def resolve(name: str) -> str:
    """The target `name` stands for on this machine now (`auto` resolved); InvalidInput naming
    the choices for a name no target is registered under."""
    if registry.check(name) != registry.AUTO:
        return name
    from ..probes import probe_docker

    return choose_target(registry.AUTO, probe_docker(None, timeout_s=3.0)).name
