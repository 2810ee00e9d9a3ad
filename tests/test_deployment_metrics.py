"""A deployment's metrics: the runtime's own Prometheus text parsed, latency quantiles as
Prometheus computes them, totals that survive restarted and replaced replicas, and a scrape of a
real model server."""

import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_runtime_server import _free_port, failing  # noqa: F401  (the server fixture, reused)

from jupyter_deploy.deployments.ledger import LedgerFile
from jupyter_deploy.deployments.metrics import (
    HISTORY_POINTS,
    MetricsSampler,
    Snapshot,
    parse,
    quantile,
    retire,
    scrape,
    window,
)
from jupyter_deploy.runtime.metrics import BUCKETS, Metrics

INFO = {"model": "iris", "version": "v3", "tag": "iris@v3", "source_commit": "abc123"}


def replica(
    folder: Path,
    ok: int = 0,
    errors: int = 0,
    rejected: int = 0,
    seconds: float = 0.003,
    info: dict[str, str] | None = None,
) -> Snapshot:
    """What a model server that answered so many requests says at /metrics, parsed."""
    metrics = Metrics(folder)
    for status, count in ((200, ok), (500, errors), (422, rejected)):
        for _ in range(count):
            metrics.started()
            metrics.finished("predict", status, seconds)
    metrics.predicted(ok)
    return parse(metrics.render(info or INFO).decode())


def test_parse_reads_the_runtimes_own_text(tmp_path: Path) -> None:
    metrics = Metrics(tmp_path / "replica")
    for route, status, seconds in [
        ("predict", 200, 0.003),
        ("predict", 200, 0.003),
        ("predict", 200, 0.02),
        ("predict", 422, 0.0004),
        ("v2_infer", 200, 0.2),
        ("v2_infer", 500, 0.04),
        ("v2_infer", 401, 0.0001),
        ("health", 200, 0.0001),  # not a served request
        ("metrics", 200, 0.001),
        ("v2_meta", 404, 0.0001),
    ]:
        metrics.started()
        metrics.finished(route, status, seconds)
    metrics.predicted(7)
    metrics.started()  # one still being answered
    snap = parse(metrics.render(INFO).decode())
    assert (snap.requests, snap.errors, snap.rejected) == (7, 1, 2)
    assert snap.predictions == 7
    assert snap.in_flight == 1
    assert snap.latency_count == 7
    assert snap.latency_sum == pytest.approx(0.003 * 2 + 0.02 + 0.0004 + 0.2 + 0.04 + 0.0001)
    assert sorted(snap.buckets) == [*BUCKETS, float("inf")]
    assert snap.buckets[0.0005] == 2  # the 422 and the 401
    assert snap.buckets[0.005] == 4
    assert snap.buckets[0.25] == 7
    assert snap.version == "iris@v3"


def test_non_finite_values_are_left_out() -> None:
    text = (
        'jupyter_deploy_requests_total{route="predict",status="200"} NaN\n'
        'jupyter_deploy_requests_total{route="predict",status="500"} 2\n'
        "jupyter_deploy_predictions_total +Inf\n"
    )
    snap = parse(text)
    assert (snap.requests, snap.errors, snap.predictions) == (2, 2, 0)


def test_version_labels_and_an_untouched_server(tmp_path: Path) -> None:
    quoted = {"model": 'we"ird\\name', "version": "v1", "tag": "", "source_commit": ""}
    snap = replica(tmp_path, info=quoted)
    assert snap.version == 'we"ird\\name@v1'
    assert (snap.requests, snap.latency_count, snap.buckets) == (0, 0, {})
    sampler = MetricsSampler()
    metrics = sampler.apply("d", [("r1", snap, None)])
    # No request yet: the histogram still has the runtime's bounds, all empty.
    assert metrics["latency"] == {
        "bounds": list(BUCKETS),
        "counts": [0] * (len(BUCKETS) + 1),
        "sum": 0.0,
        "count": 0,
    }
    assert metrics["by_version"] == {'we"ird\\name@v1': 0}


@pytest.mark.parametrize(
    ("q", "expected"),
    [(0.5, 0.5), (0.99, 0.99), (0.25, 0.25), (0.1, 0.1), (1.0, 1.0), (0.0, 0.0)],
)
def test_quantile_of_a_uniform_distribution(q: float, expected: float) -> None:
    # 100 observations spread evenly over (0, 1]: linear interpolation is exact.
    bounds = [0.25, 0.5, 0.75, 1.0]
    assert quantile(q, bounds, [25, 50, 75, 100, 100]) == pytest.approx(expected)


