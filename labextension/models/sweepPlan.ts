import type { JSONValue, SweepMode } from '../api';
import { plural } from '../format/text';

/** The server refuses sweeps of more runs than this. */
export const MAX_SWEEP_RUNS = 256;

/** How many values the user gave for one parameter. */
export interface IFieldLength {
  name: string;
  length: number;
}

export type RunCount =
  { count: number; error: null } | { count: 0; error: string };

/**
 * How many runs a sweep starts. Grid: the product of the lengths. Zip: the
 * common length of the fields with several values (a single value applies
 * to every run); different lengths are an error that names them.
 */
export function countRuns(fields: IFieldLength[], mode: SweepMode): RunCount {
  let count: number;
  if (mode === 'grid') {
    count = fields.reduce((product, field) => product * field.length, 1);
  } else {
    const several = fields.filter(field => field.length > 1);
    const lengths = new Set(several.map(field => field.length));
    if (lengths.size > 1) {
      const named = several
        .map(field => `${field.name} has ${field.length}`)
        .join(', ');
      return {
        count: 0,
        error: `Zip pairs values by position, so every field with several values needs the same number: ${named}.`
      };
    }
    count = several.length > 0 ? several[0].length : 1;
  }
  if (count > MAX_SWEEP_RUNS) {
    return {
      count: 0,
      error: `${count} runs is more than the ${MAX_SWEEP_RUNS} a sweep may start; use fewer values.`
    };
  }
  return { count, error: null };
}

/**
 * The parameter lists to send for a sweep. In zip mode a single value is
 * repeated so that every list has the sweep's length, as the server pairs
 * lists element by element.
 */
export function sweepParameters(
  values: Record<string, JSONValue[]>,
  mode: SweepMode,
  count: number
): Record<string, JSONValue[]> {
  const result: Record<string, JSONValue[]> = {};
  for (const [name, list] of Object.entries(values)) {
    result[name] =
      mode === 'zip' && list.length === 1 && count > 1
        ? Array.from({ length: count }, () => list[0])
        : list;
  }
  return result;
}

/** "1 run will start", "4 runs will start" */
export function runCountText(count: number): string {
  return `${plural(count, 'run')} will start`;
}
