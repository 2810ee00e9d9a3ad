import { chartPaths } from '../models/chartPath';
import {
  appendSample,
  counterIncrease,
  histogramIncrease,
  histogramQuantile,
  historySeries,
  lastPoint,
  metricSeries,
  metricsWindow,
  recentWindow
} from '../models/deploymentMetrics';
import { LATENCY_BOUNDS, makeMetrics } from './helpers';

describe('histogramQuantile (Prometheus histogram_quantile)', () => {
  const bounds = [0.1, 0.2, 0.5];

  it('interpolates linearly inside the bucket holding the rank', () => {
    const counts = [10, 30, 40, 40];
    expect(histogramQuantile(0.5, bounds, counts)).toBeCloseTo(0.15, 10);
    expect(histogramQuantile(0.99, bounds, counts)).toBeCloseTo(0.488, 10);
    expect(histogramQuantile(1, bounds, counts)).toBeCloseTo(0.5, 10);
  });

  it('starts the first bucket at 0', () => {
    expect(histogramQuantile(0.1, bounds, [10, 30, 40, 40])).toBeCloseTo(
      0.04,
      10
    );
  });

  it('answers the largest finite bound for a rank in the +Inf bucket', () => {
    expect(histogramQuantile(0.99, bounds, [10, 10, 10, 20])).toBe(0.5);
    expect(histogramQuantile(0.5, bounds, [0, 0, 0, 7])).toBe(0.5);
  });

  it('has no answer without observations, buckets or a sensible q', () => {
    expect(histogramQuantile(0.5, bounds, [0, 0, 0, 0])).toBeNull();
    expect(histogramQuantile(0.5, [], [3])).toBeNull();
    expect(histogramQuantile(0.5, bounds, [1, 2])).toBeNull();
    expect(histogramQuantile(-0.1, bounds, [1, 2, 3, 3])).toBeNull();
    expect(histogramQuantile(1.5, bounds, [1, 2, 3, 3])).toBeNull();
    expect(histogramQuantile(NaN, bounds, [1, 2, 3, 3])).toBeNull();
  });

  it('skips empty buckets on the way', () => {
    // Everything between 0.2 and 0.5: the median is the middle of that bucket.
    expect(histogramQuantile(0.5, bounds, [0, 0, 10, 10])).toBeCloseTo(
      0.35,
      10
    );
  });
});

describe('counters and histograms between two samples', () => {
  it('treats a counter that went down as reset', () => {
    expect(counterIncrease(100, 130)).toBe(30);
    expect(counterIncrease(100, 100)).toBe(0);
    expect(counterIncrease(100, 7)).toBe(7);
  });

  it('subtracts histograms bucket by bucket', () => {
    const earlier = makeMetrics(0, {}, [1, 2]).latency;
    const later = makeMetrics(2, {}, [4, 2, 3]).latency;
    const increase = histogramIncrease(earlier, later);
    expect(increase.slice(0, 4)).toEqual([3, 3, 6, 6]);
    expect(increase).toHaveLength(LATENCY_BOUNDS.length + 1);
  });

  it('takes the later histogram whole when it was reset or re-bucketed', () => {
    const earlier = makeMetrics(0, {}, [10, 10]).latency;
    const reset = makeMetrics(2, {}, [1, 1]).latency;
    expect(histogramIncrease(earlier, reset).slice(0, 3)).toEqual([1, 2, 2]);
    const rebucketed = {
      bounds: [0.1, 1],
      counts: [5, 6, 6],
      sum: 1,
      count: 6
    };
    expect(histogramIncrease(earlier, rebucketed)).toEqual([5, 6, 6]);
  });

  it('reads a histogram sent without its +Inf entry from its count', () => {
    const earlier = { bounds: [0.1, 1], counts: [0, 0], sum: 0, count: 0 };
    const later = { bounds: [0.1, 1], counts: [2, 3], sum: 1, count: 5 };
    expect(histogramIncrease(earlier, later)).toEqual([2, 3, 5]);
  });
});

describe('metricsWindow', () => {
  it('gives rates, error share and quantiles over the window', () => {
    const earlier = makeMetrics(1000, { errors: 1 }, [0, 0, 0, 0, 10]);
    const later = makeMetrics(1010, { errors: 3 }, [0, 0, 0, 0, 10, 40, 50]);
    // 90 more requests in 10 s: 40 in (0.01, 0.025], 50 in (0.025, 0.05].
    const window = metricsWindow(earlier, later);
    expect(window.seconds).toBe(10);
    expect(window.requests).toBe(90);
    expect(window.errors).toBe(2);
    expect(window.requestRate).toBe(9);
    expect(window.errorRate).toBeCloseTo(2 / 90, 10);
    // rank 45: 5 of the 50 in (0.025, 0.05]
    expect(window.p50).toBeCloseTo(0.025 + 0.025 * (5 / 50), 10);
    // rank 89.1: 49.1 of the 50
    expect(window.p99).toBeCloseTo(0.025 + 0.025 * (49.1 / 50), 10);
  });

  it('has no rates or quantiles without requests', () => {
    const window = metricsWindow(
      makeMetrics(0, {}, [5]),
      makeMetrics(2, {}, [5])
    );
    expect(window).toEqual({
      seconds: 2,
      requests: 0,
      errors: 0,
      requestRate: 0,
      errorRate: null,
      p50: null,
      p99: null
    });
  });

  it('counts from zero after the server restarted', () => {
    const earlier = makeMetrics(0, { errors: 5 }, [100, 100]);
    const later = makeMetrics(4, { errors: 1 }, [8]);
    const window = metricsWindow(earlier, later);
    expect(window.requests).toBe(8);
    expect(window.errors).toBe(1);
    expect(window.requestRate).toBe(2);
    expect(window.p50).toBeCloseTo(0.00025, 10);
  });

  it('counts every total from zero when the requests went down', () => {
    // The errors alone did not go down, but they began again with the rest.
    const earlier = makeMetrics(0, { errors: 1 }, [100]);
    const later = makeMetrics(2, { errors: 3 }, [10]);
    expect(metricsWindow(earlier, later)).toMatchObject({
      requests: 10,
      errors: 3
    });
  });

  it('has no rate for a window that does not move forward', () => {
    const sample = makeMetrics(5, {}, [1]);
    expect(metricsWindow(sample, sample).requestRate).toBeNull();
  });
});

