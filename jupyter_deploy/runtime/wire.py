"""The model server's side of the wire: the request body read within its limit, the errors it
answers with (HttpError, JSON in the contract's `{"error": {code, message, fields?}}` shape), the
JSON of `predict`'s answer and the ASGI response sent. Apart from app.py so the routes read as
routes; a failure's details go to the log under a request id, never to the client."""

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson

from .jsonio import NonFinite, dump_answer
from .validate import FieldError

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

JSON = b"application/json"

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


def internal_message(request_id: str) -> str:
    return (
        f"the server could not answer this request (request id {request_id}; the service log"
        " has the details)"
    )


def answer_json(result: Any) -> Raw:
    """`predict`'s answer as JSON; what JSON cannot carry is an error decided here, not a
    silent `null` (NaN, Infinity) or an exception while sending."""
    try:
        return Raw(dump_answer(result), JSON)
    except NonFinite as exc:
        # Not predict_failed (the model did not fail) and not a 500: the model answered, with a
        # number no JSON client can read; the input is most often outside the range it handles.
        raise HttpError(
            422,
            "non_finite_result",
            f"the model's answer holds a non-finite number (NaN or Infinity) at {exc.where},"
            " which JSON cannot carry; the input is probably outside the range the model"
            " handles",
        ) from None
    except TypeError:
        raise logged_error(
            500,
            "bad_answer",
            "predict returned something JSON cannot hold",
            "the model's answer is not JSON (request id {id}; the service log has the details)",
        ) from None


def logged_error(status: int, code: str, logged: str, message: str) -> HttpError:
    """The error for a failure whose details only the log holds (traceback included; a 4xx
    as a warning), under a request id that `message` gives the client in place of `{id}`."""
    request_id = uuid.uuid4().hex[:12]
    log.log(
        logging.WARNING if status < 500 else logging.ERROR,
        "%s (request %s)",
        logged,
        request_id,
        exc_info=True,
    )
    return HttpError(status, code, message.replace("{id}", request_id))


def allow(method: str, allowed: str) -> None:
    if method != allowed:
        raise HttpError(405, "method_not_allowed", f"use {allowed} here")


def too_large(limit: int) -> HttpError:
    return HttpError(413, "too_large", f"the request body is over {limit} bytes")


async def read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def send_answer(send: Send, status: int, body: Any, version: bytes) -> int:
    """Send the answer; the status sent (a body of our own that fails to serialise is a
    defect, answered as a generic 500 rather than a dropped connection)."""
    content_type = JSON
    if isinstance(body, Raw):
        data, content_type = body.body, body.content_type
    else:
        try:
            data = orjson.dumps(body)
        except TypeError:
            request_id = uuid.uuid4().hex[:12]
            log.exception("an answer of the server's own is not JSON (request %s)", request_id)
            status = 500
            data = orjson.dumps(
                {"error": {"code": "internal_error", "message": internal_message(request_id)}}
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
    return status
