"""What changed between two versions: parameters, metrics, model and data files, the serving
API (breaking or not) and the notebook's cells (sources only: outputs differ on every run)."""

import difflib
import json
from typing import Any

from ..schema import schema_changes
from .promote import Versions


def _changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, dict[str, Any]]:
    changed = {}
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key) or (key in old) != (key in new):
            changed[key] = {"old": old.get(key), "new": new.get(key)}
    return changed


def _md5s(files: list[dict[str, Any]]) -> dict[str, Any]:
    return {f["path"]: f["md5"] for f in files}


def _numeric(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _cells(versions: Versions, version: dict[str, Any]) -> list[tuple[str, str]]:
    raw = versions.git.show(version["tag"], versions.repo_path(version["notebook"]))
    try:
        cells = json.loads(raw or b"{}").get("cells", [])
    except ValueError:
        cells = []
    out = []
    for index, cell in enumerate(cells):
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        # papermill gives its injected cell a new id on every run; match it by its tag.
        tags = cell.get("metadata", {}).get("tags", [])
        key = "injected-parameters" if "injected-parameters" in tags else cell.get("id")
        out.append((str(key or f"#{index}"), text))
    return out


def diff(versions: Versions, old_ref: str, new_ref: str) -> dict[str, Any]:
    old, new = versions.show(old_ref), versions.show(new_ref)
    metrics = _changes(old["metrics"], new["metrics"])
    for change in metrics.values():
        if _numeric(change["old"]) and _numeric(change["new"]):
            change["delta"] = change["new"] - change["old"]
    files = _changes(_md5s(old["files"]), _md5s(new["files"]))
    data = _changes(_md5s(old["data"]), _md5s(new["data"]))
    old_cells, new_cells = dict(_cells(versions, old)), _cells(versions, new)
    cells = []
    for cell_id, source in new_cells:
        before = old_cells.pop(cell_id, None)
        if before is None:
            cells.append(_cell(cell_id, "added", "", source))
        elif before != source:
            cells.append(_cell(cell_id, "modified", before, source))
    cells.extend(_cell(cell_id, "removed", source, "") for cell_id, source in old_cells.items())
    return {
        "old": old["tag"],
        "new": new["tag"],
        "parameters": _changes(old["parameters"], new["parameters"]),
        "metrics": metrics,
        "files": files,
        "data": data,
        "schema": schema_changes(old["schema"], new["schema"]),
        "cells": cells,
    }


def _cell(cell_id: str, change: str, before: str, after: str) -> dict[str, str]:
    return {"cell_id": cell_id, "change": change, "diff": _unified(before, after)}


def _unified(before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), "old", "new", n=1
        )
    )
