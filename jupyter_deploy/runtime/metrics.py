"""Prometheus metrics shared by the server's worker processes. Each worker counts into its own
small memory-mapped file of doubles (no lock, no syscall per request); `/metrics`, answered by
whichever worker the request lands on, adds up every worker's file, so a scrape sees the whole
server. Counters of a worker that died stay counted, as Prometheus expects of counters."""

import bisect
import mmap
import os
from pathlib import Path
from typing import Any

ROUTES = ("predict", "v2_infer", "v2_meta", "health", "metrics", "docs", "other")
STATUSES = (200, 400, 401, 403, 404, 405, 413, 415, 422, 500, 503)
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

_N_STATUS = len(STATUSES) + 1  # + "other"
_N_BUCKET = len(BUCKETS) + 1  # + Inf
_REQUESTS = 0
_BUCKETS = _REQUESTS + len(ROUTES) * _N_STATUS
_SUM = _BUCKETS + len(ROUTES) * _N_BUCKET
_IN_FLIGHT = _SUM + len(ROUTES)
_PREDICTIONS = _IN_FLIGHT + 1
_SIZE = _PREDICTIONS + 1
_STATUS_INDEX = {status: i for i, status in enumerate(STATUSES)}
_ROUTE_INDEX = {route: i for i, route in enumerate(ROUTES)}


class Metrics:
    def __init__(self, directory: Path | None) -> None:
        """`directory`: where the server's workers keep their files (None: this process only)."""
        self.directory = directory
        if directory is None:
            self._values = memoryview(bytearray(_SIZE * 8)).cast("d")
            return
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"worker-{os.getpid()}.metrics"
        with path.open("wb") as out:
            out.truncate(_SIZE * 8)
        with path.open("r+b") as handle:
            self._map = mmap.mmap(handle.fileno(), _SIZE * 8)
        self._values = memoryview(self._map).cast("d")

    def started(self) -> None:
        self._values[_IN_FLIGHT] += 1

    def finished(self, route: str, status: int, seconds: float) -> None:
        values = self._values
        r = _ROUTE_INDEX[route]
        values[_IN_FLIGHT] -= 1
        values[_REQUESTS + r * _N_STATUS + _STATUS_INDEX.get(status, len(STATUSES))] += 1
        bucket = bisect.bisect_left(BUCKETS, seconds)  # the first bound >= seconds
        values[_BUCKETS + r * _N_BUCKET + bucket] += 1
        values[_SUM + r] += seconds

    def predicted(self, records: int) -> None:
        self._values[_PREDICTIONS] += records

    def _totals(self) -> list[float]:
        if self.directory is None:
            return list(self._values)
        totals = [0.0] * _SIZE
        for path in self.directory.glob("worker-*.metrics"):
            data = path.read_bytes()
            if len(data) != _SIZE * 8:
                continue  # a worker still creating its file
            for i, value in enumerate(memoryview(data).cast("d")):
                totals[i] += value
        return totals

    def render(self, info: dict[str, Any]) -> bytes:
        """The Prometheus text exposition of every worker's counts."""
        t = self._totals()
        lines = [
            "# HELP jupyter_deploy_requests_total Requests answered, by route and status.",
            "# TYPE jupyter_deploy_requests_total counter",
        ]
        for r, route in enumerate(ROUTES):
            for s, status in enumerate([*map(str, STATUSES), "other"]):
                count = t[_REQUESTS + r * _N_STATUS + s]
                if count:
                    lines.append(
                        f'jupyter_deploy_requests_total{{route="{route}",status="{status}"}}'
                        f" {count:.0f}"
                    )
        lines += [
            "# HELP jupyter_deploy_request_seconds Time from request to answer, by route.",
            "# TYPE jupyter_deploy_request_seconds histogram",
        ]
        for r, route in enumerate(ROUTES):
            counts = t[_BUCKETS + r * _N_BUCKET : _BUCKETS + (r + 1) * _N_BUCKET]
            total = sum(counts)
            if not total:
                continue
            running = 0.0
            for bound, count in zip([*map(str, BUCKETS), "+Inf"], counts, strict=True):
                running += count
                lines.append(
                    f'jupyter_deploy_request_seconds_bucket{{route="{route}",le="{bound}"}}'
                    f" {running:.0f}"
                )
            lines.append(f'jupyter_deploy_request_seconds_sum{{route="{route}"}} {t[_SUM + r]}')
            lines.append(f'jupyter_deploy_request_seconds_count{{route="{route}"}} {total:.0f}')
        labels = ",".join(f'{k}="{_escape(str(v))}"' for k, v in info.items())
        lines += [
            "# HELP jupyter_deploy_requests_in_flight Requests being answered now.",
            "# TYPE jupyter_deploy_requests_in_flight gauge",
            f"jupyter_deploy_requests_in_flight {max(t[_IN_FLIGHT], 0):.0f}",
            "# HELP jupyter_deploy_predictions_total Records predicted.",
            "# TYPE jupyter_deploy_predictions_total counter",
            f"jupyter_deploy_predictions_total {t[_PREDICTIONS]:.0f}",
            "# HELP jupyter_deploy_model_info The model version this server runs.",
            "# TYPE jupyter_deploy_model_info gauge",
            f"jupyter_deploy_model_info{{{labels}}} 1",
        ]
        return ("\n".join(lines) + "\n").encode()


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
