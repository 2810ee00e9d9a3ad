import type { JSONValue, Run } from '../api';
import { formatValue } from '../format/text';
import { metricKeys, parameterNames } from './runsTable';

/** One line of the comparison: a parameter or a metric across runs. */
export interface ICompareRow {
  section: 'parameters' | 'metrics';
  name: string;
  /** The value of each run, as shown ('—' when a run has none). */
  values: string[];
  /** Not every run has the same value. */
  different: boolean;
}

/** Parameters, then metrics, of the runs side by side. */
export function compareRows(runs: readonly Run[]): ICompareRow[] {
  const rows: ICompareRow[] = [];
  for (const name of parameterNames(runs)) {
    rows.push(
      makeRow(
        'parameters',
        name,
        runs.map(run => run.parameters?.[name])
      )
    );
  }
  for (const name of metricKeys(runs)) {
    rows.push(
      makeRow(
        'metrics',
        name,
        runs.map(run => run.metrics?.[name])
      )
    );
  }
  return rows;
}

function makeRow(
  section: ICompareRow['section'],
  name: string,
  raw: Array<JSONValue | undefined>
): ICompareRow {
  // Compare the exact JSON, not the rounded text shown.
  const exact = new Set(raw.map(value => JSON.stringify(value ?? null)));
  return {
    section,
    name,
    values: raw.map(value => formatValue(value)),
    different: exact.size > 1
  };
}
