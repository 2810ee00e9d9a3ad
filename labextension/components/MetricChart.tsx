import React from 'react';

import { CHART_HEIGHT, CHART_WIDTH, chartPaths } from '../models/chartPath';
import type { IMetricPoint } from '../models/deploymentMetrics';

export interface IMetricChartProps {
  /** Key of the metric, for styling and tests. */
  metric: string;
  title: string;
  points: readonly IMetricPoint[];
  /** The value now (over the last seconds), shown large. */
  current: number | null;
  format: (value: number | null) => string;
  /** Seconds the chart spans. */
  span: number;
  /** The scale's top is at least this (a flat zero line sits at the bottom). */
  floor?: number;
}

/** A small line chart of one metric over the last minutes: inline SVG. */
export function MetricChart({
  metric,
  title,
  points,
  current,
  format,
  span,
  floor = 0
}: IMetricChartProps): JSX.Element {
  const { line, area, max } = chartPaths(points, span, floor);
  const minutes = Math.round(span / 60);
  return (
    <figure className="jp-DeployChart" data-metric={metric}>
      <figcaption className="jp-DeployChart-caption">
        <span className="jp-DeployChart-title">{title}</span>
        <strong className="jp-DeployChart-value">{format(current)}</strong>
      </figcaption>
      <svg
        className="jp-DeployChart-plot"
        viewBox={`0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${title} over the last ${minutes} min, up to ${format(max)}`}
      >
        <line
          className="jp-DeployChart-base"
          x1={0}
          x2={CHART_WIDTH}
          y1={CHART_HEIGHT}
          y2={CHART_HEIGHT}
        />
        {area && <path className="jp-DeployChart-area" d={area} />}
        {line && <path className="jp-DeployChart-line" d={line} />}
      </svg>
      <span className="jp-DeployChart-scale">
        <span>{minutes} min</span>
        <span>max {format(max)}</span>
      </span>
    </figure>
  );
}
