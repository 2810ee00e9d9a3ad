"""Domain errors shared by the core, the CLI and the server.

The core raises these; the server maps them to HTTP status codes in one place
(`server/errors.py`) and the CLI to exit codes, so no caller builds its own ladder.
"""


class DeployError(Exception):
    """Base class: a problem the caller can understand and act on."""

    code = "deploy_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DeployError):
    """The caller sent something malformed (bad path, bad parameter, bad config)."""

    code = "invalid_input"


class NotFound(DeployError):
    code = "not_found"


class Forbidden(DeployError):
    """The request names something outside what the caller may touch (e.g. outside the root)."""

    code = "forbidden"


class Conflict(DeployError):
    code = "conflict"


class Unavailable(DeployError):
    """Something the request needs (a Docker engine, say) is not reachable right now."""

    code = "unavailable"


class ConfigError(InvalidInput):
    """The project config file is missing, unparsable or invalid; `field` names where."""

    code = "invalid_config"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field


class StoreError(DeployError):
    """The state database cannot be opened or migrated."""

    code = "store_error"
