"""docs/openapi.yaml describes exactly the routes the server registers, with their resources
and answers; the document itself is well formed. (That every answer the REST tests get matches
it is checked by tests/openapi_check.py, through conftest's jp_fetch.)"""

import json
import re
from typing import Any

from jsonschema import Draft202012Validator
from openapi_check import problem, spec

from jupyter_deploy.server.build_handlers import build_handlers
from jupyter_deploy.server.deployment_handlers import deployment_handlers
from jupyter_deploy.server.handlers import handlers
from jupyter_deploy.server.run_handlers import run_handlers
from jupyter_deploy.server.version_handlers import version_handlers

SPEC = spec()


def test_every_registered_route_is_documented_with_its_resource() -> None:
    documented = SPEC["paths"]
    for pattern, handler in [
        *handlers(),
        *run_handlers(),
        *version_handlers(),
        *build_handlers(),
        *deployment_handlers(),
    ]:
        matches = [p for p in documented if re.fullmatch(pattern, _example(p))]
        assert matches, f"{pattern} is not in docs/openapi.yaml"
        for path in matches:
            for method, operation in documented[path].items():
                assert hasattr(handler, method), (
                    f"{method.upper()} {path} is documented but not served"
                )
                assert operation["x-resource"] == handler.auth_resource


def test_every_documented_path_is_served() -> None:
    patterns = [
        p
        for p, _ in [
            *handlers(),
            *run_handlers(),
            *version_handlers(),
            *build_handlers(),
            *deployment_handlers(),
        ]
    ]
    for path in SPEC["paths"]:
        assert any(re.fullmatch(p, _example(path)) for p in patterns), f"{path} is not served"


def _example(path: str) -> str:
    return (
        path.replace("{run_id}", "r-0123456789")
        .replace("{version}", "iris-classifier@v1")
        .replace("{build_id}", "b-0123456789")
        .replace("{name}", "churn")
    )


def test_every_reference_resolves() -> None:
    text = json.dumps(SPEC)
    for ref in set(re.findall(r"#/components/(\w+)/(\w+)", text)):
        assert ref[1] in SPEC["components"][ref[0]], f"dangling $ref {ref}"


# Keywords the answer checks (tests/openapi_check.py) and the TypeScript generator
# (scripts/openapi_types.py) understand; anything else is a slip, such as an unquoted comma in a
# flow mapping turning half a description into a key.
SCHEMA_KEYWORDS = {
    "$ref", "type", "properties", "required", "additionalProperties", "items", "enum", "const",
    "oneOf", "anyOf", "description", "default", "pattern", "minimum", "maximum",
    "exclusiveMinimum", "minItems", "maxLength",
}  # fmt: skip


def _schemas(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every schema in the document, nested ones included, with where it is."""
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "schema" or path.endswith("/schemas"):
                found += _schema_tree(value, f"{path}/{key}")
            else:
                found += _schemas(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _schemas(value, f"{path}/{index}")
    return found


def _schema_tree(schema: dict[str, Any], path: str) -> list[tuple[str, dict[str, Any]]]:
    found = [(path, schema)]
    for name, value in schema.get("properties", {}).items():
        found += _schema_tree(value, f"{path}/properties/{name}")
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            found += _schema_tree(schema[key], f"{path}/{key}")
    for key in ("oneOf", "anyOf"):
        for index, value in enumerate(schema.get(key, [])):
            found += _schema_tree(value, f"{path}/{key}/{index}")
    return found


def test_every_schema_uses_known_keywords_and_is_valid() -> None:
    schemas = _schemas(SPEC)
    assert len(schemas) > 300
    for path, schema in schemas:
        unknown = set(schema) - SCHEMA_KEYWORDS
        assert not unknown, f"{path}: unknown keywords {sorted(unknown)}"
        Draft202012Validator.check_schema(schema)


def test_every_operation_documents_its_answers() -> None:
    """Every route can refuse the caller (403) or its API version (409); every route with
    arguments can refuse them (400) and name something that does not exist (404)."""
    for path, operations in SPEC["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            expected = (
                {"403", "409"}
                if path == "/jupyter-deploy/version"
                else {"400", "403", "404", "409"}
            )
            assert expected <= codes, f"{method.upper()} {path} lacks {sorted(expected - codes)}"
            assert [c for c in codes if c.startswith("2")], f"{method.upper()} {path}: no success"
            for code, response in operation["responses"].items():
                if "$ref" not in response:
                    continue
                name = response["$ref"].rsplit("/", 1)[1]
                body = SPEC["components"]["responses"][name]["content"]["application/json"]
                if not code.startswith("2"):
                    assert body["schema"] == {"$ref": "#/components/schemas/ErrorBody"}


def test_an_answer_off_the_document_is_named_precisely() -> None:
    assert problem("GET", "/jupyter-deploy/version", 200, VERSION) is None
    wrong = problem("GET", "/jupyter-deploy/version", 200, '{"name": "x", "version": "1"}')
    assert wrong is not None
    assert "GET /jupyter-deploy/version -> 200" in wrong
    assert "api_version" in wrong
    extra = problem("GET", "/jupyter-deploy/version", 200, VERSION[:-1] + ', "more": 1}')
    assert extra is not None
    assert "more" in extra
    undocumented = problem("GET", "/jupyter-deploy/version", 418, "{}")
    assert undocumented is not None
    assert "status 418 is not documented" in undocumented
    error = '{"error": {"code": "not_found", "message": "no run"}}'
    assert problem("GET", "/jupyter-deploy/runs/r-0123456789", 404, error) is None
    assert problem("GET", "/jupyter-deploy/no-such-route", 404, error) is None
    assert problem("DELETE", "/jupyter-deploy/runs", 405, error) is None
    literal = problem("GET", "/jupyter-deploy/versions/diff", 200, "{}")
    assert literal is not None
    assert "GET /jupyter-deploy/versions/diff -> 200" in literal


VERSION = '{"name": "jupyter_deploy", "version": "1.0", "api_version": 1}'
