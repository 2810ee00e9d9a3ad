"""Targets are found through the `jupyter_deploy.targets` entry points: the installed `docker`
and `local`, and a third-party one registered the same way, which every edge then knows by
name (the registry, `auto`'s explanation, the deploy spec, the REST body, the command line,
the doctor) and which deployments run without being told about it."""

import argparse

import pytest
from target_plugins import NAME, ElsewhereTarget, register

from jupyter_deploy.cli import deploy as cli_deploy
from jupyter_deploy.deployments.selection import choose_target, resolve
from jupyter_deploy.deployments.spec import DeploySpec
from jupyter_deploy.doctor.checks import check_target
from jupyter_deploy.errors import InvalidInput
from jupyter_deploy.probes import DockerFacts
from jupyter_deploy.server.requests import DeployBody, validate
from jupyter_deploy.targets import registry
from jupyter_deploy.targets.docker import DockerTarget
from jupyter_deploy.targets.local import LocalTarget

NO_ENGINE = DockerFacts(reachable=False, error="no socket")


def test_the_installed_targets_are_registered_with_the_artifact_they_run() -> None:
    assert registry.names() == ("docker", "local")
    assert registry.choices() == ("auto", "docker", "local")
    assert registry.load("docker") is DockerTarget
    assert registry.load("local") is LocalTarget
    assert (DockerTarget.artifact, LocalTarget.artifact) == ("image", "folder")
    with pytest.raises(InvalidInput, match="target: expected one of auto, docker, local"):
        registry.load("mainframe")
    with pytest.raises(InvalidInput, match="got 'auto'"):
        registry.load("auto")  # a choice, resolved first; not a target
    assert resolve("local") == "local"
    assert resolve("auto") in registry.names()


def test_a_third_party_target_is_known_by_name_at_every_edge(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(InvalidInput, match="target: expected one of auto, docker, local"):
        DeploySpec.checked(version="iris@v1", target=NAME)
    unknown = choose_target(NAME, NO_ENGINE)
    assert not unknown.usable
    assert "not a registered target" in unknown.reason
    assert check_target(unknown).status == "error"

    register(monkeypatch)
    assert registry.names() == ("docker", NAME, "local")
    assert registry.load(NAME) is ElsewhereTarget
    assert isinstance(registry.make(NAME), ElsewhereTarget)
    assert DeploySpec.checked(version="iris@v1", target=NAME).target == NAME
    body = validate(DeployBody, {"project": "p", "version": "iris@v1", "target": NAME}, "body")
    assert body.target == NAME
    with pytest.raises(InvalidInput, match=f"target: expected one of auto, docker, {NAME}, local"):
        validate(DeployBody, {"project": "p", "version": "iris@v1", "target": "x"}, "body")
    choice = choose_target(NAME, NO_ENGINE)
    assert choice.usable
    assert choice.reason == f"jupyter-deploy.yaml asks for the {NAME} target"
    assert check_target(choice).status == "ok"

    parser = argparse.ArgumentParser(exit_on_error=False)
    cli_deploy.register(parser.add_subparsers())
    parsed = parser.parse_args(["up", "iris@v1", "--target", NAME])
    assert parsed.target == NAME


def test_the_doctor_names_the_registered_choices_when_docker_is_not_reachable() -> None:
    check = check_target(choose_target("docker", NO_ENGINE))
    assert check.status == "error"
    assert check.hint == (
        "Start a Docker engine, or set `target: auto` or `target: local` in jupyter-deploy.yaml"
    )


def test_an_entry_point_that_names_no_target_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib.metadata import EntryPoint, EntryPoints

    monkeypatch.setattr(
        registry,
        "entry_points",
        lambda group: EntryPoints([EntryPoint("odd", "pathlib:Path", group)]),
    )
    with pytest.raises(TypeError, match="not a Target class"):
        registry.load("odd")
