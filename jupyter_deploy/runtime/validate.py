"""Request validation against a version's serving schema (the JSON Schema subset that
`jupyter_deploy.schema` writes). The schema is compiled once into nested checks, so a request
costs a walk of its own values, and every problem is reported with the field it is in, never
with the value itself (requests may carry personal data; error bodies and logs must not)."""

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..schema.describe import type_label

Schema = dict[str, Any]


@dataclass(frozen=True)
class FieldError:
    field: str
    problem: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "problem": self.problem}


Check = Callable[[Any, str, list[FieldError]], None]


class Validator:
    def __init__(self, schema: Schema | None) -> None:
        self._check = _compile(schema or {})

    def errors(self, value: Any) -> list[FieldError]:
        found: list[FieldError] = []
        self._check(value, "", found)
        return found


def _where(path: str) -> str:
    return path or "(body)"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _compile(schema: Schema) -> Check:
    if "anyOf" in schema:
        return _any_of([_compile(s) for s in schema["anyOf"]], schema)
    if "enum" in schema:
        allowed = list(schema["enum"])
        shown = ", ".join(repr(v) for v in allowed)

        def check_enum(value: Any, path: str, out: list[FieldError]) -> None:
            if not any(value == a and type(value) is type(a) for a in allowed):
                out.append(FieldError(_where(path), f"must be one of {shown}"))

        return check_enum
    kind = schema.get("type")
    if kind == "object":
        return _object(schema)
    if kind == "array":
        return _array(schema)
    scalar = _SCALARS.get(kind) if isinstance(kind, str) else None
    return scalar if scalar is not None else _anything


def _anything(value: Any, path: str, out: list[FieldError]) -> None:
    """No type known (no hint, or a class such as a numpy array): any JSON value is passed on."""


def _number(value: Any, path: str, out: list[FieldError]) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        out.append(FieldError(_where(path), f"must be a number, got {_kind(value)}"))
    elif isinstance(value, float) and not math.isfinite(value):
        out.append(FieldError(_where(path), "must be a finite number, got NaN or Infinity"))


def _integer(value: Any, path: str, out: list[FieldError]) -> None:
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return  # 3.0 is an integer in JSON
    if isinstance(value, bool) or not isinstance(value, int):
        out.append(FieldError(_where(path), f"must be an integer, got {_kind(value)}"))


def _string(value: Any, path: str, out: list[FieldError]) -> None:
    if not isinstance(value, str):
        out.append(FieldError(_where(path), f"must be a string, got {_kind(value)}"))


def _boolean(value: Any, path: str, out: list[FieldError]) -> None:
    if not isinstance(value, bool):
        out.append(FieldError(_where(path), f"must be true or false, got {_kind(value)}"))


def _null(value: Any, path: str, out: list[FieldError]) -> None:
    if value is not None:
        out.append(FieldError(_where(path), f"must be null, got {_kind(value)}"))


_SCALARS: dict[str, Check] = {
    "number": _number,
    "integer": _integer,
    "string": _string,
    "boolean": _boolean,
    "null": _null,
}


def _any_of(options: list[Check], schema: Schema) -> Check:
    expected = type_label(schema)

    def check_any(value: Any, path: str, out: list[FieldError]) -> None:
        for option in options:
            trial: list[FieldError] = []
            option(value, path, trial)
            if not trial:
                return
        out.append(FieldError(_where(path), f"must be {expected}, got {_kind(value)}"))

    return check_any


def _object(schema: Schema) -> Check:
    properties = {k: _compile(v) for k, v in (schema.get("properties") or {}).items()}
    required = [k for k in schema.get("required", []) if k in properties]
    extra = schema.get("additionalProperties", True)
    values = _compile(extra) if isinstance(extra, dict) else None
    closed = extra is False

    def check_object(value: Any, path: str, out: list[FieldError]) -> None:
        if not isinstance(value, dict):
            out.append(FieldError(_where(path), f"must be an object, got {_kind(value)}"))
            return
        prefix = f"{path}." if path else ""
        for key in required:
            if key not in value:
                out.append(FieldError(f"{prefix}{key}", "is required"))
        for key, item in value.items():
            check = properties.get(key)
            if check is not None:
                check(item, f"{prefix}{key}", out)
            elif closed:
                out.append(FieldError(f"{prefix}{key}", "is not an accepted field"))
            elif values is not None:
                values(item, f"{prefix}{key}", out)

    return check_object


def _array(schema: Schema) -> Check:
    prefix_items = [_compile(s) for s in schema.get("prefixItems", [])]
    items = schema.get("items")
    each = _compile(items) if isinstance(items, dict) else None
    low, high = schema.get("minItems"), schema.get("maxItems")

    def check_array(value: Any, path: str, out: list[FieldError]) -> None:
        if not isinstance(value, list):
            out.append(FieldError(_where(path), f"must be a list, got {_kind(value)}"))
            return
        if (low is not None and len(value) < low) or (high is not None and len(value) > high):
            size = f"{low}" if low == high else f"{low or 0} to {high if high is not None else '∞'}"
            out.append(FieldError(_where(path), f"must have {size} items, got {len(value)}"))
            return
        for index, item in enumerate(value):
            check = prefix_items[index] if index < len(prefix_items) else each
            if check is not None:
                check(item, f"{path}[{index}]", out)

    return check_array
