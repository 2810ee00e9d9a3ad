"""Stages (`staging`, `production`, …) assigned to versions with GTO's stage tags:
`<model>#<stage>#<N>`, annotated, on the version's commit. Tags are never moved or deleted, so
the tags themselves are the assignment history (who, when)."""

import re
import time
from typing import Any

from ..errors import InvalidInput
from ..identity import Identity
from ..runs.records import now
from .promote import Versions

STAGE_NAME = re.compile(r"^[a-z][a-z0-9-]{0,63}$")


def history(versions: Versions) -> list[dict[str, Any]]:
    """Every stage assignment of the model, oldest first."""
    pattern = re.compile(rf"^{re.escape(versions.model)}#([a-z][a-z0-9-]*)#(\d+)$")
    found = [
        {**meta, "tag": name, "number": int(match.group(2))}
        for name, meta in versions.git.tag_meta(f"{versions.model}#*")
        if (match := pattern.match(name))
    ]
    return sorted(found, key=lambda a: (a["assigned_at"], a["number"]))


def current(assignments: list[dict[str, Any]]) -> dict[str, str]:
    """stage -> version (`vN`) it is assigned to now, from `history`: the newest one wins."""
    return {a["stage"]: a["version"] for a in assignments}


def assign(versions: Versions, reference: str, stage: str, who: Identity) -> dict[str, Any]:
    if not STAGE_NAME.match(stage):
        raise InvalidInput(
            f"stage {stage!r}: lowercase letters, digits and dashes, starting with a letter"
            " (for example staging or production)"
        )
    version = versions.show(reference)  # NotFound for an unknown version
    with versions.serialised():
        taken = versions.git.tags(f"{versions.model}#{stage}#*")
        numbers = [int(t.rsplit("#", 1)[1]) for t in taken if t.rsplit("#", 1)[1].isdigit()]
        number = max(numbers, default=0) + 1
        tag = f"{versions.model}#{stage}#{number}"
        meta = {
            "stage": stage,
            "version": version["version"],
            "author": {"name": who.name, "email": who.email},
            "assigned_at": now(),
        }
        summary = f"{stage}: {version['tag']}"
        # GTO orders assignments by tagger date, to the second: each one gets a later second
        # than the model's previous one, or two made in one second could read in either order.
        newest = versions.git.newest_tag_time(f"{versions.model}#*")
        when = max(int(time.time()), newest + 1) if newest is not None else None
        versions.git.tag(tag, f"{version['tag']}^{{commit}}", summary, meta, who, when)
    return {**meta, "tag": tag, "number": number}


def with_stages(versions: Versions, listing: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The listing with each version's current stages (`stages: [...]`)."""
    by_version: dict[str, list[str]] = {}
    for stage, version in current(history(versions)).items():
        by_version.setdefault(version, []).append(stage)
    return [{**v, "stages": sorted(by_version.get(v["version"], []))} for v in listing]
