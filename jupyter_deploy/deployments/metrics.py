"""A deployment's metrics, read from its replicas' `/metrics` (the runtime's Prometheus text) and
added up into the contract's Metrics shape; rates and latency quantiles over a window come from
two such samples.

Totals never go down and lose nothing: what each replica counted is kept in the deployment's
ledger (ledger.py) through its restarts and after an update replaced it."""

import math
import re
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from ..runtime.metrics import BUCKETS
from .ledger import Ledger, LedgerFile, Recorded, Snapshot, Totals

__all__ = [
    "MetricsSampler", "Snapshot", "final_scrape", "parse", "quantile", "retire", "scrape",
    "scrape_one", "window",
]  # fmt: skip

SERVED_ROUTES = ("predict", "v2_infer")
_LABEL = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"')
_UNESCAPE = re.compile(r"\\(.)")
_MAX_SCRAPE_BYTES = 4 * 1024 * 1024
# Replicas listen on loopback: a proxy from the environment must not stand between.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
HISTORY_POINTS = 200
HISTORY_SPACING_S = 1.5  # at most one point this often, however many panels ask
HISTORY_GAP_S = 60.0  # a longer silence (nobody looking) starts afresh
HISTORY_SAVE_S = 10.0


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
        if not math.isfinite(number):
            continue  # no count of ours is; one would poison every total it joins
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


def final_scrape(address: str, timeout_s: float) -> Snapshot | None:
    """A replica's values once nothing but this scrape is in flight on it (the gateway sends it
    no more requests and those it had are answered), or as they are after `timeout_s`; None if
    it does not answer. A request is counted only after its answer is sent, so the in-flight
    gauge, not the client's answer, says when the counts are complete."""
    deadline = time.monotonic() + timeout_s
    while True:
        snap = scrape_one(address, timeout=min(2.0, max(timeout_s, 0.1)))
        if snap is None or snap.in_flight <= 1 or time.monotonic() >= deadline:
            return snap
        time.sleep(0.02)


def retire(
    ledger: LedgerFile,
    replica_id: str,
    address: str,
    version: str | None,
    restarts: int | None,
    timeout_s: float,
) -> Snapshot | None:
    """Fold a replica's final values into the deployment's ledger: called once no request can
    reach it any more, before it stops. One that does not answer keeps the values last seen."""
    snap = final_scrape(address, timeout_s)
    with ledger.changing() as recorded:
        if snap is not None:
            recorded.ledger.observe(replica_id, snap, version or snap.version, restarts)
        recorded.ledger.retire(replica_id)
    return snap


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
class _State:
    lock: threading.Lock = field(default_factory=threading.Lock)
    ledger: Ledger = field(default_factory=Ledger)  # when no file keeps it
    history: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=HISTORY_POINTS))
    baseline: dict[str, Any] | None = None  # the sample the next point's window starts at
    seeded: bool = False
    saved_at: float = -math.inf


