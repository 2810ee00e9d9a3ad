"""jupyter_deploy.contract and docs/openapi.yaml describe the same answers: each typed dict has
exactly its schema's fields, required where the schema requires them, of the JSON types (and
enum values) the schema allows."""

import types
import typing
from typing import Any, Literal, Union, get_args, get_origin, is_typeddict

import pytest
from openapi_check import spec

from jupyter_deploy import contract

SCHEMAS: dict[str, Any] = spec()["components"]["schemas"]
# Models of objects the document keeps inline, with where the document keeps them.
INLINE = {
    "ErrorDetail": ("ErrorBody", "error"),
    "GatewayState": ("Deployment", "gateway"),
}
# What clients send: the server checks those with its request models (server/requests.py).
REQUESTS = {
    "StartRunRequest",
    "StartSweepRequest",
    "ProjectRequest",
    "PromoteRequest",
    "StageRequest",
    "StartBuildRequest",
    "DeployRequest",
}

ANY_JSON = frozenset({"null", "boolean", "integer", "number", "string", "array", "object"})
MODELS = {
    name: value
    for area in contract.AREAS
    for name, value in vars(area).items()
    if is_typeddict(value) and not name.startswith("_") and value.__module__ == area.__name__
}


def schema_of(name: str) -> dict[str, Any]:
    if name in INLINE:
        parent, field = INLINE[name]
        return resolve(SCHEMAS[parent]["properties"][field])
    return resolve(SCHEMAS[name])


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def kinds_of_schema(schema: dict[str, Any]) -> frozenset[Any]:
    """The JSON kinds a schema allows: type names, ("enum", values), or "any"."""
    schema = resolve(schema)
    if "oneOf" in schema:
        return frozenset().union(*(kinds_of_schema(s) for s in schema["oneOf"]))
    if "enum" in schema:
        values = frozenset(v for v in schema["enum"] if v is not None)
        return frozenset({("enum", values)} | ({"null"} if None in schema["enum"] else set()))
    kind = schema.get("type")
    if kind is None:
        return frozenset({"any"})
    return frozenset(kind if isinstance(kind, list) else [kind])


def kinds_of_annotation(annotation: Any) -> frozenset[Any]:
    """The same for a Python annotation."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        kinds = frozenset().union(*(kinds_of_annotation(a) for a in get_args(annotation)))
        return frozenset({"any"}) if kinds == ANY_JSON else kinds
    if origin is Literal:
        return frozenset({("enum", frozenset(get_args(annotation)))})
    if origin is list:
        return frozenset({"array"})
    if origin is dict or is_typeddict(annotation):
        return frozenset({"object"})
    simple = {type(None): "null", bool: "boolean", int: "integer", float: "number", str: "string"}
    return frozenset({simple[annotation]})


def test_every_answer_schema_has_a_model() -> None:
    objects = {n for n, s in SCHEMAS.items() if s.get("type") == "object"} - REQUESTS
    assert objects <= set(MODELS), f"no typed dict for {sorted(objects - set(MODELS))}"
    unknown = set(MODELS) - set(SCHEMAS) - set(INLINE)
    assert not unknown, f"typed dicts without a schema: {sorted(unknown)}"


@pytest.mark.parametrize("name", sorted(MODELS))
def test_model_matches_its_schema(name: str) -> None:
    model, schema = MODELS[name], schema_of(name)
    assert set(model.__required_keys__) == set(schema.get("required", [])), (
        f"{name}: required fields differ from docs/openapi.yaml"
    )
    assert set(model.__annotations__) | set(model.__optional_keys__) == set(schema["properties"]), (
        f"{name}: fields differ from docs/openapi.yaml"
    )
    assert schema.get("additionalProperties") is False, f"{name}: the schema should be closed"
    hints = typing.get_type_hints(model)
    for field, annotation in hints.items():
        expected = kinds_of_schema(schema["properties"][field])
        got = kinds_of_annotation(annotation)
        assert got == expected, f"{name}.{field}: {sorted(map(str, got))} in Python, " + (
            f"{sorted(map(str, expected))} in docs/openapi.yaml"
        )