describe('samples for the charts', () => {
  it('keeps the newest samples, once each', () => {
    let samples = appendSample([], makeMetrics(1), 3);
    samples = appendSample(samples, makeMetrics(2), 3);
    const same = appendSample(samples, makeMetrics(2), 3);
    expect(same).toBe(samples);
    samples = appendSample(samples, makeMetrics(3), 3);
    samples = appendSample(samples, makeMetrics(4), 3);
    expect(samples.map(s => s.at)).toEqual([2, 3, 4]);
  });

  it('makes one point per pair of samples', () => {
    const samples = [
      makeMetrics(0, {}, [0, 0]),
      makeMetrics(2, {}, [0, 4]),
      makeMetrics(4, { errors: 2 }, [0, 8])
    ];
    const series = metricSeries(samples);
    expect(series.requestRate).toEqual([
      { at: 2, value: 2 },
      { at: 4, value: 2 }
    ]);
    expect(series.errorRate.map(p => p.value)).toEqual([0, 0.5]);
    expect(series.p50.map(p => p.value)).toEqual([0.00075, 0.00075]);
    expect(metricSeries(samples.slice(0, 1)).requestRate).toEqual([]);
  });

  it('reads the current values over the last seconds', () => {
    const samples = [0, 2, 4, 6, 8, 10, 12].map(at =>
      makeMetrics(at, {}, [at * 3])
    );
    const recent = recentWindow(samples, 10)!;
    expect(recent.seconds).toBe(10);
    expect(recent.requestRate).toBe(3);
    expect(recentWindow(samples.slice(0, 1))).toBeNull();
    expect(recentWindow(samples.slice(0, 2), 10)!.seconds).toBe(2);
  });
});

describe('charts from the server history', () => {
  it('makes one point per server point, non-finite values missing', () => {
    const series = historySeries([
      { at: 10, request_rate: 2, error_rate: null, p50: 0.01, p99: 0.02 },
      { at: 12, request_rate: 3, error_rate: 0.25, p50: null, p99: Infinity }
    ]);
    expect(series.requestRate).toEqual([
      { at: 10, value: 2 },
      { at: 12, value: 3 }
    ]);
    expect(series.errorRate).toEqual([
      { at: 10, value: null },
      { at: 12, value: 0.25 }
    ]);
    expect(series.p50.map(p => p.value)).toEqual([0.01, null]);
    expect(series.p99.map(p => p.value)).toEqual([0.02, null]);
    expect(historySeries([]).requestRate).toEqual([]);
  });

  it('reads the current values from the newest point', () => {
    expect(lastPoint([])).toBeNull();
    expect(
      lastPoint([
        { at: 10, request_rate: 2, error_rate: null, p50: 0.01, p99: 0.02 },
        { at: 12, request_rate: 3, error_rate: 0.25, p50: 0.005, p99: 0.03 }
      ])
    ).toEqual({ requestRate: 3, errorRate: 0.25, p50: 0.005, p99: 0.03 });
  });
});

describe('chartPaths', () => {
  it('draws the span up to the newest point, scaled from zero', () => {
    const paths = chartPaths(
      [
        { at: 0, value: 0 },
        { at: 150, value: 5 },
        { at: 300, value: 10 }
      ],
      300
    );
    expect(paths.max).toBe(10);
    expect(paths.line).toBe('M0,60L150,30L300,0');
    expect(paths.area).toBe('M0,60L0,60L150,30L300,0L300,60Z');
  });

  it('breaks the line where values are missing, and keeps a floor', () => {
    const paths = chartPaths(
      [
        { at: 0, value: 0 },
        { at: 100, value: null },
        { at: 200, value: 0 },
        { at: 300, value: 0 }
      ],
      300,
      1
    );
    expect(paths.max).toBe(1);
    expect(paths.line).toBe('M0,60h1M200,60L300,60');
    expect(chartPaths([], 300, 1)).toEqual({ line: '', area: '', max: 1 });
  });

  it('leaves out points older than the span', () => {
    const paths = chartPaths(
      [
        { at: 0, value: 100 },
        { at: 500, value: 1 },
        { at: 700, value: 2 }
      ],
      300
    );
    expect(paths.max).toBe(2);
    expect(paths.line).toBe('M100,30L300,0');
  });
});
