"""Predictions asked of a deployment's endpoint over HTTP, with the caller's key; refusals raised
as CallFailed carrying the endpoint's own words (never this module's traceback)."""

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import orjson

__all__ = ["CallFailed", "call_endpoint", "read_key"]

_MAX_ERROR_BODY = 64 * 1024
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


class CallFailed(Exception):
    """The endpoint refused or failed a request: its status and its own words, no traceback."""

    def __init__(
        self,
        status: int | None,
        message: str,
        code: str | None = None,
        fields: list[dict[str, str]] | None = None,
    ) -> None:
        self.status, self.message, self.code, self.fields = status, message, code, fields or []
        super().__init__(str(self))

    def __str__(self) -> str:
        where = " ".join(str(p) for p in (self.status, self.code) if p is not None)
        text = f"{self.message} ({where})" if where else self.message
        problems = [f"{f.get('field', '?')}: {f.get('problem', '?')}" for f in self.fields]
        return "\n  ".join([text, *problems])


def _records(records: Any) -> Any:
    """A DataFrame as its records and a row (Series) as one record; anything else as given."""
    if isinstance(records, (dict, list)) or not hasattr(records, "to_dict"):
        return records
    if hasattr(records, "columns"):
        return records.to_dict("records")
    return records.to_dict()


def _open(request: urllib.request.Request, timeout: float) -> Any:
    host = urllib.parse.urlsplit(request.full_url).hostname or ""
    # Gateways listen on loopback: a proxy from the environment would not reach them.
    handlers = [urllib.request.ProxyHandler({})] if host in _LOOPBACK else []
    return urllib.request.build_opener(*handlers).open(request, timeout=timeout)


def _error(status: int, reason: str, body: bytes) -> CallFailed:
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):  # the predict route: {code, message, fields?}
        fields = [f for f in error.get("fields") or [] if isinstance(f, dict)]
        message = str(error.get("message") or reason)
        return CallFailed(status, message, error.get("code"), fields)
    if isinstance(error, str):  # the Open Inference Protocol's shape
        return CallFailed(status, error)
    return CallFailed(status, reason or f"HTTP {status}")  # a gateway's own page, say


def call_endpoint(endpoint: str, key: str | None, records: Any, timeout: float = 30.0) -> Any:
    """POST `records` (a dict, a list of dicts, a DataFrame) to `endpoint`/predict as JSON and
    return the predictions; CallFailed on a 4xx/5xx or when the endpoint does not answer."""
    __tracebackhide__ = True  # IPython: the error is the endpoint's answer, not these frames
    url = endpoint.rstrip("/") + "/predict"
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise CallFailed(None, f"not an http(s) endpoint: {endpoint!r}")
    try:
        body = orjson.dumps(_records(records), option=orjson.OPT_SERIALIZE_NUMPY)
    except TypeError as exc:
        raise TypeError(f"records must be JSON data (records of numbers, strings): {exc}") from None
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with _open(request, timeout) as answer:
            payload = answer.read()
    except urllib.error.HTTPError as exc:
        failure = _error(exc.code, str(exc.reason or ""), exc.read(_MAX_ERROR_BODY))
        if exc.code == 401 and not key:
            failure.message += " (no API key was found for this deployment)"
        raise failure from None
    except (OSError, ValueError) as exc:  # refused, timed out, reset
        reason = getattr(exc, "reason", exc)
        raise CallFailed(None, f"no answer from {endpoint}: {reason}") from None
    try:
        return json.loads(payload)
    except ValueError:
        raise CallFailed(200, f"the endpoint's answer is not JSON: {payload[:200]!r}") from None


def read_key(path: Any) -> str | None:
    """The API key in the file at `path`; None without one (the endpoint may be open)."""
    if not path:
        return None
    try:
        return Path(path).expanduser().read_text().strip() or None
    except OSError:
        return None
