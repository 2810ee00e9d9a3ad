"""A deployment's request totals, kept in a file beside its gateway. Every process that reads the
replicas (the server's sampler, an update run from the CLI, a notebook's `status`) adds to the
same counts, and they outlive the replicas, the Jupyter server and its restarts.

A replica's counters live only as long as its process: they begin again at zero when it restarts
and vanish when an update replaces it. So the ledger keeps, per replica, the newest values seen
of its current life (its restart count tells lives apart) and what its earlier lives counted. A
replica being replaced is read one last time after the gateway switched away from it and it has
drained, just before it stops (`retire`): its final values move into `retired`, and its id is
remembered so that a scrape that was under way cannot bring it back and count it twice.

Scrapes from different processes can land out of order. With restart counts known, a lower count
or lower values of the same life are an older scrape, never a reset, and are ignored; without
them (callers that do not know), lower values mean the replica restarted."""

import contextlib
import fcntl
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import atomic_write_text

# Ids of retired replicas remembered; a scrape is never that many replacements late.
FOLDED_KEPT = 256
LEDGER_FILE = "metrics.json"


@dataclass
class Counts:
    """Request counts of the served routes, as a replica's `/metrics` gives them."""

    requests: float = 0.0
    errors: float = 0.0  # 5xx
    rejected: float = 0.0  # 4xx
    predictions: float = 0.0
    # Cumulative count at each upper bound (seconds); math.inf is the last key.
    buckets: dict[float, float] = field(default_factory=dict)
    latency_sum: float = 0.0
    latency_count: float = 0.0

    def counts_json(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "errors": self.errors,
            "rejected": self.rejected,
            "predictions": self.predictions,
            "buckets": _buckets_out(self.buckets),
            "latency_sum": self.latency_sum,
            "latency_count": self.latency_count,
        }

    @staticmethod
    def counts_in(data: dict[str, Any]) -> dict[str, Any]:
        """The keyword arguments of `counts_json`'s output, anything unreadable as zero."""
        return {
            "requests": _number(data.get("requests")),
            "errors": _number(data.get("errors")),
            "rejected": _number(data.get("rejected")),
            "predictions": _number(data.get("predictions")),
            "buckets": _buckets_in(data.get("buckets")),
            "latency_sum": _number(data.get("latency_sum")),
            "latency_count": _number(data.get("latency_count")),
        }


@dataclass
class Snapshot(Counts):
    """What one replica's `/metrics` said, restricted to the served routes."""

    in_flight: float = 0.0
    version: str | None = None

    def counters(self) -> tuple[float, ...]:
        return (self.requests, self.predictions, self.latency_count)

    def to_json(self) -> dict[str, Any]:
        return {**self.counts_json(), "version": self.version}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Snapshot":
        version = data.get("version")
        return cls(**cls.counts_in(data), version=version if isinstance(version, str) else None)


@dataclass
class Totals(Counts):
    by_version: dict[str, float] = field(default_factory=dict)

    def add(self, snap: Snapshot, version: str | None) -> None:
        self.merge(
            Totals(
                snap.requests, snap.errors, snap.rejected, snap.predictions, snap.buckets,
                snap.latency_sum, snap.latency_count, {version: snap.requests} if version else {},
            )
        )  # fmt: skip

    def merge(self, other: "Totals") -> None:
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

    def to_json(self) -> dict[str, Any]:
        return {**self.counts_json(), "by_version": dict(self.by_version)}

    @classmethod
    def from_json(cls, data: Any) -> "Totals":
        if not isinstance(data, dict):
            return cls()
        by_version = data.get("by_version")
        versions = by_version if isinstance(by_version, dict) else {}
        return cls(
            **cls.counts_in(data),
            by_version={str(k): _number(v) for k, v in versions.items() if isinstance(k, str)},
        )


@dataclass
class LiveReplica:
    """A replica whose counts are not final yet."""

    version: str | None
    restarts: int | None  # its life, as the target counts restarts; None when unknown
    last: Snapshot  # the newest values seen of this life
    carried: Totals = field(default_factory=Totals)  # what its earlier lives counted


