"""A deployment in numbers and words: its traffic measured from two metrics samples, and the
`DeploymentStatus` a notebook shows (plain text for a terminal, the HTML card from html.py)."""

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..deployments.ledger import LedgerFile
from ..deployments.metrics import MetricsSampler, window
from . import html

__all__ = ["DeploymentStatus", "Measured", "measure"]

EVENTS_SHOWN = 5


def _timestamp(value: Any) -> float | None:
    """Unix seconds from unix seconds or an ISO time (docker's nanoseconds and `Z` included)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, str) or not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    main, dot, rest = text.partition(".")
    if dot:  # Python 3.10 reads 3 or 6 digits of a second's fraction, docker writes 9
        digits = len(rest) - len(rest.lstrip("0123456789"))
        text = f"{main}.{(rest[:digits] + '000000')[:6]}{rest[digits:]}"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _live_since(deployment: Mapping[str, Any]) -> float | None:
    since = _timestamp(deployment.get("live_since"))
    if since is not None:
        return since
    # Without a record, the oldest replica's start is the nearest to the endpoint's.
    starts = [_timestamp(r.get("started_at")) for r in _replicas(deployment)]
    known = [s for s in starts if s is not None]
    return min(known) if known else None


def _replicas(deployment: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [r for r in deployment.get("replicas") or [] if isinstance(r, dict)]


@dataclass
class Measured:
    metrics: dict[str, Any] | None = None  # the later Metrics sample
    window: dict[str, Any] | None = None
    label: str = "no metrics"


def measure(
    deployment: Mapping[str, Any],
    seconds: float = 1.0,
    sampler: MetricsSampler | None = None,
    ledger: LedgerFile | None = None,
) -> Measured:
    """Two metrics samples of the deployment's replicas `seconds` apart. When no request came in
    between, the totals since the replicas started stand in, and the label says so. `ledger`:
    the deployment's (its totals then count replaced and restarted replicas too)."""
    replicas = [r for r in _replicas(deployment) if r.get("address")]
    listed = [(str(r.get("id")), str(r["address"]), r.get("version")) for r in replicas]
    if not listed:
        return Measured(label="no replicas")
    restarts = {
        str(r.get("id")): r["restarts"] for r in replicas if isinstance(r.get("restarts"), int)
    }
    sampler = sampler or MetricsSampler(share_history=False)
    name = str(deployment.get("name") or "deployment")
    first = sampler.sample(name, listed, restarts, ledger)
    if not first["replicas"]:
        return Measured(label="no replica answered")
    time.sleep(seconds)
    later = sampler.sample(name, listed, restarts, ledger)
    recent = window(first, later)
    if recent["p50"] is not None:
        return Measured(later, recent, f"last {_number(seconds)} s")
    start = _live_since(deployment)
    zero = {"at": start if start is not None else later["at"], "requests": 0, "errors": 0}
    since = window(zero, later)
    if start is None:
        since["request_rate"] = None  # unknown start: no honest rate
    return Measured(later, since, "since start")


@dataclass
class DeploymentStatus:
    """A deployment as rich output; `.data` is the Deployment dict (the REST API's shape)."""

    data: dict[str, Any]
    metrics: dict[str, Any] | None = None
    window: dict[str, Any] | None = None
    window_label: str = "no metrics"
    now: float = field(default_factory=time.time)

    def _rows(self) -> list[tuple[str, str]]:
        d = self.data
        version = str(d.get("version") or "—")
        if d.get("previous_version"):
            version += f" (previous {d['previous_version']})"
        started = _live_since(d) if d.get("status") == "running" else None
        replicas = _replicas(d)
        wanted = d.get("replica_count")
        ready = sum(1 for r in replicas if r.get("state") == "ready")
        count = f"{ready} ready of {len(replicas)}" + (
            f" ({wanted} wanted)" if wanted is not None and wanted != len(replicas) else ""
        )
        return [
            ("Endpoint", str(d.get("endpoint") or "—")),
            ("Version", version),
            ("Target", str(d.get("target") or "—")),
            ("Replicas", count),
            ("Uptime", _duration(self.now - started) if started is not None else "—"),
        ]

    def _stats(self) -> list[tuple[str, str]]:
        w = self.window
        if w is None:
            return []
        rate = w.get("request_rate")
        return [
            ("requests", "—" if rate is None else f"{_number(rate)}/s"),
            ("errors", f"{_number(100 * float(w.get('error_rate') or 0))} %"),
            ("p50", _latency(w.get("p50"))),
            ("p99", _latency(w.get("p99"))),
        ]

    def _totals(self) -> str:
        m = self.metrics
        if not m:
            return ""
        return (
            f"{m.get('requests', 0):,} requests, {m.get('errors', 0):,} errors,"
            f" {m.get('rejected', 0):,} rejected, {m.get('predictions', 0):,} predictions"
            f" since start; {m.get('in_flight', 0)} in flight"
        )

    def _events(self) -> list[tuple[str, str, str, str, str]]:
        """(time, by, action, version, outcome) of the newest events, newest first."""
        events = [e for e in self.data.get("events") or [] if isinstance(e, dict)]
        events.sort(key=lambda e: str(e.get("at") or ""), reverse=True)
        return [
            (
                _when(e.get("at")),
                str(e.get("by") or "—"),
                str(e.get("action") or "—"),
                str(e.get("version") or "—"),
                str(e.get("outcome") or "—"),
            )
            for e in events[:EVENTS_SHOWN]
        ]

    def __repr__(self) -> str:
        d = self.data
        lines = [f"{d.get('name', '?')}  {d.get('status', '?')}"]
        lines += [f"  {label}: {value}" for label, value in self._rows()]
        stats = self._stats()
        if stats:
            joined = " · ".join(f"{k} {v}" for k, v in stats)
            lines.append(f"  Traffic ({self.window_label}): {joined}")
        else:
            lines.append(f"  Traffic: {self.window_label}")
        if self._totals():
            lines.append(f"  {self._totals()}")
        for r in _replicas(d):
            lines.append(
                f"  replica {r.get('id', '?')}  {r.get('version') or '—'}  {r.get('state', '?')}"
                f"  restarts {r.get('restarts', 0)}"
            )
        lines += ["  " + "  ".join(event) for event in self._events()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        d = self.data
        replicas = [
            (
                str(r.get("id", "?")),
                str(r.get("version") or "—"),
                str(r.get("state") or "?"),
                str(r.get("restarts", 0)),
                _age(self.now, r.get("started_at")),
            )
            for r in _replicas(d)
        ]
        return html.card(
            name=str(d.get("name") or "?"),
            state=str(d.get("status") or "unknown"),
            facts=self._rows(),
            window_label=self.window_label,
            stats=self._stats(),
            totals=self._totals(),
            replicas=replicas,
            events=self._events(),
        )


def _number(value: float) -> str:
    value = float(value)
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) >= 0.01 else f"{value:.2g}"


def _latency(seconds: Any) -> str:
    if seconds is None or not isinstance(seconds, (int, float)) or math.isnan(seconds):
        return "—"
    if seconds < 0.001:
        return f"{_number(seconds * 1e6)} µs"
    if seconds < 1:
        return f"{_number(seconds * 1e3)} ms"
    return f"{_number(seconds)} s"


def _duration(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


def _age(now: float, value: Any) -> str:
    moment = _timestamp(value)
    return "—" if moment is None else f"{_duration(now - moment)} ago"


def _when(value: Any) -> str:
    moment = _timestamp(value)
    if moment is None:
        return str(value or "—")
    return datetime.fromtimestamp(moment).strftime("%Y-%m-%d %H:%M:%S")
