import React, { useMemo } from 'react';

import {
  formatLatency,
  formatRate,
  formatShare
} from '../models/deploymentFormat';
import type { DeploymentModel } from '../models/deployment';
import {
  MAX_SAMPLES,
  historySeries,
  lastPoint,
  metricSeries,
  recentWindow
} from '../models/deploymentMetrics';
import { METRICS_INTERVAL_MS } from '../models/deployment';
import { plural } from '../format/text';
import { MetricChart } from './MetricChart';

/** Seconds the charts span: the samples the panel keeps. */
const SPAN_S = ((MAX_SAMPLES - 1) * METRICS_INTERVAL_MS) / 1000;

/** The four charts: which series, how its values read, the smallest top of its scale. */
const CHARTS: {
  metric: string;
  title: string;
  key: 'requestRate' | 'errorRate' | 'p50' | 'p99';
  format: (value: number | null) => string;
  floor: number;
}[] = [
  {
    metric: 'request-rate',
    title: 'Requests',
    key: 'requestRate',
    format: formatRate,
    floor: 1
  },
  {
    metric: 'error-rate',
    title: 'Errors',
    key: 'errorRate',
    format: formatShare,
    floor: 0.01
  },
  {
    metric: 'p50',
    title: 'Latency p50',
    key: 'p50',
    format: formatLatency,
    floor: 0.001
  },
  {
    metric: 'p99',
    title: 'Latency p99',
    key: 'p99',
    format: formatLatency,
    floor: 0.001
  }
];

/** Live traffic: totals, and charts of the last minutes. */
export function DeploymentMetricsView({
  model
}: {
  model: DeploymentModel;
}): JSX.Element {
  const { samples, history, metricsError, deployment } = model.state;
  // The server's history when it keeps one: a panel opened again draws the
  // minutes before it at once, not only what it sampled itself.
  const series = useMemo(
    () => (history ? historySeries(history) : metricSeries(samples)),
    [history, samples]
  );
  const recent = useMemo(
    () => recentWindow(samples) ?? (history ? lastPoint(history) : null),
    [history, samples]
  );
  const last = samples[samples.length - 1];
  return (
    <section
      className="jp-DeployDeployment-section jp-DeployTraffic"
      aria-label="Traffic"
    >
      <h3 className="jp-DeployDeployment-sectionTitle">Traffic</h3>
      {last ? (
        <p className="jp-DeployTraffic-totals">
          <strong data-testid="deployment-requests">
            {plural(last.requests, 'request')}
          </strong>
          <span title="Answered with a 5xx status">
            {plural(last.errors, 'error')}
          </span>
          <span title="Refused with a 4xx status (invalid input, missing key)">
            {last.rejected} rejected
          </span>
          <span>{plural(last.predictions, 'prediction')}</span>
          <span>{last.in_flight} in flight</span>
        </p>
      ) : deployment?.status === 'stopped' ? (
        <p className="jp-DeployDeployment-none">Stopped: no traffic.</p>
      ) : (
        <p className="jp-DeployDeployment-none">
          {metricsError ? 'No metrics yet.' : 'Reading the metrics…'}
        </p>
      )}
      {metricsError && (
        <p className="jp-DeployDeployment-note" role="status">
          Metrics unavailable: {metricsError.message}
        </p>
      )}
      {(samples.length > 0 || (history?.length ?? 0) > 0) && (
        <div className="jp-DeployTraffic-charts">
          {CHARTS.map(chart => (
            <MetricChart
              key={chart.metric}
              metric={chart.metric}
              title={chart.title}
              points={series[chart.key]}
              current={recent?.[chart.key] ?? null}
              format={chart.format}
              span={SPAN_S}
              floor={chart.floor}
            />
          ))}
        </div>
      )}
    </section>
  );
}
