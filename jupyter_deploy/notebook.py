"""In a notebook: `jupyter_deploy.status("name")` shows a deployment as rich output (endpoint,
version, replicas, uptime, traffic, latency, recent events) and `jupyter_deploy.call("name",
records)` asks its endpoint for predictions with the user's key.

The network parts take the endpoint and key explicitly (`call_endpoint`, `measure`); `status` and
`call` only find the deployment, so they stay thin over the deployments service."""

import html
import json
import math
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson

from .config import CONFIG_FILE_NAME, find_project, load_config
from .deployments.ledger import LedgerFile
from .deployments.metrics import MetricsSampler, window
from .errors import NotFound

__all__ = ["CallFailed", "DeploymentStatus", "call", "call_endpoint", "measure", "status"]

EVENTS_SHOWN = 5
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


# ------------------------------------------------------------------------------------ call


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


def _read_key(path: Any) -> str | None:
    if not path:
        return None
    try:
        return Path(path).expanduser().read_text().strip() or None
    except OSError:
        return None


# ---------------------------------------------------------------------------------- status


def _project_dir(project: str | Path | None) -> Path:
    if project is not None:
        return Path(project).expanduser().resolve()
    found = find_project(Path.cwd())
    if found is None:
        raise NotFound(
            f"no {CONFIG_FILE_NAME} in {Path.cwd()} or above: pass project='path/to/project'"
        )
    return found


def _lookup(name: str | None, project: str | Path | None) -> dict[str, Any]:
    """The Deployment dict, from the deployments service (imported here: it brings the store,
    the targets and the docker SDK, which `call_endpoint` never needs)."""
    from .deployments.service import Deployments

    project_dir = _project_dir(project)
    name = name or load_config(project_dir).model
    deployments = Deployments(project_dir)
    try:
        return dict(deployments.status(name))
    finally:
        store = getattr(deployments, "store", None)
        if store is not None and hasattr(store, "close"):
            store.close()


