"""Structured logs: one JSON object a line (time, level, logger, message, and the traceback when
there is one), which log collectors read without parsing rules."""

import json
import logging
from datetime import datetime, timezone
from typing import Any


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def log_config(level: str = "INFO") -> dict[str, Any]:
    """uvicorn's `log_config`: its loggers and the runtime's, all as JSON on stderr."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    logger = {"handlers": ["json"], "level": level, "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"json": handler},
        "loggers": {
            "uvicorn": logger,
            "uvicorn.error": {**logger, "handlers": [], "propagate": True},
            "uvicorn.access": logger,
            "jupyter_deploy.runtime": logger,
        },
    }
