"""JSON at the edges: what comes in is bounded (nesting depth, number size) and checked for what
JSON cannot carry on (NaN, Infinity, lone surrogates); what goes out is always valid JSON.

Python's json reads `NaN`, `Infinity` and `1e400` as floats and writes them back as bare
words no browser parses; one stored row like that breaks a whole listing."""

import json
import math
from typing import Any

MAX_DEPTH = 64  # parameters nest a few levels; every recursive reader stays far from its limit
MAX_INT_DIGITS = 4300  # int()'s own limit for decimal text (sys.get_int_max_str_digits)


class JsonProblem(ValueError):
    """`where` is the path of keys and indexes to the first bad value; `what` says what is
    wrong without repeating the value."""

    def __init__(self, where: tuple[str | int, ...], what: str) -> None:
        super().__init__(what)
        self.where = where
        self.what = what


class NotJson(JsonProblem):
    """The text is not JSON at all (a caller may then take it as a plain string)."""


class _TooManyDigits:
    """Stands for an integer too long for int(); refused by `check`, with its path."""


def _int(text: str) -> int | _TooManyDigits:
    return int(text) if len(text.lstrip("-")) <= MAX_INT_DIGITS else _TooManyDigits()


def loads(data: str | bytes) -> Any:
    """Parse and check JSON text. Raises JsonProblem: an empty `where` when the text as a whole
    is malformed or nested too deep, else the path of the first value JSON cannot carry."""
    try:
        # NaN and Infinity parse (to floats) so that `check` can say which field held them.
        value = json.loads(data, parse_int=_int)
    except RecursionError:
        # The C scanner counts its own depth and stops cleanly long before the stack is at risk.
        raise JsonProblem((), f"nested deeper than {MAX_DEPTH} levels") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise NotJson((), "not valid JSON") from None
    check(value)
    return value


def check(value: Any) -> None:
    """Raise JsonProblem for the first non-finite number, over-long integer, lone surrogate or
    level past MAX_DEPTH; iterative, so a deep value cannot exhaust the stack here."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), value)]
    while stack:
        where, item = stack.pop()
        if len(where) > MAX_DEPTH:
            raise JsonProblem(where[:1], f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(item, float) and not math.isfinite(item):
            raise JsonProblem(where, "numbers must be finite")
        if isinstance(item, _TooManyDigits):
            raise JsonProblem(where, f"integers have at most {MAX_INT_DIGITS} digits")
        if isinstance(item, str) and not _encodable(item):
            raise JsonProblem(where, "text must be valid Unicode (no lone surrogates)")
        if isinstance(item, dict):
            for key, child in item.items():
                if not _encodable(key):
                    raise JsonProblem(where, "names must be valid Unicode (no lone surrogates)")
                stack.append(((*where, key), child))
        elif isinstance(item, list):
            stack.extend(((*where, i), child) for i, child in enumerate(item))


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def dumps(value: Any, **kwargs: Any) -> str:
    """JSON text that every parser reads: non-finite numbers (from rows stored before they were
    refused, or metrics a notebook wrote) become null."""
    try:
        return json.dumps(value, allow_nan=False, **kwargs)
    except ValueError:
        return json.dumps(_finite(value), allow_nan=False, **kwargs)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(child) for key, child in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(child) for child in value]
    return value