@dataclass
class Ledger:
    retired: Totals = field(default_factory=Totals)
    live: dict[str, LiveReplica] = field(default_factory=dict)
    folded: list[str] = field(default_factory=list)

    def observe(self, rid: str, snap: Snapshot, version: str | None, restarts: int | None) -> bool:
        """Take a scrape of replica `rid`; whether the ledger changed."""
        if rid in self.folded:
            return False  # retired while this scrape was under way: its counts are in already
        seen = self.live.get(rid)
        if seen is None:
            self.live[rid] = LiveReplica(version, restarts, snap)
            return True
        if seen.restarts is not None and restarts is not None:
            if restarts < seen.restarts:
                return False  # listed before the restart we already know of
            restarted = restarts > seen.restarts
        else:
            restarted = _lower(snap, seen.last)
        if restarted:
            seen.carried.add(seen.last, seen.version)
            seen.last, seen.restarts = snap, restarts
            return True
        if _lower(snap, seen.last) or snap.counters() == seen.last.counters():
            return False  # an older scrape of this life (or nothing new)
        seen.last = snap
        if restarts is not None:
            seen.restarts = restarts
        return True

    def retire(self, rid: str) -> bool:
        """Replica `rid` is gone (or about to go, read for the last time): its counts are final."""
        seen = self.live.pop(rid, None)
        if seen is not None:
            self.retired.merge(seen.carried)
            self.retired.add(seen.last, seen.version)
        if rid in self.folded:
            return seen is not None
        self.folded = [*self.folded, rid][-FOLDED_KEPT:]
        return True

    def retire_absent(self, present: set[str]) -> bool:
        """Retire every replica not in `present`: only for a caller that knows the list is
        complete (one holding the deployment's lock, so nothing starts meanwhile)."""
        changed = False
        for rid in [r for r in self.live if r not in present]:
            changed = self.retire(rid) or changed
        return changed

    def totals(self) -> Totals:
        """Everything counted: retired replicas, and every life of the others, including those
        that did not answer this time."""
        totals = Totals()
        totals.merge(self.retired)
        for seen in self.live.values():
            totals.merge(seen.carried)
            totals.add(seen.last, seen.version)
        return totals

    def to_json(self) -> dict[str, Any]:
        return {
            "retired": self.retired.to_json(),
            "live": {
                rid: {
                    "version": seen.version,
                    "restarts": seen.restarts,
                    "last": seen.last.to_json(),
                    "carried": seen.carried.to_json(),
                }
                for rid, seen in self.live.items()
            },
            "folded": list(self.folded),
        }

    @classmethod
    def from_json(cls, data: Any) -> "Ledger":
        if not isinstance(data, dict):
            return cls()
        live: dict[str, LiveReplica] = {}
        for rid, entry in (data.get("live") or {}).items():
            if not isinstance(entry, dict):
                continue
            version, restarts = entry.get("version"), entry.get("restarts")
            live[str(rid)] = LiveReplica(
                version if isinstance(version, str) else None,
                restarts if isinstance(restarts, int) else None,
                Snapshot.from_json(entry.get("last") or {}),
                Totals.from_json(entry.get("carried")),
            )
        folded = [str(r) for r in data.get("folded") or [] if isinstance(r, str)]
        return cls(Totals.from_json(data.get("retired")), live, folded[-FOLDED_KEPT:])


@dataclass
class Recorded:
    """The file's content: the ledger and the sampler's recent history (points of its charts)."""

    ledger: Ledger
    history: list[dict[str, Any]]


class LedgerFile:
    """The ledger of one deployment on disk. Changes are made under an exclusive lock (readers
    see the old file or the new one: it is replaced, never rewritten in place)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock_path = path.with_name(f".{path.name}.lock")

    def read(self) -> Recorded:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return Recorded(Ledger(), [])  # none yet, or unreadable: counting starts here
        if not isinstance(data, dict):
            return Recorded(Ledger(), [])
        history = [p for p in data.get("history") or [] if isinstance(p, dict)]
        return Recorded(Ledger.from_json(data.get("ledger")), history)

    @contextlib.contextmanager
    def changing(self) -> Iterator[Recorded]:
        """The recorded content to change in place; written back if it changed."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock_path.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                recorded = self.read()
                before = self._text(recorded)
                yield recorded
                after = self._text(recorded)
                if after != before:
                    atomic_write_text(self.path, after)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @staticmethod
    def _text(recorded: Recorded) -> str:
        # allow_nan=False: a non-finite number must never reach a file a browser may read.
        data = {"ledger": recorded.ledger.to_json(), "history": recorded.history}
        return json.dumps(data, allow_nan=False, separators=(",", ":"))


def _lower(now: Snapshot, before: Snapshot) -> bool:
    return any(n < b for n, b in zip(now.counters(), before.counters(), strict=True))


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0.0
    return float(value) if math.isfinite(value) else 0.0


def _buckets_out(buckets: dict[float, float]) -> dict[str, float]:
    return {"+Inf" if math.isinf(b) else repr(b): c for b, c in sorted(buckets.items())}


def _buckets_in(data: Any) -> dict[float, float]:
    if not isinstance(data, dict):
        return {}
    found: dict[float, float] = {}
    for key, count in data.items():
        try:
            bound = math.inf if key == "+Inf" else float(key)
        except (TypeError, ValueError):
            continue
        if not math.isnan(bound):
            found[bound] = _number(count)
    return found
