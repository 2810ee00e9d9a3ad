"""Request validation against a real serving schema (the example notebook's), field by field."""

import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_deploy.runtime.validate import NOT_FINITE, Validator
from jupyter_deploy.schema import infer_schema

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
UNKNOWN_FIELD = (
    "has a field that is not accepted (accepted fields: sepal_length, sepal_width,"
    " petal_length, petal_width)"
)
FLOWER = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}


@pytest.fixture(scope="module")
def iris() -> Validator:
    schema = infer_schema(json.loads((EXAMPLES / "train.ipynb").read_text()))
    assert schema is not None
    return Validator(schema["input"])


def problems(validator: Validator, value: Any) -> list[tuple[str, str]]:
    return [(e.field, e.problem) for e in validator.errors(value)]


def test_valid_requests_pass(iris: Validator) -> None:
    assert problems(iris, [FLOWER]) == []
    assert problems(iris, [FLOWER, {**FLOWER, "sepal_length": 6}]) == []  # ints are numbers
    assert problems(iris, []) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (FLOWER, [("(body)", "must be a list, got an object")]),
        ([{**FLOWER, "extra": 1}], [("[0]", UNKNOWN_FIELD)]),
        (
            [{k: v for k, v in FLOWER.items() if k != "petal_width"}],
            [("[0].petal_width", "is required")],
        ),
        (
            [{**FLOWER, "sepal_width": "3.5"}],
            [("[0].sepal_width", "must be a number, got a string")],
        ),
        (
            [{**FLOWER, "sepal_width": True}],
            [("[0].sepal_width", "must be a number, got a boolean")],
        ),
        (
            [{**FLOWER, "sepal_width": float("nan")}, {**FLOWER, "petal_length": float("inf")}],
            [
                ("[0].sepal_width", NOT_FINITE),
                ("[1].petal_length", NOT_FINITE),
            ],
        ),
        ([FLOWER, None], [("[1]", "must be an object, got null")]),
    ],
)
def test_each_problem_names_its_field(
    iris: Validator, body: Any, expected: list[tuple[str, str]]
) -> None:
    assert problems(iris, body) == expected


def test_problems_never_echo_the_values() -> None:
    secret = "4111-1111-1111-1111"
    validator = Validator({"type": "object", "properties": {"n": {"type": "integer"}}})
    for error in validator.errors({"n": secret}):
        assert secret not in error.field + error.problem


def test_typing_forms() -> None:
    schema = {
        "type": "object",
        "properties": {
            "kind": {"enum": ["a", "b"]},
            "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "count": {"type": "integer"},
            "pair": {
                "type": "array",
                "prefixItems": [{"type": "integer"}, {"type": "string"}],
                "minItems": 2,
                "maxItems": 2,
            },
            "scores": {"type": "object", "additionalProperties": {"type": "number"}},
            "raw": {"x-python": "np.ndarray"},
        },
        "required": ["kind"],
        "additionalProperties": False,
    }
    validator = Validator(schema)
    good = {"kind": "a", "note": None, "count": 3.0, "pair": [1, "x"], "scores": {"x": 1.5}}
    assert problems(validator, {**good, "raw": [[1, 2]]}) == []
    assert problems(
        validator,
        {"kind": "c", "note": 1, "count": 2.5, "pair": [1], "scores": {"x": "high"}, "raw": None},
    ) == [
        ("kind", "must be one of 'a', 'b'"),
        ("note", "must be string | null, got a number"),
        ("count", "must be an integer, got a number"),
        ("pair", "must have 2 items, got 1"),
        ("scores.(entry 0)", "must be a number, got a string"),
    ]
    assert problems(Validator(None), {"anything": [1]}) == []
