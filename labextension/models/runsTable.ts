import { RUN_STATUSES, type JSONValue, type Run, type RunStatus } from '../api';
import { elapsedSeconds, parseTime } from '../format/time';

/** Columns the runs table sorts by; metrics as `metric:<key>`. */
export type SortKey =
  | 'status'
  | 'id'
  | 'sweep'
  | 'parameters'
  | 'duration'
  | 'created_by'
  | 'created_at'
  | `metric:${string}`;

export type SortDirection = 'ascending' | 'descending';

export interface ISortState {
  key: SortKey;
  direction: SortDirection;
}

/** The server's order: newest first. */
export const DEFAULT_SORT: ISortState = {
  key: 'created_at',
  direction: 'descending'
};

/** Filter value showing every status. */
export const ALL_STATUSES = 'all';
export type StatusFilter = RunStatus | typeof ALL_STATUSES;

/** Sort key of a metric column. */
export function metricSortKey(metric: string): SortKey {
  return `metric:${metric}`;
}

/** Every metric key the runs report, sorted by name. */
export function metricKeys(runs: readonly Run[]): string[] {
  const keys = new Set<string>();
  for (const run of runs) {
    for (const key of Object.keys(run.metrics ?? {})) {
      keys.add(key);
    }
  }
  return [...keys].sort((a, b) => a.localeCompare(b));
}

/** Anything with parameters: runs, and the versions made from them. */
type WithParameters = { parameters: Record<string, JSONValue> };

/** Every parameter name the runs used, sorted by name. */
export function parameterNames(runs: readonly WithParameters[]): string[] {
  const names = new Set<string>();
  for (const run of runs) {
    for (const name of Object.keys(run.parameters ?? {})) {
      names.add(name);
    }
  }
  return [...names].sort((a, b) => a.localeCompare(b));
}

/**
 * The parameters whose values differ between the runs: what tells the runs
 * of a sweep apart. When none differ, every parameter.
 */
export function varyingParameters(runs: readonly WithParameters[]): string[] {
  const names = parameterNames(runs);
  const varying = names.filter(name => {
    const values = new Set(
      runs.map(run => JSON.stringify(run.parameters?.[name] ?? null))
    );
    return values.size > 1;
  });
  return varying.length > 0 ? varying : names;
}

/**
 * The sort after a click on a column header: the same column flips, a new
 * one starts with its natural direction (best metric, newest run first).
 */
export function nextSort(current: ISortState, key: SortKey): ISortState {
  if (current.key === key) {
    return {
      key,
      direction: current.direction === 'ascending' ? 'descending' : 'ascending'
    };
  }
  const descendingFirst = key.startsWith('metric:') || key === 'created_at';
  return { key, direction: descendingFirst ? 'descending' : 'ascending' };
}

/** Keep the runs whose status matches the filter. */
export function filterRuns(runs: readonly Run[], status: StatusFilter): Run[] {
  return status === ALL_STATUSES
    ? [...runs]
    : runs.filter(run => run.status === status);
}

/**
 * Sort runs by a column. Runs without a value (no such metric, not
 * finished) go last in either direction; ties keep the newest first.
 */
export function sortRuns(
  runs: readonly Run[],
  sort: ISortState,
  now: number = Date.now()
): Run[] {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  const keyed = runs.map(run => ({
    run,
    value: sortValue(run, sort.key, now)
  }));
  keyed.sort((a, b) => {
    if (a.value === null || b.value === null) {
      if (a.value === b.value) {
        return byNewest(a.run, b.run);
      }
      return a.value === null ? 1 : -1;
    }
    const order =
      typeof a.value === 'number' && typeof b.value === 'number'
        ? a.value - b.value
        : String(a.value).localeCompare(String(b.value), undefined, {
            numeric: true
          });
    return order !== 0 ? order * sign : byNewest(a.run, b.run);
  });
  return keyed.map(item => item.run);
}

/**
 * The Promote button's tooltip: a run already promoted is not promoted again
 * from here (the server refuses); a copy is for the command line.
 */
export function promoteTitle(run: Run, busy: boolean): string {
  const promoted = run.promoted_to ?? [];
  if (busy) {
    return 'Promoting…';
  }
  if (promoted.length > 0) {
    return (
      `Already promoted to ${promoted.join(', ')}. For another version of ` +
      `this run: jupyter deploy version create ${run.id} --copy`
    );
  }
  return 'Promote to a model version (git tag + DVC)';
}

/** Parameters as one comparable line: `a=1 b="x"`, by name. */
export function parametersText(parameters: Record<string, JSONValue>): string {
  return Object.keys(parameters ?? {})
    .sort((a, b) => a.localeCompare(b))
    .map(name => `${name}=${JSON.stringify(parameters[name])}`)
    .join(' ');
}

function sortValue(
  run: Run,
  key: SortKey,
  now: number
): number | string | null {
  if (key.startsWith('metric:')) {
    const value = run.metrics?.[key.slice('metric:'.length)];
    if (value === undefined || value === null) {
      return null;
    }
    return typeof value === 'number' ? value : JSON.stringify(value);
  }
  switch (key) {
    case 'status':
      return RUN_STATUSES.indexOf(run.status);
    case 'id':
      return run.id;
    case 'sweep':
      return run.sweep_id;
    case 'parameters':
      return parametersText(run.parameters);
    case 'duration':
      return elapsedSeconds(run, now);
    case 'created_by':
      return run.created_by;
    case 'created_at':
      return parseTime(run.created_at);
    default:
      return null;
  }
}

function byNewest(a: Run, b: Run): number {
  const order = (parseTime(b.created_at) ?? 0) - (parseTime(a.created_at) ?? 0);
  return order !== 0 ? order : b.id.localeCompare(a.id);
}
