"""A deployment's metrics, read from its replicas' `/metrics` (the runtime's Prometheus text) and
added up into the contract's Metrics shape; rates and latency quantiles over a window come from
two such samples.

Totals never go down: a replica that restarts begins its counters again at zero, and one that an
update replaces disappears with its counts. The sampler remembers each replica's last values so
that what it had counted stays in the totals either way."""

import math
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..runtime.metrics import BUCKETS

SERVED_ROUTES = ("predict", "v2_infer")
_LABEL = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"')
_UNESCAPE = re.compile(r"\\(.)")
_MAX_SCRAPE_BYTES = 4 * 1024 * 1024
# Replicas listen on loopback: a proxy from the environment must not stand between.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Snapshot:
    """What one replica's `/metrics` said, restricted to the served routes."""

    requests: float = 0.0
    errors: float = 0.0  # 5xx
    rejected: float = 0.0  # 4xx
    predictions: float = 0.0
    in_flight: float = 0.0
    # Cumulative count at each upper bound (seconds); math.inf is the last key.
    buckets: dict[float, float] = field(default_factory=dict)
    latency_sum: float = 0.0
    latency_count: float = 0.0
    version: str | None = None

    def counters(self) -> tuple[float, ...]:
        return (self.requests, self.predictions, self.latency_count)


def _labels(text: str) -> dict[str, str]:
    return {
        key: _UNESCAPE.sub(lambda m: "\n" if m.group(1) == "n" else m.group(1), value)
        for key, value in _LABEL.findall(text)
    }


def _samples(text: str) -> Iterable[tuple[str, dict[str, str], float]]:
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if "{" in line:
            name, _, rest = line.partition("{")
            labels, _, value = rest.rpartition("}")
        else:
            name, _, value = line.partition(" ")
            labels = ""
        try:
            number = float(value.split()[0])
        except (ValueError, IndexError):
            continue  # a line this parser does not know; the rest still counts
        yield name.strip(), _labels(labels), number


def _bound(text: str) -> float:
    return math.inf if text in ("+Inf", "Inf", "inf") else float(text)


def parse(text: str) -> Snapshot:
    """The served routes' counts in one replica's Prometheus text."""
    snap = Snapshot()
    for name, labels, value in _samples(text):
        route = labels.get("route")
        if name == "jupyter_deploy_requests_total" and route in SERVED_ROUTES:
            snap.requests += value
            status = labels.get("status", "")
            if status.startswith("5"):
                snap.errors += value
            elif status.startswith("4"):
                snap.rejected += value
        elif name == "jupyter_deploy_request_seconds_bucket" and route in SERVED_ROUTES:
            try:
                bound = _bound(labels.get("le", ""))
            except ValueError:
                continue
            snap.buckets[bound] = snap.buckets.get(bound, 0.0) + value
        elif name == "jupyter_deploy_request_seconds_sum" and route in SERVED_ROUTES:
            snap.latency_sum += value
        elif name == "jupyter_deploy_request_seconds_count" and route in SERVED_ROUTES:
            snap.latency_count += value
        elif name == "jupyter_deploy_predictions_total":
            snap.predictions += value
        elif name == "jupyter_deploy_requests_in_flight":
            snap.in_flight += value
        elif name == "jupyter_deploy_model_info":
            snap.version = _version(labels)
    return snap


def _version(info: Mapping[str, str]) -> str | None:
    if info.get("tag"):
        return info["tag"]
    model, version = info.get("model", ""), info.get("version", "")
    if model and version:
        return f"{model}@{version}"
    return version or None


def _url(address: str) -> str:
    base = address if "://" in address else f"http://{address}"
    return base.rstrip("/") + "/metrics"


def scrape_one(address: str, timeout: float = 2.0) -> Snapshot | None:
    """One replica's snapshot, or None when it does not answer (restarting, stopped, busy)."""
    try:
        with _OPENER.open(_url(address), timeout=timeout) as answer:
            if answer.status != 200:
                return None
            text = answer.read(_MAX_SCRAPE_BYTES).decode("utf-8", "replace")
    except (OSError, ValueError):  # URLError, timeouts and refused connections are OSErrors
        return None
    return parse(text)


