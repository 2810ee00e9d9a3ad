"""Expand per-parameter value lists into the parameter sets of a sweep."""

import itertools
from typing import Any

from ..errors import InvalidInput

MODES = ("grid", "zip")
MAX_RUNS = 256


def expand(values: dict[str, list[Any]], mode: str) -> list[dict[str, Any]]:
    if mode not in MODES:
        raise InvalidInput(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if not isinstance(values, dict) or not values:
        raise InvalidInput("a sweep needs at least one parameter with a list of values")
    for name, options in values.items():
        if not isinstance(options, list) or not options:
            raise InvalidInput(f"{name}: a sweep needs a non-empty list of values, got {options!r}")
    names = list(values)
    if mode == "zip":
        lengths = {name: len(values[name]) for name in names}
        if len(set(lengths.values())) > 1:
            listed = ", ".join(f"{n} has {k}" for n, k in lengths.items())
            raise InvalidInput(f"zip needs the same number of values for every parameter: {listed}")
        combos = list(zip(*(values[n] for n in names), strict=True))
    else:
        count = 1
        for name in names:
            count *= len(values[name])
        if count > MAX_RUNS:
            raise InvalidInput(f"this grid makes {count} runs; the limit is {MAX_RUNS}")
        combos = list(itertools.product(*(values[n] for n in names)))
    if len(combos) > MAX_RUNS:
        raise InvalidInput(f"this sweep makes {len(combos)} runs; the limit is {MAX_RUNS}")
    return [dict(zip(names, combo, strict=True)) for combo in combos]
