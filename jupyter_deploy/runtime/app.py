"""The model server: a bare ASGI application (no framework between the socket and `predict`, so
the server's own cost per request stays a small part of the model's). It validates every request
against the version's schema, answers in JSON, and never sends a traceback or an echo of the
input to a client: details go to the server's log under a request id."""

import hashlib
import time
import uuid
from types import ModuleType
from typing import Any

from .._version import __version__
from . import v2
from .batching import Batcher
from .jsonio import BodyError, parse
from .metrics import Metrics
from .openapi import docs_page, openapi
from .validate import FieldError, Validator
from .wire import (
    HttpError,
    Raw,
    Receive,
    Send,
    allow,
    answer_json,
    internal_message,
    log,
    logged_error,
    read_body,
    send_answer,
    too_large,
)

Scope = dict[str, Any]

MAX_BODY_BYTES = 1024 * 1024
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
        self.v2_inputs = v2.input_names(input_schema)
        self.batcher = Batcher(service.predict, max_batch) if batched else None
        self.ready = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        path: str = scope["path"]
        route = _ROUTE_LABELS.get(path) or _v2_label(path)
        # The one place requests are counted: whatever happens below (an answer, a failure of
        # our own, a client gone, a cancelled task), each is counted once, and leaves the gauge.
        status = 500
        self.metrics.started()
        try:
            status, body = await self._answer(scope, receive)
            status = await send_answer(send, status, body, self.version_header)
        finally:
            self.metrics.finished(route, status, time.perf_counter() - started)

    async def _answer(self, scope: Scope, receive: Receive) -> tuple[int, Any]:
        """(status, body) of the request: never raises for a request, hostile or not."""
        v2_route = scope["path"].startswith("/v2")
        try:
            if v2_route:
                return await self._route_v2(scope, receive)
            return await self._route(scope, receive)
        except HttpError as exc:
            return exc.status, exc.body()
        except v2.V2Error as exc:
            return exc.status, {"error": exc.message}
        except Exception:
            # A defect of the server's own, not the model's (call_predict catches those).
            request_id = uuid.uuid4().hex[:12]
            log.exception("request failed (request %s)", request_id)
            message = internal_message(request_id)
            return 500, {"error": message} if v2_route else {
                "error": {"code": "internal_error", "message": message}
            }

    async def _route(self, scope: Scope, receive: Receive) -> tuple[int, Any]:
        path, method = scope["path"], scope["method"]
        if path == "/predict":
            allow(method, "POST")
            headers = dict(scope["headers"])  # once per request: auth and body both read them
            self._authorize(headers)
            return 200, await self._predict(headers, receive)
        if path == "/health/live":
            allow(method, "GET")
            return 200, {"status": "live"}
        if path == "/health/ready":
            allow(method, "GET")
            if not self.ready:
                raise HttpError(503, "not_ready", "the model is not loaded yet")
            return 200, {"status": "ready"}
        if path == "/metrics":
            allow(method, "GET")
            return 200, Raw(self.metrics.render(self.info), _PROMETHEUS)
        if path == "/openapi.json":
            allow(method, "GET")
            return 200, openapi(self.info, self.schema, secured=self.api_keys is not None)
        if path in ("/", "/docs"):
            allow(method, "GET")
            return 200, Raw(docs_page(self.info, self.schema, self.api_keys is not None), _HTML)
        raise HttpError(404, "not_found", "no such endpoint (see /docs)")

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
            allow(method, "GET")
            return 200, v2.server_metadata(__version__)
        if path == "/v2/health/live":
            allow(method, "GET")
            return 200, {"live": True}
        if path == "/v2/health/ready":
            allow(method, "GET")
            return (200 if self.ready else 503), {"ready": self.ready}
        found = v2.match(path)
        if found is None:
            raise v2.V2Error(404, "no such endpoint")
        model, asked_version, tail = found
        if model != name or (asked_version is not None and asked_version != version):
            served = f"{name} {version}".strip()
            raise v2.V2Error(404, f"this server serves model {served!r} only")
        if tail == "":
            allow(method, "GET")
            return 200, v2.model_metadata(name, version, self.schema)
        if tail == "/ready":
            allow(method, "GET")
            return (200 if self.ready else 503), {"name": name, "ready": self.ready}
        allow(method, "POST")
        headers = dict(scope["headers"])
        self._authorize(headers)
        # tritonclient, the reference V2 client, sends its JSON requests with no content type.
        body, extended = await self.read_json(headers, receive, untyped_is_json=True)
        records, request_id = v2.records_from(body, self.v2_inputs, extended)
        problems = self.validator.errors(records, extended)
        if problems:
            raise v2.V2Error(400, v2.problems_text(problems))
        result = await self.call_predict(records)
        return 200, answer_json(v2.response(name, version, request_id, result))

    def _authorize(self, headers: dict[bytes, bytes]) -> None:
        if self.api_keys is None:
            return
        header = headers.get(b"authorization", b"")
        scheme, _, token = header.partition(b" ")
        if scheme.lower() != b"bearer" or not token.strip():
            raise HttpError(401, "unauthorized", "send an API key: Authorization: Bearer <key>")
        if hashlib.sha256(token.strip()).hexdigest() not in self.api_keys:
            raise HttpError(401, "unauthorized", "this API key is not accepted")

    async def _predict(self, headers: dict[bytes, bytes], receive: Receive) -> Raw:
        payload, extended = await self.read_json(headers, receive)
        single = self.one_or_many and isinstance(payload, dict)
        records = [payload] if single else payload
        problems = self.validator.errors(records, extended)
        if problems:
            if single:  # the client sent one record: name its fields, not "[0].field"
                problems = [FieldError(_one_record(p.field), p.problem) for p in problems]
            raise HttpError(422, "invalid_request", "the request does not match the API", problems)
        result = await self.call_predict(records)
        single_result = single and isinstance(result, list) and len(result) == 1
        return answer_json(result[0] if single_result else result)

    async def read_json(
        self, headers: dict[bytes, bytes], receive: Receive, untyped_is_json: bool = False
    ) -> tuple[Any, bool]:
        """(the request's JSON body, whether it is extended: see jsonio.py), once the model is
        ready; 415, 413 or 400 otherwise."""
        if not self.ready:
            raise HttpError(503, "not_ready", "the model is not loaded yet")
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if content_type != b"application/json" and not (untyped_is_json and not content_type):
            raise HttpError(415, "unsupported_media_type", "send the request as application/json")
        declared = headers.get(b"content-length", b"")
        # Its length first: int() refuses strings of over 4,300 digits.
        if declared.isdigit() and (len(declared) > 18 or int(declared) > self.max_body):
            raise too_large(self.max_body)
        try:
            return parse(await read_body(receive, self.max_body))
        except BodyError as exc:
            raise HttpError(400, exc.code, exc.message) from None

    async def call_predict(self, records: Any) -> Any:
        """`predict` on validated records. Its failures' details are only in the log, under the
        request id the client is given: a ValueError or OverflowError is the model refusing a value
        the schema let through (1.79e308 in a model that computes in float32, say), so a 422;
        anything else is the model failing, a 500."""
        try:
            if self.batcher is not None and isinstance(records, list):
                result = await self.batcher(records)
            else:
                result = self.service.predict(records)
        except (ValueError, OverflowError) as exc:
            raise logged_error(
                422,
                "input_not_accepted",
                "predict refused the input",
                f"the model refused a value in this request ({type(exc).__name__}; request id"
                " {id}, the service log has the details): a value is probably outside the range"
                " the model handles",
            ) from None
        except Exception:
            raise logged_error(
                500,
                "predict_failed",
                "predict failed",
                "the model could not answer this request (request id {id}; the service log has"
                " the details)",
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


def _one_record(field: str) -> str:
    if field == "[0]":
        return "(body)"
    return field.removeprefix("[0].")


def _v2_label(path: str) -> str:
    if path.startswith("/v2"):
        return "v2_infer" if path.endswith("/infer") else "v2_meta"
    return "other"
