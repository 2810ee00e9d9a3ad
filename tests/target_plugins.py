"""A third-party target, registered the way another package registers one: an entry point in
the `jupyter_deploy.targets` group (added here to the installed ones for a test's duration)."""

from importlib.metadata import EntryPoint, EntryPoints

import pytest

from jupyter_deploy.targets import registry
from jupyter_deploy.targets.local import LocalTarget

NAME = "elsewhere"


class ElsewhereTarget(LocalTarget):
    """Runs replicas as the local target does, under a name of its own: what a plug-in's author
    writes, minus the engine."""

    name = NAME


def register(monkeypatch: pytest.MonkeyPatch) -> None:
    installed = registry.entry_points

    def with_plugin(group: str) -> EntryPoints:
        plugin = EntryPoint(NAME, f"{__name__}:ElsewhereTarget", group)
        return EntryPoints([*installed(group=group), plugin])

    monkeypatch.setattr(registry, "entry_points", with_plugin)