def test_quantile_edges() -> None:
    bounds = [0.1, 0.2, 0.4]
    assert quantile(0.5, bounds, [0, 0, 0, 0]) is None  # no requests
    assert quantile(0.5, bounds, [0, 0, 0, 10]) == 0.4  # all above: the largest finite bound
    assert quantile(0.99, bounds, [0, 10, 10, 11]) == 0.4
    assert quantile(0.5, bounds, [10, 10, 10, 10]) == pytest.approx(0.05)  # from 0 in bucket 1
    # Half the requests in (0.1, 0.2], half in (0.2, 0.4]: the median is the bucket edge.
    assert quantile(0.5, bounds, [0, 5, 10, 10]) == pytest.approx(0.2)
    assert quantile(0.75, bounds, [0, 5, 10, 10]) == pytest.approx(0.3)
    assert quantile(1.5, bounds, [1, 1, 1, 1]) == float("inf")
    assert quantile(-1, bounds, [1, 1, 1, 1]) == float("-inf")
    with pytest.raises(ValueError, match="one more value"):
        quantile(0.5, bounds, [1, 1, 1])


def test_quantiles_of_real_observations(tmp_path: Path) -> None:
    """1,000 latencies spread evenly up to 100 ms, through the runtime's histogram."""
    metrics = Metrics(tmp_path)
    for i in range(1, 1001):
        metrics.started()
        metrics.finished("predict", 200, i / 10000)
    sampler = MetricsSampler()
    before = sampler.apply("d", [("r1", Snapshot(), "iris@v3")])
    after = sampler.apply("d", [("r1", parse(metrics.render(INFO).decode()), "iris@v3")])
    stats = window({**before, "at": 100.0}, {**after, "at": 110.0})
    assert stats["seconds"] == 10.0
    assert stats["request_rate"] == 100.0
    assert stats["error_rate"] == 0.0
    assert stats["p50"] == pytest.approx(0.05)
    assert stats["p99"] == pytest.approx(0.099)


def test_window_rates_errors_and_resets(tmp_path: Path) -> None:
    sampler = MetricsSampler()
    first = sampler.apply("d", [("r1", replica(tmp_path / "a", ok=10), "iris@v3")])
    second = sampler.apply(
        "d", [("r1", replica(tmp_path / "b", ok=28, errors=2, seconds=0.3), "iris@v3")]
    )
    stats = window({**first, "at": 0.0}, {**second, "at": 4.0})
    assert stats["request_rate"] == 5.0  # 20 more in 4 s
    assert stats["error_rate"] == pytest.approx(2 / 20)
    # Only the window's requests count: 18 + 2 of them took 300 ms.
    assert 0.25 < stats["p50"] <= 0.5
    # A later sample with lower totals (a new sampler, say): it counts alone.
    fresh = MetricsSampler().apply("d", [("r1", replica(tmp_path / "c", ok=4), "iris@v3")])
    stats = window({**second, "at": 4.0}, {**fresh, "at": 6.0})
    assert stats["request_rate"] == 2.0
    assert stats["p50"] == pytest.approx(0.0025 + 0.0025 * 0.5)
    empty = window({**first, "at": 1.0}, {**first, "at": 2.0})
    assert empty == {
        "seconds": 1.0,
        "requests": 0,
        "errors": 0,
        "request_rate": 0.0,
        "error_rate": 0.0,
        "p50": None,
        "p99": None,
    }


def test_totals_survive_a_restart_and_a_replacement(tmp_path: Path) -> None:
    sampler = MetricsSampler()
    m = sampler.apply("d", [("r1", replica(tmp_path / "1", ok=10, rejected=1), "iris@v1")])
    assert (m["requests"], m["rejected"], m["predictions"], m["replicas"]) == (11, 1, 10, 1)
    # r1 restarted: its counters begin again at zero.
    m = sampler.apply("d", [("r1", replica(tmp_path / "2", ok=3), "iris@v1")])
    assert (m["requests"], m["predictions"]) == (14, 13)
    m = sampler.apply("d", [("r1", replica(tmp_path / "3", ok=5), "iris@v1")])
    assert m["requests"] == 16
    # r1 does not answer for a while: what it counted stays, it is not among those scraped.
    m = sampler.apply("d", [("r1", None, "iris@v1")])
    assert (m["requests"], m["replicas"]) == (16, 0)
    # An update replaced r1 by r2 and r3 of v2.
    m = sampler.apply(
        "d",
        [
            ("r2", replica(tmp_path / "4", ok=4, errors=1), "iris@v2"),
            ("r3", replica(tmp_path / "5", ok=2), "iris@v2"),
        ],
    )
    assert (m["requests"], m["errors"], m["replicas"]) == (23, 1, 2)
    assert m["by_version"] == {"iris@v1": 16, "iris@v2": 7}
    assert m["latency"]["count"] == 23
    assert m["latency"]["counts"][-1] == 23
    assert m["latency"]["sum"] == pytest.approx(23 * 0.003)
    assert set(m) == {
        "at",
        "replicas",
        "requests",
        "errors",
        "rejected",
        "predictions",
        "in_flight",
        "latency",
        "by_version",
        "history",
    }
    # Deployments are counted apart.
    assert sampler.apply("other", [("r2", replica(tmp_path / "6", ok=1), None)])["requests"] == 1


