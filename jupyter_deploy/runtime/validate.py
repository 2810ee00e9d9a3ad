"""Request validation against a version's serving schema (the JSON Schema subset that
`jupyter_deploy.schema` writes). The schema is compiled once into nested checks, so a request
costs a walk of its own values, and every problem is reported with the field it is in, never
with the value itself (requests may carry personal data; error bodies and logs must not). Field
names in a problem are the schema's: a key the caller made up (an unknown field, a map's key)
is named by its position, never by its text.

An "extended" request (one only the lenient parser could read, see jsonio.py) may also hold
NaN, Infinity or unpaired surrogates anywhere: it is checked by a second compilation of the
same schema that looks for them in strings, map keys and untyped values too, so the ordinary
request pays nothing for them."""

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..schema.describe import type_label
from .jsonio import bad_text, foreign

Schema = dict[str, Any]
NOT_FINITE = "must be a finite number, got NaN, Infinity or one beyond ±1.8e308"


@dataclass(frozen=True)
class FieldError:
    field: str
    problem: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "problem": self.problem}


Check = Callable[[Any, str, list[FieldError]], None]


class Validator:
    def __init__(self, schema: Schema | None) -> None:
        self._check = _compile(schema or {}, False)
        self._check_extended = _compile(schema or {}, True)

    def errors(self, value: Any, extended: bool = False) -> list[FieldError]:
        """Every problem of `value`; `extended`: it came from the lenient parser."""
        found: list[FieldError] = []
        (self._check_extended if extended else self._check)(value, "", found)
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


def _compile(schema: Schema, extended: bool) -> Check:
    if "anyOf" in schema:
        return _any_of([_compile(s, extended) for s in schema["anyOf"]], schema)
    if "enum" in schema:
        allowed = list(schema["enum"])
        shown = ", ".join(repr(v) for v in allowed)

        def check_enum(value: Any, path: str, out: list[FieldError]) -> None:
            if not any(value == a and type(value) is type(a) for a in allowed):
                out.append(FieldError(_where(path), f"must be one of {shown}"))

        return check_enum
    kind = schema.get("type")
    if kind == "object":
        return _object(schema, extended)
    if kind == "array":
        return _array(schema, extended)
    if kind == "string" and extended:
        return _text
    scalar = _SCALARS.get(kind) if isinstance(kind, str) else None
    if scalar is not None:
        return scalar
    return _anything_extended if extended else _anything


def _anything(value: Any, path: str, out: list[FieldError]) -> None:
    """No type known (no hint, or a class such as a numpy array): any JSON value is passed on."""


def _anything_extended(value: Any, path: str, out: list[FieldError]) -> None:
    """Any JSON value, but none that orjson would have refused (the model never sees those)."""
    problem = foreign(value)
    if problem is not None:
        out.append(FieldError(_where(path), f"holds {problem}"))


def _number(value: Any, path: str, out: list[FieldError]) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        out.append(FieldError(_where(path), f"must be a number, got {_kind(value)}"))
    elif isinstance(value, float) and not math.isfinite(value):
        out.append(FieldError(_where(path), NOT_FINITE))


# The integers an `int` field takes: the INT64 its V2 metadata announces, and what numpy and
# most models convert them to without overflowing.
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _integer(value: Any, path: str, out: list[FieldError]) -> None:
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        pass  # 3.0 is an integer in JSON
    elif isinstance(value, bool) or not isinstance(value, int):
        out.append(FieldError(_where(path), f"must be an integer, got {_kind(value)}"))
        return
    if not _INT64_MIN <= value <= _INT64_MAX:
        out.append(FieldError(_where(path), "must be an integer that fits in 64 bits"))


def _string(value: Any, path: str, out: list[FieldError]) -> None:
    if not isinstance(value, str):
        out.append(FieldError(_where(path), f"must be a string, got {_kind(value)}"))


def _text(value: Any, path: str, out: list[FieldError]) -> None:
    """A string of an extended request: it may hold an unpaired surrogate."""
    if not isinstance(value, str):
        out.append(FieldError(_where(path), f"must be a string, got {_kind(value)}"))
    elif bad_text(value):
        out.append(FieldError(_where(path), "must be valid Unicode text (not a lone surrogate)"))


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


def _optional(schema: Schema | None, extended: bool) -> Check | None:
    """The check of items or values the schema may leave untyped: none for an ordinary request
    (no call per item), the extended check of anything for an extended one."""
    if schema is None:
        return _anything_extended if extended else None
    return _compile(schema, extended)


def _object(schema: Schema, extended: bool) -> Check:
    properties = {k: _compile(v, extended) for k, v in (schema.get("properties") or {}).items()}
    required = [k for k in schema.get("required", []) if k in properties]
    extra = schema.get("additionalProperties", True)
    closed = extra is False
    # Values of keys the schema does not name: checked by their own schema, or (in an extended
    # request) for what no answer could carry.
    values = _optional(extra if isinstance(extra, dict) else None, extended)
    accepted = ", ".join(properties) or "none"
    unknown = f"has a field that is not accepted (accepted fields: {accepted})"

    def check_object(value: Any, path: str, out: list[FieldError]) -> None:
        if not isinstance(value, dict):
            out.append(FieldError(_where(path), f"must be an object, got {_kind(value)}"))
            return
        prefix = f"{path}." if path else ""
        for key in required:
            if key not in value:
                out.append(FieldError(f"{prefix}{key}", "is required"))
        strangers = 0
        for index, (key, item) in enumerate(value.items()):
            check = properties.get(key)
            if check is not None:
                check(item, f"{prefix}{key}", out)
            elif closed:
                strangers += 1
            else:  # a map's key is the caller's text: named by its position
                if extended and bad_text(key):
                    out.append(FieldError(f"{prefix}(entry {index})", "has a key that is not"
                                          " valid Unicode (an unpaired surrogate)"))  # fmt: skip
                if values is not None:
                    values(item, f"{prefix}(entry {index})", out)
        if strangers:
            out.append(FieldError(_where(path), unknown))

    return check_object


def _array(schema: Schema, extended: bool) -> Check:
    prefix_items = [_compile(s, extended) for s in schema.get("prefixItems", [])]
    items = schema.get("items")
    each = _optional(items if isinstance(items, dict) else None, extended)
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
