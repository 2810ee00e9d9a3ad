"""Request bodies in and answers out, with the edges of JSON decided once here.

orjson reads nearly every body. What it refuses is read again by the standard library, which
also takes NaN and Infinity (JSON's common extension, refused later field by field, naming the
field), numbers beyond the double range (read as infinity, refused the same way) and strings
holding an unpaired UTF-16 surrogate (`"\\ud800"`). Such a body is "extended": the validator
then checks for those values everywhere, so `predict` only ever gets values orjson itself could
have produced. Both parsers bound the nesting depth (orjson at 1,024 levels, the standard
library at Python's recursion limit, about 1,000), so depth costs nothing to bound.

Answers are written by orjson, which writes NaN and Infinity as `null` without a word: an
answer holding a `null` is walked once to tell a real `null` from a non-finite number."""

import dataclasses
import json
import math
import numbers
import re
from typing import Any

import orjson

DUMP_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS
_SURROGATE = re.compile("[\ud800-\udfff]")
# orjson's integers: anything outside [-2**63, 2**64) is read as a double.
_INT_MIN, _INT_END = -(2**63), 2**64


class BodyError(Exception):
    """The body is not JSON the server reads (code and message for a 400)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class NonFinite(Exception):
    """The answer holds NaN or Infinity at `where`, which JSON cannot carry."""

    def __init__(self, where: str) -> None:
        super().__init__(where)
        self.where = where


def parse(body: bytes) -> tuple[Any, bool]:
    """(value, extended): extended when only the lenient parser could read the body."""
    try:
        return orjson.loads(body), False
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(body, parse_constant=_not_a_number, parse_int=_integer), True
    except RecursionError:
        raise BodyError(
            "too_deep",
            "the request body nests lists and objects too deeply (at most about 1,000 levels)",
        ) from None
    except (ValueError, UnicodeDecodeError):
        raise BodyError("malformed_json", "the request body is not valid JSON") from None


def _not_a_number(name: str) -> float:
    return math.nan


def _integer(text: str) -> int | float:
    # As orjson reads them, so both parsers give `predict` the same values; this also keeps
    # int() away from 4,300-digit strings, which it refuses.
    if len(text) <= 21:
        value = int(text)
        if _INT_MIN <= value < _INT_END:
            return value
    return float(text)


def bad_text(value: str) -> bool:
    """A string Python holds but UTF-8 (and so any answer) cannot: an unpaired surrogate."""
    return not value.isascii() and _SURROGATE.search(value) is not None


def foreign(value: Any) -> str | None:
    """What, in an extended body's untyped value, JSON answers cannot carry: "a number that is
    NaN or Infinity", "text that is not valid Unicode", or None. Iterative: the value may nest
    as deep as the parser allowed."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float):
            if not math.isfinite(item):
                return "a number that is NaN or Infinity"
        elif isinstance(item, str):
            if bad_text(item):
                return "text that is not valid Unicode (an unpaired surrogate)"
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if any(bad_text(key) for key in item):
                return "a field name that is not valid Unicode (an unpaired surrogate)"
            stack.extend(item.values())
    return None


def dump_answer(value: Any) -> bytes:
    """The answer as JSON. TypeError when it holds something JSON cannot (orjson's message);
    NonFinite when it holds NaN or Infinity."""
    data = orjson.dumps(value, option=DUMP_OPTIONS)
    # orjson writes non-finite numbers as null: only an answer with a null needs a closer look.
    if b"null" in data:
        where = _non_finite(value)
        if where is not None:
            raise NonFinite(where)
    return data


def _non_finite(value: Any) -> str | None:
    """Where the first NaN or Infinity is (`[0].probability`), in the answer's own terms."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, dict):
            prefix = f"{path}." if path else ""
            stack.extend((v, f"{prefix}{k}") for k, v in reversed(item.items()))
        elif isinstance(item, list | tuple):
            stack.extend((v, f"{path}[{i}]") for i, v in reversed(list(enumerate(item))))
        elif isinstance(item, numbers.Real) and not isinstance(item, numbers.Integral):
            if not math.isfinite(item):
                return path or "(answer)"
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.append((dataclasses.asdict(item), path))
        elif hasattr(item, "tolist") and not isinstance(item, str | bytes):
            stack.append((item.tolist(), path))  # numpy arrays and scalars
    return None
