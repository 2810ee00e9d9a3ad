"""Targets are plug-ins: each is a `Target` class registered under the `jupyter_deploy.targets`
entry-point group, so a package adds one without editing this one:

    [project.entry-points."jupyter_deploy.targets"]
    swarm = "my_package.swarm:SwarmTarget"

The command line's choices, the REST body's check, the doctor and the error messages all read
the names from here. `auto` is not a target: deployments/selection.py resolves it to one."""

from importlib.metadata import EntryPoint, entry_points

from ..errors import InvalidInput
from .base import Target

GROUP = "jupyter_deploy.targets"
AUTO = "auto"


def _registered() -> dict[str, EntryPoint]:
    # Read each time: a package installed while the server runs counts once it is imported.
    return {entry.name: entry for entry in entry_points(group=GROUP)}


def names() -> tuple[str, ...]:
    """The registered targets, sorted."""
    return tuple(sorted(_registered()))


def choices() -> tuple[str, ...]:
    """What a caller may ask for: `auto` and every registered target."""
    return (AUTO, *names())


def unknown(name: str) -> InvalidInput:
    return InvalidInput(f"target: expected one of {', '.join(choices())}, got {name!r}")


def check(name: str) -> str:
    """`name` if a caller may ask for it; InvalidInput naming the choices otherwise."""
    if name != AUTO and name not in _registered():
        raise unknown(name)
    return name


def load(name: str) -> type[Target]:
    """The class registered as `name` (not `auto`)."""
    entry = _registered().get(name)
    if entry is None:
        raise unknown(name)
    loaded = entry.load()
    if not (isinstance(loaded, type) and issubclass(loaded, Target)):
        raise TypeError(f"{GROUP} entry point {name!r} names {entry.value}, not a Target class")
    return loaded


def make(name: str) -> Target:
    """A new instance of the target registered as `name`."""
    return load(name)()