class MetricsSampler:
    """Per deployment, the totals of its replicas (kept in its ledger: see ledger.py) and the
    recent history of its traffic: one point (request rate, error rate, p50, p99) per window
    between two samples, whoever asked for them, so a panel opened later shows what came before.

    Replica ids must be stable for a replica's life (the target's id)."""

    def __init__(
        self,
        timeout: float = 2.0,
        clock: Callable[[], float] = time.time,
        share_history: bool = True,
    ) -> None:
        """`share_history`: write the history into the ledger file, for the next server (a
        notebook's one-off measure keeps its own)."""
        self.timeout = timeout
        self.clock = clock
        self.share_history = share_history
        self._lock = threading.Lock()
        self._states: dict[str, _State] = {}

    def forget(self, deployment: str) -> None:
        with self._lock:
            self._states.pop(deployment, None)

    def history(self, deployment: str) -> list[dict[str, Any]]:
        with self._lock:
            state = self._states.get(deployment)
        if state is None:
            return []
        with state.lock:  # a sample appends under it
            return list(state.history)

    def sample(
        self,
        deployment: str,
        replicas: Iterable[tuple[str, str, str | None]],
        restarts: Mapping[str, int] | None = None,
        ledger: LedgerFile | None = None,
    ) -> dict[str, Any]:
        """Scrape `replicas` ((id, address, version) each) and return the deployment's Metrics
        with its `history`. `restarts` (replica id → restart count, as the target reports it)
        tells a replica's lives apart; `ledger` keeps the totals (in memory when None)."""
        listed = list(replicas)
        state = self._state(deployment)
        # One sample of a deployment at a time in this process: two interleaved ones would
        # apply an older scrape after a newer one (the ledger copes, but history would not).
        with state.lock:
            found = scrape((address for _, address, _ in listed), self.timeout)
            return self._apply(state, listed, found, restarts or {}, ledger)

    def apply(
        self,
        deployment: str,
        replicas: Iterable[tuple[str, Snapshot | None, str | None]],
        restarts: Mapping[str, int] | None = None,
        ledger: LedgerFile | None = None,
    ) -> dict[str, Any]:
        """As `sample`, with the snapshots already at hand ((id, snapshot or None, version))."""
        replicas = list(replicas)
        listed = [(rid, rid, version) for rid, _, version in replicas]
        snaps = {rid: snap for rid, snap, _ in replicas if snap is not None}
        state = self._state(deployment)
        with state.lock:
            return self._apply(state, listed, snaps, restarts or {}, ledger)

    def _state(self, deployment: str) -> _State:
        with self._lock:
            return self._states.setdefault(deployment, _State())

    def _apply(
        self,
        state: _State,
        listed: list[tuple[str, str, str | None]],
        found: Mapping[str, Snapshot],
        restarts: Mapping[str, int],
        ledger: LedgerFile | None,
    ) -> dict[str, Any]:
        held = ledger.changing() if ledger is not None else nullcontext(Recorded(state.ledger, []))
        with held as recorded:
            if ledger is not None and not state.seeded:
                state.history.extend(recorded.history)  # what an earlier server saw
            state.seeded = True
            scraped, in_flight, changed = 0, 0.0, False
            for rid, address, version in listed:
                snap = found.get(address)
                if snap is None:
                    continue  # keeps its last values until it answers again or is retired
                scraped += 1
                # Each replica counts the scrape it is answering as in flight: it is not traffic.
                in_flight += max(snap.in_flight - 1, 0)
                seen = recorded.ledger.observe(
                    rid, snap, version or snap.version, restarts.get(rid)
                )
                changed = seen or changed
            metrics = _metrics(recorded.ledger.totals(), scraped, in_flight, self.clock())
            added = self._add_point(state, metrics)
            # The history rides along when the file is written anyway, else every so often.
            due = added and metrics["at"] - state.saved_at >= HISTORY_SAVE_S
            if ledger is not None and self.share_history and (changed or due):
                recorded.history = list(state.history)
                state.saved_at = metrics["at"]
        metrics["history"] = list(state.history)
        return metrics

    def _add_point(self, state: _State, metrics: dict[str, Any]) -> bool:
        base, at = state.baseline, float(metrics["at"])
        gap = at - float(base["at"]) if base is not None else math.inf
        if 0 <= gap < HISTORY_SPACING_S:
            return False  # too soon: the next window starts where this one did
        state.baseline = metrics
        if gap > HISTORY_GAP_S or gap < 0:
            return False  # nobody looked for a while: no point averages the silence
        span = window(base or metrics, metrics)
        state.history.append(
            {
                "at": at,
                "request_rate": round(span["request_rate"], 6),
                "error_rate": round(span["error_rate"], 6) if span["requests"] else None,
                "p50": span["p50"],
                "p99": span["p99"],
            }
        )
        return True


def _metrics(totals: Totals, scraped: int, in_flight: float, at: float) -> dict[str, Any]:
    finite = sorted(b for b in totals.buckets if not math.isinf(b)) or list(BUCKETS)
    counts = [round(totals.buckets.get(b, 0.0)) for b in finite]
    counts.append(round(totals.buckets.get(math.inf, totals.latency_count)))
    for i in range(1, len(counts)):  # stays cumulative should replicas disagree on bounds
        counts[i] = max(counts[i], counts[i - 1])
    return {
        "at": round(at, 3),
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
        "requests": requests,
        "errors": errors,
        "request_rate": requests / seconds if seconds > 0 else 0.0,
        "error_rate": errors / requests if requests > 0 else 0.0,
        "p50": quantile(0.5, bounds, counts) if counts else None,
        "p99": quantile(0.99, bounds, counts) if counts else None,
    }