def scrape(addresses: Iterable[str], timeout: float = 2.0) -> dict[str, Snapshot]:
    """The snapshots of the replicas that answered, by address; scraped concurrently so that one
    slow replica costs one timeout, not one per replica."""
    wanted = list(dict.fromkeys(addresses))
    if not wanted:
        return {}
    with ThreadPoolExecutor(max_workers=min(len(wanted), 16)) as pool:
        found = pool.map(lambda a: scrape_one(a, timeout), wanted)
        return {a: s for a, s in zip(wanted, found, strict=True) if s is not None}


@dataclass
class _Totals:
    requests: float = 0.0
    errors: float = 0.0
    rejected: float = 0.0
    predictions: float = 0.0
    buckets: dict[float, float] = field(default_factory=dict)
    latency_sum: float = 0.0
    latency_count: float = 0.0
    by_version: dict[str, float] = field(default_factory=dict)

    def add(self, snap: Snapshot, version: str | None) -> None:
        self.merge(
            _Totals(
                snap.requests, snap.errors, snap.rejected, snap.predictions, snap.buckets,
                snap.latency_sum, snap.latency_count, {version: snap.requests} if version else {},
            )
        )  # fmt: skip

    def merge(self, other: "_Totals") -> None:
        self.requests += other.requests
        self.errors += other.errors
        self.rejected += other.rejected
        self.predictions += other.predictions
        for bound, count in other.buckets.items():
            self.buckets[bound] = self.buckets.get(bound, 0.0) + count
        self.latency_sum += other.latency_sum
        self.latency_count += other.latency_count
        for version, count in other.by_version.items():
            self.by_version[version] = self.by_version.get(version, 0.0) + count


@dataclass
class _Seen:
    snapshot: Snapshot
    version: str | None
    restarts: int | None


@dataclass
class _State:
    lock: threading.Lock = field(default_factory=threading.Lock)
    retired: _Totals = field(default_factory=_Totals)
    last: dict[str, _Seen] = field(default_factory=dict)


def _is_reset(before: _Seen, now: Snapshot, restarts: int | None) -> bool:
    if before.restarts is not None and restarts is not None and restarts != before.restarts:
        return True
    return any(n < b for n, b in zip(now.counters(), before.snapshot.counters(), strict=True))


class MetricsSampler:
    """Per deployment, the last values of each replica, so totals survive restarts and updates.

    Replica ids must be stable for a replica's life (the target's id)."""

    def __init__(self, timeout: float = 2.0) -> None:
        self.timeout = timeout
        self._lock = threading.Lock()
        self._states: dict[str, _State] = {}

    def forget(self, deployment: str) -> None:
        with self._lock:
            self._states.pop(deployment, None)

    def sample(
        self,
        deployment: str,
        replicas: Iterable[tuple[str, str, str | None]],
        restarts: Mapping[str, int] | None = None,
    ) -> dict[str, Any]:
        """Scrape `replicas` ((id, address, version) each) and return the deployment's Metrics.
        `restarts` (replica id → restart count, as the target reports it) catches a replica that
        restarted and counted past its old values between two samples."""
        listed = list(replicas)
        with self._lock:
            state = self._states.setdefault(deployment, _State())
        # One sample of a deployment at a time: two interleaved ones could apply an older scrape
        # after a newer one, which would read as a reset and count twice.
        with state.lock:
            found = scrape((address for _, address, _ in listed), self.timeout)
            return self._apply(state, listed, found, restarts or {})

    def apply(
        self,
        deployment: str,
        replicas: Iterable[tuple[str, Snapshot | None, str | None]],
        restarts: Mapping[str, int] | None = None,
    ) -> dict[str, Any]:
        """As `sample`, with the snapshots already at hand ((id, snapshot or None, version))."""
        listed = [(rid, rid, version) for rid, _, version in replicas]
        snaps = {rid: snap for rid, snap, _ in replicas if snap is not None}
        with self._lock:
            state = self._states.setdefault(deployment, _State())
        with state.lock:
            return self._apply(state, listed, snaps, restarts or {})

    def _apply(
        self,
        state: _State,
        listed: list[tuple[str, str, str | None]],
        found: Mapping[str, Snapshot],
        restarts: Mapping[str, int],
    ) -> dict[str, Any]:
        present = {rid for rid, _, _ in listed}
        for rid in [r for r in state.last if r not in present]:
            gone = state.last.pop(rid)  # replaced by an update, or scaled away
            state.retired.add(gone.snapshot, gone.version)
        scraped = 0
        in_flight = 0.0
        for rid, address, version in listed:
            snap = found.get(address)
            if snap is None:
                continue  # keeps its last values until it answers again or is gone
            scraped += 1
            # Each replica counts the scrape it is answering as in flight: it is not traffic.
            in_flight += max(snap.in_flight - 1, 0)
            count = restarts.get(rid)
            before = state.last.get(rid)
            if before is not None and _is_reset(before, snap, count):
                state.retired.add(before.snapshot, before.version)
            state.last[rid] = _Seen(snap, version or snap.version, count)
        totals = _Totals()
        totals.merge(state.retired)
        for seen in state.last.values():
            totals.add(seen.snapshot, seen.version)
        return _metrics(totals, scraped, in_flight)