def _ledger(deployment: Mapping[str, Any], project: str | Path | None) -> LedgerFile | None:
    """The deployment's totals as the server keeps them (replaced and restarted replicas
    included); None without its project folder: the replicas' own counts stand in then."""
    from .deployments.service import ledger_file

    name = deployment.get("name")
    try:
        project_dir = _project_dir(project)
    except NotFound:
        return None
    return ledger_file(project_dir, name) if isinstance(name, str) and name else None


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

    def _events(self) -> list[dict[str, Any]]:
        events = [e for e in self.data.get("events") or [] if isinstance(e, dict)]
        events.sort(key=lambda e: str(e.get("at") or ""), reverse=True)  # newest first
        return events[:EVENTS_SHOWN]

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
        for e in self._events():
            lines.append(
                f"  {_when(e.get('at'))}  {e.get('by') or '—'}  {e.get('action') or '—'}"
                f"  {e.get('version') or '—'}  {e.get('outcome') or '—'}"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        d = self.data
        state = str(d.get("status") or "unknown")
        head = (
            f'<div style="{_HEAD}"><span style="font-size:1.15em;font-weight:600">'
            f"{_e(d.get('name') or '?')}</span>{_badge(state)}</div>"
        )
        facts = "".join(
            f'<tr style="{_ROW}"><th style="{_TH}">{_e(label)}</th><td style="{_TD}">'
            + (f'<code style="{_CODE}">{_e(value)}</code>' if label == "Endpoint" else _e(value))
            + "</td></tr>"
            for label, value in self._rows()
        )
        parts = [head, f'<table style="{_TABLE}">{facts}</table>', self._traffic_html()]
        parts.append(self._replicas_html())
        parts.append(self._events_html())
        return f'<div style="{_CARD}">{"".join(parts)}</div>'

    def _traffic_html(self) -> str:
        stats = self._stats()
        title = f"Traffic <span style='{_MUTED}'>({_e(self.window_label)})</span>"
        if not stats:
            return f'<div style="{_SECTION}">{title}</div>'
        blocks = "".join(
            f'<div style="{_STAT}"><div style="{_MUTED}">{_e(k)}</div>'
            f'<div style="font-size:1.3em;font-weight:600">{_e(v)}</div></div>'
            for k, v in stats
        )
        totals = f'<div style="{_MUTED}">{_e(self._totals())}</div>' if self._totals() else ""
        return (
            f'<div style="{_SECTION}">{title}</div>'
            f'<div style="display:flex;gap:8px;flex-wrap:wrap">{blocks}</div>{totals}'
        )

    def _replicas_html(self) -> str:
        replicas = _replicas(self.data)
        if not replicas:
            return f'<div style="{_SECTION}">Replicas <span style="{_MUTED}">(none)</span></div>'
        rows = "".join(
            _TR
            + _cells(
                f'<code style="{_CODE}">{_e(r.get("id", "?"))}</code>',
                _e(r.get("version") or "—"),
                _colored(str(r.get("state") or "?")),
                _e(r.get("restarts", 0)),
                _e(_age(self.now, r.get("started_at"))),
            )
            + "</tr>"
            for r in replicas
        )
        header = _header("replica", "version", "state", "restarts", "started")
        return _section("Replicas", header + rows)

    def _events_html(self) -> str:
        events = self._events()
        if not events:
            return f'<div style="{_SECTION}">Events <span style="{_MUTED}">(none)</span></div>'
        rows = "".join(
            _TR
            + _cells(
                _e(_when(e.get("at"))),
                _e(e.get("by") or "—"),
                _e(e.get("action") or "—"),
                _e(e.get("version") or "—"),
                _colored(str(e.get("outcome") or "—")),
            )
            + "</tr>"
            for e in events
        )
        header = _header("time", "by", "action", "version", "outcome")
        title = f'Recent events <span style="{_MUTED}">(newest first)</span>'
        return _section(title, header + rows)


# JupyterLab's own variables, so the card follows the light and dark themes; the fallbacks
# serve other front ends (a plain notebook viewer, a static HTML export).
_FG = "var(--jp-ui-font-color1, inherit)"
_MUTED = "color:var(--jp-ui-font-color2, #888);font-weight:normal"
_CARD = (
    f"font-family:var(--jp-ui-font-family, sans-serif);font-size:var(--jp-ui-font-size1, 13px);"
    f"color:{_FG};background:var(--jp-layout-color1, transparent);"
    "border:1px solid var(--jp-border-color2, #8884);border-radius:4px;padding:8px 12px;"
    "max-width:56em"
)
_HEAD = "display:flex;align-items:center;gap:8px;margin-bottom:4px"
_SECTION = "font-weight:600;margin:10px 0 4px"
# Rendered HTML tables are centred, fixed and right-aligned by JupyterLab: undo that here.
_TABLE = "margin:0;border-collapse:collapse;table-layout:auto;border:none;width:auto"
_ROW = "background:transparent"  # not JupyterLab's zebra rows, which a dark theme overdoes
_TR = f'<tr style="{_ROW}">'
_TH = f"text-align:left;padding:2px 16px 2px 0;border:none;{_MUTED}"
_TD = f"text-align:left;padding:2px 16px 2px 0;border:none;color:{_FG}"
_CODE = (
    "font-family:var(--jp-code-font-family, monospace);font-size:0.95em;"
    "background:var(--jp-layout-color2, #8882);padding:0 3px;border-radius:2px"
)
_STAT = (
    "border:1px solid var(--jp-border-color2, #8884);border-radius:4px;padding:4px 10px;"
    "min-width:6em"
)
_COLORS = {
    "running": "var(--jp-success-color1, #388e3c)",
    "ready": "var(--jp-success-color1, #388e3c)",
    "succeeded": "var(--jp-success-color1, #388e3c)",
    "deploying": "var(--jp-warn-color1, #f57c00)",
    "starting": "var(--jp-warn-color1, #f57c00)",
    "restarting": "var(--jp-warn-color1, #f57c00)",
    "failed": "var(--jp-error-color1, #d32f2f)",
    "unhealthy": "var(--jp-error-color1, #d32f2f)",
    "exited": "var(--jp-error-color1, #d32f2f)",
}


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _color(word: str) -> str:
    return _COLORS.get(word, "var(--jp-ui-font-color2, #888)")


def _badge(word: str) -> str:
    color = _color(word)
    return (
        f'<span style="color:{color};border:1px solid {color};border-radius:10px;'
        f'padding:0 8px;font-size:0.9em">{_e(word)}</span>'
    )


def _colored(word: str) -> str:
    return f'<span style="color:{_color(word)};font-weight:600">{_e(word)}</span>'


def _cells(*values: str) -> str:
    return "".join(f'<td style="{_TD}">{v}</td>' for v in values)


def _section(title: str, rows: str) -> str:
    return f'<div style="{_SECTION}">{title}</div><table style="{_TABLE}">{rows}</table>'


def _header(*names: str) -> str:
    return _TR + "".join(f'<th style="{_TH}">{_e(n)}</th>' for n in names) + "</tr>"


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


# ------------------------------------------------------------------------- the entry points


def status(name: str | None = None, project: str | Path | None = None) -> DeploymentStatus:
    """The deployment `name` (default: the project's model) of `project` (default: the nearest
    folder at or above the working directory holding jupyter-deploy.yaml), with its traffic
    measured over about a second."""
    deployment = _lookup(name, project)
    if deployment.get("status") == "running":
        found = measure(deployment, ledger=_ledger(deployment, project))
    else:
        found = Measured()
    if deployment.get("status") != "running":
        found.label = f"not running ({deployment.get('status') or 'unknown'})"
    return DeploymentStatus(deployment, found.metrics, found.window, found.label)


def call(
    name: str | None = None,
    records: Any = None,
    project: str | Path | None = None,
    timeout: float = 30.0,
) -> Any:
    """Predictions of the deployment `name` for `records` (a dict, a list of dicts or a
    DataFrame), sent with this user's key; CallFailed names what the endpoint refused."""
    __tracebackhide__ = True
    if records is None:
        raise TypeError("call(name, records): give a record (dict), a list of them or a DataFrame")
    deployment = _lookup(name, project)
    endpoint = deployment.get("endpoint")
    if not endpoint:
        state = deployment.get("status") or "unknown"
        raise CallFailed(None, f"{deployment.get('name', name)} has no endpoint ({state})")
    key = _read_key(deployment.get("api_key_file"))
    return call_endpoint(str(endpoint), key, records, timeout)
