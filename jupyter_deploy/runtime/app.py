"""The model server: a bare ASGI application (no framework between the socket and `predict`, so
the server's own cost per request stays a small part of the model's). It validates every request
against the version's schema, answers in JSON, and never sends a traceback or an echo of the
input to a client: details go to the server's log under a request id."""

import hashlib
import json
import logging
import math
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import orjson

from .._version import __version__
from . import v2
from .batching import Batcher
from .metrics import Metrics
from .openapi import docs_page, openapi
from .validate import FieldError, Validator

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

MAX_BODY_BYTES = 1024 * 1024
_JSON = b"application/json"
_PROMETHEUS = b"text/plain; version=0.0.4; charset=utf-8"
_HTML = b"text/html; charset=utf-8"
_ROUTE_LABELS = {
    "/predict": "predict",
    "/health/live": "health",
    "/health/ready": "health",
    "/metrics": "metrics",
    "/openapi.json": "docs",
    "/docs": "docs",
    "/": "docs",
}
_DUMP_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS

log = logging.getLogger("jupyter_deploy.runtime")


class HttpError(Exception):
    def __init__(
        self, status: int, code: str, message: str, fields: list[FieldError] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = [f.to_dict() for f in self.fields]
        return {"error": error}


@dataclass(frozen=True)
class Raw:
    """An answer that is not JSON (the metrics text)."""

    body: bytes
    content_type: bytes


class ModelServer:
    def __init__(
        self,
        service: ModuleType,
        schema: dict[str, Any] | None,
        *,
        api_keys: frozenset[str] | None,
        metrics: Metrics | None = None,
        info: dict[str, Any] | None = None,
        max_body: int = MAX_BODY_BYTES,
        max_batch: int = 1,
    ) -> None:
        """`api_keys`: sha256 hex digests of the accepted bearer tokens; None serves openly.
        `max_batch` > 1 batches concurrent requests of a list-of-records API (batching.py)."""
        self.service = service
        self.api_keys = api_keys
        self.metrics = metrics or Metrics(None)
        self.info = info or {}
        self.version_header = str(self.info.get("tag") or "").encode()
        self.max_body = max_body
        self.schema = schema
        input_schema = (schema or {}).get("input") or {}
        self.validator = Validator(input_schema)
        # A list-of-records API also takes one record, answered with one result.
        items = input_schema.get("items") if input_schema.get("type") == "array" else None
        self.one_or_many = isinstance(items, dict) and items.get("type") == "object"
        batched = max_batch > 1 and input_schema.get("type") == "array"
        self.batcher = Batcher(service.predict, max_batch) if batched else None
        self.ready = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        self.metrics.started()
        path: str = scope["path"]
        route = _ROUTE_LABELS.get(path) or _v2_label(path)
        try:
            if path.startswith("/v2"):
                status, body = await self._route_v2(scope, receive)
            else:
                status, body = await self._route(scope, receive)
        except HttpError as exc:
            status, body = exc.status, exc.body()
        except v2.V2Error as exc:
            status, body = exc.status, {"error": exc.message}
        try:
            await _send(send, status, body, self.version_header)
        finally:
            self.metrics.finished(route, status, time.perf_counter() - started)

    async def _route(self, scope: Scope, receive: Receive) -> tuple[int, Any]:
        path, method = scope["path"], scope["method"]
        if path == "/predict":
            _allow(method, "POST")
            headers = dict(scope["headers"])  # once per request: auth and body both read them
            self._authorize(headers)
            return 200, await self._predict(headers, receive)
        if path == "/health/live":
            _allow(method, "GET")
            return 200, {"status": "live"}
        if path == "/health/ready":
            _allow(method, "GET")
            if not self.ready:
                raise HttpError(503, "not_ready", "the model is not loaded yet")
            return 200, {"status": "ready"}
        if path == "/metrics":
            _allow(method, "GET")
            return 200, Raw(self.metrics.render(self.info), _PROMETHEUS)
        if path == "/openapi.json":
            _allow(method, "GET")
            return 200, openapi(self.info, self.schema, secured=self.api_keys is not None)
        if path in ("/", "/docs"):
            _allow(method, "GET")
            return 200, Raw(docs_page(self.info, self.schema, self.api_keys is not None), _HTML)
        raise HttpError(404, "not_found", f"no such endpoint: {method} {path}")

    async def _route_v2(self, scope: Scope, receive: Receive) -> tuple[int, Any]:
        """The Open Inference Protocol's REST routes; errors in its `{"error": "..."}` form."""
        try:
            return await self._v2(scope, receive)
        except HttpError as exc:
            raise v2.V2Error(exc.status, exc.message) from None

    async def _v2(self, scope: Scope, receive: Receive) -> tuple[int, Any]:
        path, method = scope["path"], scope["method"]
        name, version = str(self.info.get("model") or "model"), str(self.info.get("version", ""))
        if path in ("/v2", "/v2/"):
            _allow(method, "GET")
            return 200, v2.server_metadata(__version__)
        if path == "/v2/health/live":
            _allow(method, "GET")
            return 200, {"live": True}
        if path == "/v2/health/ready":
            _allow(method, "GET")
            return (200 if self.ready else 503), {"ready": self.ready}
        found = v2.match(path)
        if found is None:
            raise v2.V2Error(404, f"no such endpoint: {method} {path}")
        model, asked_version, tail = found
        if model != name or (asked_version is not None and asked_version != version):
            served = f"{name} {version}".strip()
            raise v2.V2Error(404, f"this server serves model {served!r}, not {model!r}")
        if tail == "":
            _allow(method, "GET")
            return 200, v2.model_metadata(name, version, self.schema)
        if tail == "/ready":
            _allow(method, "GET")
            return (200 if self.ready else 503), {"name": name, "ready": self.ready}
        _allow(method, "POST")
        headers = dict(scope["headers"])
        self._authorize(headers)
        # tritonclient, the reference V2 client, sends its JSON requests with no content type.
        body = await self.read_json(headers, receive, untyped_is_json=True)
        records, request_id = v2.records_from(body)
        problems = self.validator.errors(records)
        if problems:
            raise v2.V2Error(400, v2.problems_text(problems))
        return 200, v2.response(name, version, request_id, await self.call_predict(records))

    def _authorize(self, headers: dict[bytes, bytes]) -> None:
        if self.api_keys is None:
            return
        header = headers.get(b"authorization", b"")
        scheme, _, token = header.partition(b" ")
        if scheme.lower() != b"bearer" or not token.strip():
            raise HttpError(401, "unauthorized", "send an API key: Authorization: Bearer <key>")
        if hashlib.sha256(token.strip()).hexdigest() not in self.api_keys:
            raise HttpError(401, "unauthorized", "this API key is not accepted")

    async def _predict(self, headers: dict[bytes, bytes], receive: Receive) -> Any:
        payload = await self.read_json(headers, receive)
        single = self.one_or_many and isinstance(payload, dict)
        records = [payload] if single else payload
        problems = self.validator.errors(records)
        if problems:
            if single:  # the client sent one record: name its fields, not "[0].field"
                problems = [FieldError(p.field.removeprefix("[0]."), p.problem) for p in problems]
            raise HttpError(422, "invalid_request", "the request does not match the API", problems)
        result = await self.call_predict(records)
        return result[0] if single and isinstance(result, list) and len(result) == 1 else result

    async def read_json(
        self, headers: dict[bytes, bytes], receive: Receive, untyped_is_json: bool = False
    ) -> Any:
        """The request's JSON body, once the model is ready; 415, 413 or 400 otherwise."""
        if not self.ready:
            raise HttpError(503, "not_ready", "the model is not loaded yet")
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if content_type != b"application/json" and not (untyped_is_json and not content_type):
            raise HttpError(415, "unsupported_media_type", "send the request as application/json")
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            raise _too_large(self.max_body)
        return _parse(await _read_body(receive, self.max_body))

    async def call_predict(self, records: Any) -> Any:
        """`predict` on validated records; its failures become a generic 500 whose details (and
        only there) are in the log, under the request id the client is given."""
        try:
            if self.batcher is not None and isinstance(records, list):
                result = await self.batcher(records)
            else:
                result = self.service.predict(records)
        except Exception:
            request_id = uuid.uuid4().hex[:12]
            log.exception("predict failed (request %s)", request_id)
            raise HttpError(
                500,
                "predict_failed",
                f"the model could not answer this request (request id {request_id}; the"
                " service log has the details)",
            ) from None
        self.metrics.predicted(len(records) if isinstance(records, list) else 1)
        return result

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    self.service.load()
                except Exception as exc:
                    log.exception("load() failed: the service will not start")
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                self.ready = True
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.ready = False
                if self.batcher is not None:
                    self.batcher.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


def _v2_label(path: str) -> str:
    if path.startswith("/v2"):
        return "v2_infer" if path.endswith("/infer") else "v2_meta"
    return "other"


def _allow(method: str, allowed: str) -> None:
    if method != allowed:
        raise HttpError(405, "method_not_allowed", f"use {allowed} here, not {method}")


def _too_large(limit: int) -> HttpError:
    return HttpError(413, "too_large", f"the request body is over {limit} bytes")


async def _read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _parse(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        pass
    # orjson refuses NaN and Infinity; they are JSON's common extension, refused field by field.
    try:
        return json.loads(body, parse_constant=lambda name: math.nan)
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, "malformed_json", "the request body is not valid JSON") from None


async def _send(send: Send, status: int, body: Any, version: bytes) -> None:
    content_type = _JSON
    if isinstance(body, Raw):
        data, content_type = body.body, body.content_type
    else:
        try:
            data = orjson.dumps(body, option=_DUMP_OPTIONS)
        except TypeError:
            log.exception("predict returned something JSON cannot hold")
            status = 500
            data = orjson.dumps(
                {"error": {"code": "bad_answer", "message": "the model's answer is not JSON"}}
            )
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(data)).encode()),
        # Which version answered: behind a gateway, clients and tests see an update land.
        (b"x-model-version", version),
    ]
    if status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="model"'))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})
