"""Is a new version's API compatible with the old one's? A change breaks clients when a request
valid for the old version may be refused by the new one (an input field removed, retyped or
newly required: the server validates strictly), or when the new answer may lack what the old
one gave (an output field removed or retyped)."""

from typing import Any, Literal

from .describe import type_label
from .infer import Schema

Side = Literal["input", "output"]


def schema_changes(old: Schema | None, new: Schema | None) -> dict[str, Any]:
    """`{breaking, changes: [{side, path, change, old, new, breaking}]}`; versions without a
    schema (no `predict` found) are not compared."""
    changes: list[dict[str, Any]] = []
    if old is not None and new is not None:
        _walk("input", "", old.get("input") or {}, new.get("input") or {}, changes)
        _walk("output", "", old.get("output") or {}, new.get("output") or {}, changes)
    return {"breaking": any(c["breaking"] for c in changes), "changes": changes}


def _walk(side: Side, path: str, old: Schema, new: Schema, out: list[dict[str, Any]]) -> None:
    old_props, new_props = old.get("properties"), new.get("properties")
    if old.get("type") == new.get("type") == "object" and (old_props or new_props):
        _walk_object(side, path, old, new, out)
    elif old.get("type") == new.get("type") == "array" and ("items" in old or "items" in new):
        _walk(side, f"{path}[]", old.get("items") or {}, new.get("items") or {}, out)
    elif _shape(old) != _shape(new):
        out.append(_change(side, path, "retyped", old, new, not _compatible(side, old, new)))


def _walk_object(
    side: Side, path: str, old: Schema, new: Schema, out: list[dict[str, Any]]
) -> None:
    old_props: dict[str, Schema] = old.get("properties") or {}
    new_props: dict[str, Schema] = new.get("properties") or {}
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    for key in sorted(set(old_props) | set(new_props)):
        where = f"{path}.{key}" if path else key
        if key not in new_props:
            # A client still sending it is refused; one reading it gets nothing.
            out.append(_change(side, where, "removed", old_props[key], None, True))
        elif key not in old_props:
            breaking = side == "input" and key in new_required
            out.append(
                _change(
                    side, where, "required" if breaking else "added", None, new_props[key], breaking
                )
            )
        else:
            if side == "input" and key in new_required and key not in old_required:
                out.append(_change(side, where, "required", old_props[key], new_props[key], True))
            _walk(side, where, old_props[key], new_props[key], out)


def _shape(schema: Schema) -> Schema:
    """What decides compatibility: types, not titles or descriptions."""
    return {k: v for k, v in schema.items() if k not in ("title", "description")}


def _compatible(side: Side, old: Schema, new: Schema) -> bool:
    """Only widening an input from integer to number (or narrowing an output the other way)
    keeps every old request and answer valid."""
    widened = (old.get("type"), new.get("type")) == (
        ("integer", "number") if side == "input" else ("number", "integer")
    )
    return widened or new == {}


def _change(
    side: Side, path: str, change: str, old: Schema | None, new: Schema | None, breaking: bool
) -> dict[str, Any]:
    return {
        "side": side,
        "path": path or "(body)",
        "change": change,
        "old": type_label(old) if old is not None else None,
        "new": type_label(new) if new is not None else None,
        "breaking": breaking,
    }