def test_a_restart_seen_only_through_the_restart_count(tmp_path: Path) -> None:
    """Between two samples a replica restarted and counted past its old values already."""
    sampler = MetricsSampler()
    sampler.apply("d", [("r1", replica(tmp_path / "1", ok=10), None)], restarts={"r1": 0})
    m = sampler.apply("d", [("r1", replica(tmp_path / "2", ok=12), None)], restarts={"r1": 1})
    assert m["requests"] == 22
    m = sampler.apply("d", [("r1", replica(tmp_path / "3", ok=13), None)], restarts={"r1": 1})
    assert m["requests"] == 23


def test_scrape_a_real_model_server(failing: tuple[str, Path]) -> None:  # noqa: F811
    base, _ = failing
    address = base.removeprefix("http://")  # the contract's replica address
    silent = f"127.0.0.1:{_free_port()}"
    assert set(scrape([address, silent], timeout=2)) == {address}
    sampler = MetricsSampler()
    listed = [("r1", address, "demo@v1"), ("r2", silent, "demo@v1")]
    before = sampler.sample("demo", listed)
    assert before["replicas"] == 1
    for x in range(5):
        assert httpx.post(f"{base}/predict", json=[{"x": x}, {"x": x}]).status_code == 200
    assert httpx.post(f"{base}/predict", json=[{"x": 13}]).status_code == 500
    assert httpx.post(f"{base}/predict", content=b"{}").status_code == 415
    assert httpx.get(f"{base}/health/ready").status_code == 200  # not a served request
    after = sampler.sample("demo", listed)
    assert after["replicas"] == 1
    assert after["requests"] - before["requests"] == 7
    assert after["errors"] - before["errors"] == 1
    assert after["rejected"] - before["rejected"] == 1
    assert after["predictions"] - before["predictions"] == 10
    assert after["in_flight"] == 0  # the scrape itself is not traffic
    assert after["latency"]["count"] - before["latency"]["count"] == 7
    assert after["by_version"]["demo@v1"] == after["requests"]
    stats = window(before, after)
    assert stats["request_rate"] > 0
    assert stats["error_rate"] == pytest.approx(1 / 7)
    assert stats["p50"] is not None
    assert 0 < stats["p50"] <= stats["p99"] <= 10


