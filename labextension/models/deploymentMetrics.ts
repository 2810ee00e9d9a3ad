import type { DeploymentMetrics, LatencyHistogram, MetricsPoint } from '../api';

/**
 * Samples the deployment panel keeps: at one every 2 s, five minutes of
 * history (one more sample than windows).
 */
export const MAX_SAMPLES = 151;

/** What happened between two samples of a deployment's metrics. */
export interface IMetricsWindow {
  /** Seconds between the samples. */
  seconds: number;
  /** Requests answered in the window. */
  requests: number;
  /** Of them, 5xx answers. */
  errors: number;
  /** Requests per second; null for an empty or backward window. */
  requestRate: number | null;
  /** Fraction of the window's requests answered 5xx; null without requests. */
  errorRate: number | null;
  /** Latency quantiles in seconds; null without requests. */
  p50: number | null;
  p99: number | null;
}

/**
 * How much a counter grew. A counter that went down was reset (its server
 * restarted): what it holds now is all it counted since, as Prometheus'
 * `increase` assumes.
 */
export function counterIncrease(earlier: number, later: number): number {
  return later >= earlier ? later - earlier : later;
}

/** Cumulative counts per bucket with the +Inf bucket last, never decreasing. */
function cumulative(histogram: LatencyHistogram): number[] {
  const counts = histogram.counts.slice(0, histogram.bounds.length + 1);
  if (counts.length === histogram.bounds.length) {
    counts.push(histogram.count);
  }
  let floor = 0;
  return counts.map(count => {
    floor = Math.max(floor, Number.isFinite(count) ? count : 0);
    return floor;
  });
}

function sameBounds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((bound, i) => bound === b[i]);
}

/**
 * The histogram of what happened between two samples. A histogram that
 * lost counts (or changed buckets) was reset: its later counts are the window.
 */
export function histogramIncrease(
  earlier: LatencyHistogram,
  later: LatencyHistogram
): number[] {
  const after = cumulative(later);
  if (!sameBounds(earlier.bounds, later.bounds)) {
    return after;
  }
  const before = cumulative(earlier);
  if (after.some((count, i) => count < before[i])) {
    return after;
  }
  return after.map((count, i) => count - before[i]);
}

/**
 * The `q` quantile (0..1) of a histogram, as Prometheus' `histogram_quantile`
 * computes it: linear interpolation inside the bucket that holds the rank,
 * from 0 for the first bucket; a rank in the +Inf bucket answers the largest
 * finite bound. `counts` are cumulative with +Inf last. Null without
 * observations or finite buckets.
 */
export function histogramQuantile(
  q: number,
  bounds: readonly number[],
  counts: readonly number[]
): number | null {
  if (!(q >= 0 && q <= 1) || bounds.length === 0) {
    return null;
  }
  const buckets = bounds.length + 1;
  if (counts.length < buckets) {
    return null;
  }
  const total = counts[buckets - 1];
  if (!(total > 0)) {
    return null;
  }
  let rank = q * total;
  let b = 0;
  while (b < buckets - 1 && counts[b] < rank) {
    b++;
  }
  if (b === buckets - 1) {
    return bounds[bounds.length - 1];
  }
  if (b === 0 && bounds[0] <= 0) {
    return bounds[0];
  }
  const start = b > 0 ? bounds[b - 1] : 0;
  const end = bounds[b];
  const below = b > 0 ? counts[b - 1] : 0;
  const count = counts[b] - below;
  rank -= below;
  return count > 0 ? start + (end - start) * (rank / count) : start;
}

/**
 * Whether the totals began again between two samples (a new sampler on the
 * server, say): a total went down, or the buckets changed. The later sample
 * alone counts then, as jupyter_deploy/deployments/metrics.py decides too.
 */
export function isReset(
  earlier: DeploymentMetrics,
  later: DeploymentMetrics
): boolean {
  return (
    later.requests < earlier.requests ||
    later.latency.count < earlier.latency.count ||
    !sameBounds(earlier.latency.bounds, later.latency.bounds)
  );
}

