"""The one place where domain errors become HTTP status codes."""

from tornado.web import HTTPError

from ..errors import (
    Conflict,
    DeployError,
    Forbidden,
    InvalidInput,
    NotFound,
    StoreError,
    Unavailable,
)

_STATUS: tuple[tuple[type[DeployError], int], ...] = (
    (InvalidInput, 400),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (StoreError, 500),
    (Unavailable, 503),
)

_REASON_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    500: "internal_error",
    503: "unavailable",
}


def status_for(exc: BaseException) -> tuple[int, str, str]:
    """(status, code, message) for any exception; unknown ones never leak their text."""
    if isinstance(exc, DeployError):
        for cls, status in _STATUS:
            if isinstance(exc, cls):
                return status, exc.code, exc.message
        return 500, exc.code, exc.message
    if isinstance(exc, HTTPError):
        code = _REASON_CODES.get(exc.status_code, "http_error")
        message = exc.log_message % exc.args if exc.log_message and exc.args else exc.log_message
        return exc.status_code, code, message or exc.reason or f"HTTP {exc.status_code}"
    return 500, "internal_error", "internal server error; the server log has the details"
