"""Constrained types for what callers send. The REST request models (server/requests.py) and the
CLI's argument types (cli/arguments.py) are built from these, so both edges refuse the same input
with the same words, before the core or the disk sees it.

Messages name what was expected, never the value that was sent: an answer must not echo a
request value (it may hold a surrogate, a NUL, a megabyte or markup)."""

import math
import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import PlainValidator, TypeAdapter, ValidationError, ValidationInfo

from .errors import InvalidInput

# Linux limits: longer names fail in the kernel (ENAMETOOLONG), not in our checks.
MAX_PATH_BYTES = 4096
MAX_NAME_BYTES = 255
MAX_SECONDS = 30 * 24 * 3600  # a month; beyond it a limit means no limit, so say so
MAX_DIGITS = 9  # version numbers and counts: int() and SQLite stay far from their limits


def text(value: Any) -> str:
    """A string that can be written anywhere: valid Unicode (no lone surrogates), no NUL."""
    if not isinstance(value, str):
        raise ValueError("expected a string")
    if "\0" in value:
        raise ValueError("contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("is not valid Unicode text") from None
    return value


def _path(value: Any) -> str:
    path = text(value)
    if len(path.encode()) > MAX_PATH_BYTES:
        raise ValueError(f"a path is at most {MAX_PATH_BYTES} bytes long")
    if any(len(part.encode()) > MAX_NAME_BYTES for part in re.split(r"[/\\]", path)):
        raise ValueError(f"a file or folder name is at most {MAX_NAME_BYTES} bytes long")
    return path


def _matching(pattern: str, expected: str, max_length: int = 256) -> Callable[[Any], str]:
    compiled = re.compile(pattern)

    def check(value: Any) -> str:
        checked = text(value)
        if len(checked) > max_length or not compiled.fullmatch(checked):
            raise ValueError(f"expected {expected}")
        return checked

    return check


def _from_text(info: ValidationInfo) -> bool:
    """Query strings and command lines carry numbers as text; JSON bodies must not."""
    return bool(info.context and info.context.get("text"))


def _whole(low: int, high: int) -> Callable[[Any, ValidationInfo], int]:
    """An integer from low to high; as text, ASCII digits only (`²` is a digit to str.isdigit
    but not to int, and 4301 digits are too many for int)."""
    message = f"expected a whole number from {low} to {high}"

    def check(value: Any, info: ValidationInfo) -> int:
        if isinstance(value, str) and _from_text(info):
            if not (value.isascii() and value.isdigit()) or len(value) > MAX_DIGITS + 1:
                raise ValueError(message)
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(message)
        return value

    return check


_DECIMAL = re.compile(
    r"[+-]?(?:[0-9]{1,20}(?:\.[0-9]{0,20})?|\.[0-9]{1,20})(?:[eE][+-]?[0-9]{1,3})?"
)


def _seconds(value: Any, info: ValidationInfo) -> float:
    message = f"expected a number of seconds above 0 and at most {MAX_SECONDS}"
    if isinstance(value, str) and _from_text(
        info
    ):  # a command line; NaN, inf and 1e400 are not decimals here
        if not _DECIMAL.fullmatch(value):
            raise ValueError(message)
        value = float(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(message)
    try:
        seconds = float(value)
    except OverflowError:
        raise ValueError(message) from None
    if not math.isfinite(seconds) or not 0 < seconds <= MAX_SECONDS:
        raise ValueError(message)
    return seconds


# A path relative to the Jupyter root (REST) or to the current folder (CLI).
PathText = Annotated[str, PlainValidator(_path)]
Text = Annotated[str, PlainValidator(text)]
Seconds = Annotated[float, PlainValidator(_seconds)]
Concurrency = Annotated[int, PlainValidator(_whole(1, 256))]
Replicas = Annotated[int, PlainValidator(_whole(1, 32))]
MaxBatch = Annotated[int, PlainValidator(_whole(1, 1024))]
LogTail = Annotated[int, PlainValidator(_whole(1, 5000))]
BuildsLimit = Annotated[int, PlainValidator(_whole(1, 1000))]
LogOffset = Annotated[int, PlainValidator(_whole(0, 10**MAX_DIGITS))]
MODEL_PATTERN = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
ModelName = Annotated[str, PlainValidator(_matching(MODEL_PATTERN, "a model name such as iris"))]
VersionRef = Annotated[
    str,
    PlainValidator(
        _matching(rf"[A-Za-z0-9._-]{{1,128}}@v[0-9]{{1,{MAX_DIGITS}}}", "a version as MODEL@vN")
    ),
]
# `MODEL` alone means its newest version (the CLI's `up`).
VersionOrModel = Annotated[
    str,
    PlainValidator(
        _matching(rf"[A-Za-z0-9._-]{{1,128}}(?:@v[0-9]{{1,{MAX_DIGITS}}})?", "MODEL or MODEL@vN")
    ),
]
RunId = Annotated[
    str, PlainValidator(_matching(r"r-[0-9a-f]{10}", "a run id such as r-0123456789"))
]
BuildId = Annotated[
    str, PlainValidator(_matching(r"b-[0-9a-f]{10}", "a build id such as b-0123456789"))
]
DeploymentName = Annotated[
    str,
    PlainValidator(
        _matching(MODEL_PATTERN, "a deployment name: lowercase letters, digits and dashes")
    ),
]


def _target(value: Any) -> str:
    """A registered target's name or `auto` (targets are plug-ins: the registry knows them)."""
    from .targets import registry  # its entry points are read only when a target is named

    name = text(value)
    if name not in registry.choices():
        raise ValueError(f"expected one of {', '.join(registry.choices())}")
    return name


TargetName = Annotated[str, PlainValidator(_target)]
Stage = Annotated[
    str,
    PlainValidator(
        _matching(
            r"[a-z][a-z0-9-]{0,63}",
            "a stage name: lowercase letters, digits and dashes, starting with a letter",
        )
    ),
]
IMAGE_PATTERN = (
    r"[a-z0-9][a-z0-9._/-]{0,254}(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[0-9a-f]{64})?"
)
ImageRef = Annotated[
    str,
    PlainValidator(
        _matching(IMAGE_PATTERN, "an image reference such as python:3.11-slim", max_length=512)
    ),
]


def describe(exc: ValidationError, fields: Any = (), where: str = "request body") -> str:
    """One sentence per refused field, naming the field and never the value. Locations outside
    `fields` (unknown names the caller sent) are reported as `where`."""
    parts = []
    for error in exc.errors(include_input=False, include_url=False):
        loc = error["loc"]
        name = loc[0] if loc and isinstance(loc[0], str) and loc[0] in fields else None
        if error["type"] == "missing" and name:
            parts.append(f"{name}: required")
        elif error["type"] == "extra_forbidden" or name is None:
            allowed = ", ".join(sorted(fields))
            parts.append(f"{where}: unknown field; allowed: {allowed}")
        elif error["type"] == "literal_error":
            parts.append(
                f"{name}: expected {error.get('ctx', {}).get('expected', 'another value')}"
            )
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
            parts.append(f"{name}: {message}")
    return "; ".join(dict.fromkeys(parts))


def check(annotation: Any, value: Any, name: str) -> Any:
    """`value`, given as text (a command line), validated as `annotation`; or InvalidInput
    naming `name`."""
    try:
        return TypeAdapter(annotation).validate_python(value, context={"text": True})
    except ValidationError as exc:
        messages = [str(e["msg"]).removeprefix("Value error, ") for e in exc.errors()]
        raise InvalidInput(f"{name}: {'; '.join(dict.fromkeys(messages))}") from None