/** Rates, error share and latency quantiles between two samples. */
export function metricsWindow(
  earlier: DeploymentMetrics,
  later: DeploymentMetrics
): IMetricsWindow {
  const seconds = later.at - earlier.at;
  const reset = isReset(earlier, later);
  const requests = reset
    ? later.requests
    : counterIncrease(earlier.requests, later.requests);
  const errors = Math.min(
    requests,
    reset ? later.errors : counterIncrease(earlier.errors, later.errors)
  );
  const latency = reset
    ? cumulative(later.latency)
    : histogramIncrease(earlier.latency, later.latency);
  const bounds = later.latency.bounds;
  return {
    seconds,
    requests,
    errors,
    requestRate: seconds > 0 ? requests / seconds : null,
    errorRate: requests > 0 ? errors / requests : null,
    p50: histogramQuantile(0.5, bounds, latency),
    p99: histogramQuantile(0.99, bounds, latency)
  };
}

/**
 * Add a sample, dropping the oldest past `capacity`. A sample no newer than
 * the last one (the same scrape answered twice) is left out.
 */
export function appendSample(
  samples: readonly DeploymentMetrics[],
  sample: DeploymentMetrics,
  capacity: number = MAX_SAMPLES
): DeploymentMetrics[] {
  const last = samples[samples.length - 1];
  if (last && sample.at <= last.at) {
    return samples as DeploymentMetrics[];
  }
  const next = [...samples, sample];
  return next.length > capacity ? next.slice(next.length - capacity) : next;
}

/** A value of a chart at a time (unix seconds); null where it is undefined. */
export interface IMetricPoint {
  at: number;
  value: number | null;
}

export interface IMetricSeries {
  requestRate: IMetricPoint[];
  errorRate: IMetricPoint[];
  p50: IMetricPoint[];
  p99: IMetricPoint[];
}

/** The charts' points: one window per pair of consecutive samples. */
export function metricSeries(
  samples: readonly DeploymentMetrics[]
): IMetricSeries {
  const series: IMetricSeries = {
    requestRate: [],
    errorRate: [],
    p50: [],
    p99: []
  };
  for (let i = 1; i < samples.length; i++) {
    const window = metricsWindow(samples[i - 1], samples[i]);
    const at = samples[i].at;
    series.requestRate.push({ at, value: window.requestRate });
    series.errorRate.push({ at, value: window.errorRate });
    series.p50.push({ at, value: window.p50 });
    series.p99.push({ at, value: window.p99 });
  }
  return series;
}

/**
 * The charts' points from the server's history: the same windows, kept by
 * the server while anyone looked, so a panel opened again has them at once.
 */
export function historySeries(points: readonly MetricsPoint[]): IMetricSeries {
  const at = (point: MetricsPoint, value: number | null): IMetricPoint => ({
    at: point.at,
    value: value !== null && Number.isFinite(value) ? value : null
  });
  return {
    requestRate: points.map(p => at(p, p.request_rate)),
    errorRate: points.map(p => at(p, p.error_rate)),
    p50: points.map(p => at(p, p.p50)),
    p99: points.map(p => at(p, p.p99))
  };
}

/** The charts' current values from the server's newest point, if any. */
export function lastPoint(
  points: readonly MetricsPoint[]
): Pick<IMetricsWindow, 'requestRate' | 'errorRate' | 'p50' | 'p99'> | null {
  const last = points[points.length - 1];
  return last
    ? {
        requestRate: last.request_rate,
        errorRate: last.error_rate,
        p50: last.p50,
        p99: last.p99
      }
    : null;
}

/**
 * The window from the newest sample at least `seconds` before the last one
 * (or the oldest) to the last: steadier numbers than one 2 s window.
 */
export function recentWindow(
  samples: readonly DeploymentMetrics[],
  seconds = 10
): IMetricsWindow | null {
  if (samples.length < 2) {
    return null;
  }
  const last = samples[samples.length - 1];
  let from = 0;
  for (let i = samples.length - 2; i >= 0; i--) {
    from = i;
    if (last.at - samples[i].at >= seconds) {
      break;
    }
  }
  return metricsWindow(samples[from], last);
}