def _metrics(totals: _Totals, scraped: int, in_flight: float) -> dict[str, Any]:
    finite = sorted(b for b in totals.buckets if not math.isinf(b)) or list(BUCKETS)
    counts = [round(totals.buckets.get(b, 0.0)) for b in finite]
    counts.append(round(totals.buckets.get(math.inf, totals.latency_count)))
    for i in range(1, len(counts)):  # stays cumulative should replicas disagree on bounds
        counts[i] = max(counts[i], counts[i - 1])
    return {
        "at": round(time.time(), 3),
        "replicas": scraped,
        "requests": round(totals.requests),
        "errors": round(totals.errors),
        "rejected": round(totals.rejected),
        "predictions": round(totals.predictions),
        "in_flight": max(round(in_flight), 0),
        "latency": {
            "bounds": finite,
            "counts": counts,
            "sum": totals.latency_sum,
            "count": round(totals.latency_count),
        },
        "by_version": {v: round(n) for v, n in sorted(totals.by_version.items())},
    }


def quantile(q: float, bounds: list[float], counts: list[float]) -> float | None:
    """Prometheus' `histogram_quantile`: `counts` cumulative at each bound, +Inf last; linear
    within the bucket the rank falls in; the largest finite bound when it falls in +Inf. None
    when the histogram is empty."""
    if not counts or counts[-1] <= 0:
        return None
    if len(counts) != len(bounds) + 1:
        raise ValueError("counts must hold one more value (+Inf) than bounds")
    if q < 0:
        return -math.inf
    if q > 1:
        return math.inf
    rank = q * counts[-1]
    # The first bucket whose cumulative count reaches the rank (Prometheus searches the finite
    # ones; none found means the +Inf bucket).
    index = next((i for i, c in enumerate(counts[:-1]) if c >= rank), len(bounds))
    if index == len(bounds):
        return bounds[-1] if bounds else None
    end = bounds[index]
    if index == 0:
        if end <= 0:
            return end
        start, below = 0.0, 0.0
    else:
        start, below = bounds[index - 1], counts[index - 1]
    inside = counts[index] - below
    if inside <= 0:  # only for q = 0 over an empty first bucket (Prometheus: NaN)
        return start
    return start + (end - start) * (rank - below) / inside


def window(earlier: Mapping[str, Any], later: Mapping[str, Any]) -> dict[str, Any]:
    """Rates and latency quantiles between two Metrics samples of one deployment. A total that
    went down means the totals began again (a new sampler, say): `later` alone counts then."""
    seconds = float(later.get("at", 0)) - float(earlier.get("at", 0))
    before, after = earlier.get("latency") or {}, later.get("latency") or {}
    reset = (
        later.get("requests", 0) < earlier.get("requests", 0)
        or after.get("count", 0) < before.get("count", 0)
        or list(after.get("bounds", [])) != list(before.get("bounds", []))
        or len(after.get("counts", [])) != len(before.get("counts", []))
    )
    base_requests = 0 if reset else earlier.get("requests", 0)
    base_errors = 0 if reset else earlier.get("errors", 0)
    requests = later.get("requests", 0) - base_requests
    errors = later.get("errors", 0) - base_errors
    after_counts = list(after.get("counts", []))
    base_counts = [0] * len(after_counts) if reset else list(before.get("counts", []))
    counts = [a - b for a, b in zip(after_counts, base_counts, strict=True)]
    bounds = [float(b) for b in after.get("bounds", [])]
    return {
        "seconds": seconds,
        "request_rate": requests / seconds if seconds > 0 else 0.0,
        "error_rate": errors / requests if requests > 0 else 0.0,
        "p50": quantile(0.5, bounds, counts) if counts else None,
        "p99": quantile(0.99, bounds, counts) if counts else None,
    }
