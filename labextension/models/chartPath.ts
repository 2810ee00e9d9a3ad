import type { IMetricPoint } from './deploymentMetrics';

/** Size of a chart's drawing, in its own units (the SVG stretches to fit). */
export const CHART_WIDTH = 300;
export const CHART_HEIGHT = 60;

export interface IChartPaths {
  /** The line, broken where values are missing. */
  line: string;
  /** The area under the line, one closed shape per unbroken run. */
  area: string;
  /** The top of the scale (the bottom is 0). */
  max: number;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * SVG paths of a line chart of `points` over the `span` seconds up to the
 * newest point, scaled from 0 to the largest value (at least `floor`).
 */
export function chartPaths(
  points: readonly IMetricPoint[],
  span: number,
  floor = 0
): IChartPaths {
  const last = points[points.length - 1];
  if (!last) {
    return { line: '', area: '', max: floor };
  }
  const from = last.at - span;
  const shown = points.filter(point => point.at >= from);
  const values = shown
    .map(point => point.value)
    .filter((value): value is number => value !== null && isFinite(value));
  const max = Math.max(floor, ...values);
  const x = (at: number) => round(((at - from) / span) * CHART_WIDTH);
  const y = (value: number) =>
    round(CHART_HEIGHT - (max > 0 ? (value / max) * CHART_HEIGHT : 0));
  const runs: IMetricPoint[][] = [];
  let current: IMetricPoint[] = [];
  for (const point of shown) {
    if (point.value === null || !isFinite(point.value)) {
      if (current.length > 0) {
        runs.push(current);
      }
      current = [];
    } else {
      current.push(point);
    }
  }
  if (current.length > 0) {
    runs.push(current);
  }
  const line: string[] = [];
  const area: string[] = [];
  for (const run of runs) {
    const coordinates = run.map(p => `${x(p.at)},${y(p.value as number)}`);
    line.push(`M${coordinates.join('L')}`);
    // A lone point still shows, as a short flat stroke.
    if (run.length === 1) {
      line.push(`h1`);
    }
    const start = x(run[0].at);
    const end = x(run[run.length - 1].at);
    area.push(
      `M${start},${CHART_HEIGHT}L${coordinates.join('L')}L${end},${CHART_HEIGHT}Z`
    );
  }
  return { line: line.join(''), area: area.join(''), max };
}
