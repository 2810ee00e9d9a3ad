"""The one clock every record is stamped with: UTC, ISO 8601, milliseconds."""

from datetime import datetime, timezone


def timestamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def now() -> str:
    return timestamp(datetime.now(timezone.utc))
