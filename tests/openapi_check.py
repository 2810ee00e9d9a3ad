"""Every answer the REST tests get is checked against docs/openapi.yaml: the route, the status and
the JSON body must be documented, so the document cannot fall behind the server unnoticed.

`conftest.py` wraps pytest-jupyter's `jp_fetch` with `checked`; every REST test fetches through
it, whichever helper it calls."""

import json
import os
import re
from collections.abc import Awaitable, Callable
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from tornado.httpclient import HTTPClientError, HTTPResponse

SPEC_PATH = Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml"
PREFIX = "/jupyter-deploy/"
_URI = "urn:jupyter-deploy:openapi"
# Set to a file path to record every mismatch there instead of failing (surveying the document
# against a whole test run at once).
SURVEY = os.environ.get("JUPYTER_DEPLOY_OPENAPI_SURVEY")
# Set to a file path to record each documented answer a test got ("GET /path -> 200"): which
# parts of the document the tests exercise.
SEEN = os.environ.get("JUPYTER_DEPLOY_OPENAPI_SEEN")


# What a path or method the document does not list may answer: always an Error.
_UNDOCUMENTED = (403, 404, 405, 409)


@cache
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())
    return loaded


@cache
def _registry() -> Registry:
    # The whole document is one resource, so `#/components/...` references resolve inside it.
    registry: Registry = Registry().with_resource(_URI, Resource.from_contents(spec(), DRAFT202012))
    return registry


@cache
def _routes() -> list[tuple[re.Pattern[str], str]]:
    """(regex, documented path), literal paths first: /versions/diff before /versions/{version}."""
    paths = sorted(spec()["paths"], key=lambda p: (p.count("{"), p))
    return [(re.compile(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(p)) + "$"), p) for p in paths]


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def response_schema(method: str, path: str, status: int) -> tuple[dict[str, Any] | None, str]:
    """The schema an answer must match, with where it comes from; None and the reason when the
    answer is not documented at all."""
    route = next((doc for pattern, doc in _routes() if pattern.match(path)), None)
    where = f"{method} {path} -> {status}"
    if route is None:
        # The catch-all route answers anything else under /jupyter-deploy/ with a JSON 404,
        # after the checks every route makes (sign-in, authorization, API version).
        if status in _UNDOCUMENTED:
            return {"$ref": "#/components/schemas/ErrorBody"}, f"{where} (unknown route)"
        return None, f"{where}: no documented path matches"
    operation = spec()["paths"][route].get(method.lower())
    if operation is None:
        # Tornado answers a method the route does not serve with 405, in the Error shape.
        if status in _UNDOCUMENTED:
            return {"$ref": "#/components/schemas/ErrorBody"}, f"{where} (method not served)"
        return None, f"{where}: {method} {route} is not documented"
    response = operation["responses"].get(str(status))
    if response is None:
        return None, f"{where}: status {status} is not documented for {method} {route}"
    schema = _resolve(response)["content"]["application/json"]["schema"]
    return schema, f"{method} {route} -> {status}"


def problem(method: str, path: str, status: int, text: str) -> str | None:
    """Why an answer breaks the document, or None when it matches."""
    schema, where = response_schema(method, path, status)
    if schema is None:
        return where
    try:
        body = json.loads(text)
    except ValueError:
        return f"{where}: the body is not JSON: {text[:200]!r}"
    validator = Draft202012Validator(
        {"$ref": f"{_URI}{schema['$ref']}"} if "$ref" in schema else schema,
        registry=_registry(),
    )
    error = best_match(validator.iter_errors(body))
    if error is None:
        return None
    at = "/".join(str(p) for p in error.absolute_path) or "(body)"
    return f"{where}: the answer breaks docs/openapi.yaml at {at}: {error.message}"


def check(method: str, response: HTTPResponse, base_url: str) -> None:
    path = urlsplit(response.effective_url).path
    # The base URL as sent (pytest-jupyter's is /a%40b/): stripped before unquoting the rest.
    base = base_url.rstrip("/")
    assert path.startswith(base), f"{path} is not under the server's base URL {base_url}"
    path = unquote(path[len(base) :])
    if not path.startswith(PREFIX):
        return  # the rest of Jupyter is not ours to document
    found = problem(method.upper(), path, response.code, (response.body or b"").decode())
    if SEEN:
        with open(SEEN, "a", encoding="utf-8") as out:
            out.write(response_schema(method.upper(), path, response.code)[1] + "\n")
    if found is None:
        return
    if SURVEY:
        with open(SURVEY, "a", encoding="utf-8") as out:
            out.write(found + "\n")
        return
    raise AssertionError(found)


Fetch = Callable[..., Awaitable[HTTPResponse]]


def checked(fetch: Fetch, base_url: str) -> Fetch:
    """`fetch` (pytest-jupyter's `jp_fetch`) with every answer checked against the document."""

    async def fetching(*parts: str, **kwargs: Any) -> HTTPResponse:
        method = str(kwargs.get("method", "GET"))
        try:
            response = await fetch(*parts, **kwargs)
        except HTTPClientError as exc:
            if exc.response is not None:
                check(method, exc.response, base_url)
            raise
        check(method, response, base_url)
        return response

    return fetching