def test_concurrent_samples_never_count_twice(failing: tuple[str, Path]) -> None:  # noqa: F811
    """Threads sampling one deployment while requests arrive: an older scrape applied after a
    newer one would read as a restart and count twice."""
    base, _ = failing
    listed = [("r1", base.removeprefix("http://"), None)]
    sampler = MetricsSampler()
    seen: dict[int, list[int]] = {i: [] for i in range(4)}

    def watch(i: int) -> None:
        for _ in range(8):
            seen[i].append(sampler.sample("demo", listed)["requests"])

    threads = [threading.Thread(target=watch, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    with httpx.Client() as client:
        for x in range(20):
            assert client.post(f"{base}/predict", json=[{"x": x + 20}]).status_code == 200
    for t in threads:
        t.join()
    for values in seen.values():
        assert values == sorted(values)
    truth = parse(httpx.get(f"{base}/metrics").text).requests
    assert sampler.sample("demo", listed)["requests"] == truth


def _served(base: str) -> float:
    """What the server itself says it answered (served routes)."""
    return parse(httpx.get(f"{base}/metrics").text).requests


def test_requests_after_the_last_sample_count_once_the_replica_is_retired(
    failing: tuple[str, Path],  # noqa: F811
    tmp_path: Path,
) -> None:
    """The panel samples every 2 s; an update stops the old replica in between. What it answered
    after the last sample is read once more before it stops, and counted exactly once."""
    base, _ = failing
    address = base.removeprefix("http://")
    ledger = LedgerFile(tmp_path / "metrics.json")
    sampler = MetricsSampler()
    sampler.sample("demo", [("r1", address, "demo@v1")], {"r1": 0}, ledger)
    for x in range(6):
        assert httpx.post(f"{base}/predict", json=[{"x": x}]).status_code == 200
    assert httpx.post(f"{base}/predict", json=[{"x": 13}]).status_code == 500
    truth = _served(base)
    final = retire(ledger, "r1", address, "demo@v1", 0, timeout_s=5)
    assert final is not None
    assert final.requests == truth
    # The replica is gone; a scrape that listed it before it went does not count it again.
    for listed in ([], [("r1", address, "demo@v1")]):
        m = sampler.sample("demo", listed, {"r1": 0}, ledger)
        assert m["requests"] == truth
        assert m["by_version"] == {"demo@v1": truth}
    # Another process (a notebook, the CLI) reads the same totals from the ledger.
    assert LedgerFile(ledger.path).read().ledger.totals().requests == truth


def test_the_ledger_tells_restarts_from_late_scrapes(tmp_path: Path) -> None:
    """Two processes (the server's sampler and a CLI update, say) share one ledger; their
    scrapes can land out of order. A restart count tells a new life from an older scrape."""
    path = tmp_path / "metrics.json"
    server, cli = LedgerFile(path), LedgerFile(path)

    def observe(ledger: LedgerFile, ok: int, restarts: int, folder: str) -> float:
        with ledger.changing() as recorded:
            recorded.ledger.observe("r1", replica(tmp_path / folder, ok=ok), "iris@v1", restarts)
            return recorded.ledger.totals().requests

    assert observe(server, 10, 0, "a") == 10
    assert observe(cli, 12, 0, "b") == 12
    assert observe(server, 11, 0, "c") == 12  # scraped before the cli's: older, not a restart
    assert observe(cli, 3, 1, "d") == 15  # restarted: 12 of its first life kept
    assert observe(server, 13, 0, "e") == 15  # listed before that restart: ignored
    assert observe(server, 5, 1, "f") == 17
    with cli.changing() as recorded:
        recorded.ledger.retire("r1")
    assert observe(server, 20, 1, "g") == 17  # retired: a late scrape cannot count it again
    recorded_now = LedgerFile(path).read()
    assert recorded_now.ledger.live == {}
    assert recorded_now.ledger.folded == ["r1"]
    assert recorded_now.ledger.totals().by_version == {"iris@v1": 17}
    # A ledger that cannot be read starts counting afresh rather than failing every request.
    path.write_text("{not json")
    assert LedgerFile(path).read().ledger.totals().requests == 0


class Clock:
    def __init__(self, at: float = 1_000_000.0) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


def test_history_points_and_a_new_server_sees_them(tmp_path: Path) -> None:
    clock = Clock()
    ledger = LedgerFile(tmp_path / "metrics.json")
    sampler = MetricsSampler(clock=clock)

    def sample(ok: int, errors: int = 0, seconds: float = 0.003) -> dict[str, Any]:
        snap = replica(tmp_path / f"r{clock.at}", ok=ok, errors=errors, seconds=seconds)
        return sampler.apply("d", [("r1", snap, "iris@v1")], {"r1": 0}, ledger)

    assert sample(0)["history"] == []  # one sample is no window yet
    clock.at += 2
    m = sample(10)
    assert m["history"] == [
        {"at": clock.at, "request_rate": 5.0, "error_rate": 0.0, "p50": m["history"][0]["p50"],
         "p99": m["history"][0]["p99"]},
    ]  # fmt: skip
    assert 0.0025 < m["history"][0]["p50"] <= 0.005
    clock.at += 0.5  # a second panel asking soon after: no point, the window keeps growing
    assert len(sample(12)["history"]) == 1
    clock.at += 1.5
    points = sample(18, errors=2, seconds=0.3)["history"]
    assert len(points) == 2
    assert points[1]["request_rate"] == 5.0  # 10 more over the 2 s since the last point
    assert points[1]["error_rate"] == pytest.approx(0.2)
    clock.at += 2
    saved = sample(20, errors=2)["history"]
    assert saved[-1]["error_rate"] == 0.0
    clock.at += 2
    assert sample(20, errors=2)["history"][-1]["error_rate"] is None  # no request: undefined
    clock.at += 600  # nobody looked for ten minutes: no point averages the silence
    assert len(sample(20, errors=2)["history"]) == 4
    # The server restarted: a new sampler reads the history its predecessor kept (written
    # with the counts they changed, else at most every 10 s: the quiet point after is not).
    clock.at += 2
    reopened = MetricsSampler(clock=clock)
    snap = replica(tmp_path / "again", ok=21, errors=2)
    again = reopened.apply("d", [("r1", snap, "iris@v1")], {"r1": 0}, ledger)
    assert again["history"] == saved
    assert again["requests"] == 23


def test_history_is_bounded(tmp_path: Path) -> None:
    clock = Clock()
    sampler = MetricsSampler(clock=clock)
    snap = replica(tmp_path, ok=1)
    for _ in range(HISTORY_POINTS + 20):
        clock.at += 2
        m = sampler.apply("d", [("r1", snap, None)])
    assert len(m["history"]) == HISTORY_POINTS
    assert m["history"][-1]["at"] == clock.at
    assert sampler.history("d") == m["history"]
    assert sampler.history("unknown") == []
