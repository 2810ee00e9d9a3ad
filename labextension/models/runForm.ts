import type {
  JSONValue,
  NotebookParameter,
  RunLimits,
  SweepMode
} from '../api';
import { formatValue, parseValue, parseValueList } from './parameterValues';
import { countRuns, sweepParameters } from './sweepPlan';

/** Start one run, or a sweep of several. */
export type LaunchMode = 'single' | 'sweep';

/** What the user typed in the Run dialog. */
export interface IRunFormValues {
  mode: LaunchMode;
  combine: SweepMode;
  /** Text of each parameter's field, by name. */
  values: Record<string, string>;
  concurrency: string;
  /** Seconds any one cell may take; empty: no limit. */
  cellTimeout: string;
  /** Seconds the whole run may take; empty: no limit. */
  timeLimit: string;
}

/** What to send once the form is valid. */
export type LaunchRequest =
  | { kind: 'run'; parameters: Record<string, JSONValue>; limits: RunLimits }
  | {
      kind: 'sweep';
      parameters: Record<string, JSONValue[]>;
      mode: SweepMode;
      concurrency: number;
      limits: RunLimits;
    };

/** Errors next to the limit fields. */
export interface ILimitErrors {
  cellTimeout: string | null;
  timeLimit: string | null;
}

/** The form checked: errors to show next to fields, or the request. */
export interface IRunFormCheck {
  /** Error next to each field that has one, by parameter name. */
  fieldErrors: Record<string, string>;
  /** A sweep's values cannot be combined (zip lengths, too many runs). */
  planError: string | null;
  concurrencyError: string | null;
  limitErrors: ILimitErrors;
  /** Runs that will start (0 when the form is invalid). */
  count: number;
  /** Null while anything is invalid: nothing may be sent. */
  request: LaunchRequest | null;
}

/** Concurrency to offer: the machine's cores, or 2 when unknown. */
function defaultConcurrency(): number {
  const cores =
    typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : 0;
  return Number.isInteger(cores) && cores > 0 ? cores : 2;
}

/** The form as the dialog opens: every field shows its default. */
export function initialFormValues(
  parameters: NotebookParameter[],
  concurrency: number = defaultConcurrency()
): IRunFormValues {
  const values: Record<string, string> = {};
  for (const parameter of parameters) {
    values[parameter.name] = formatValue(parameter.default, parameter.type);
  }
  return {
    mode: 'single',
    combine: 'grid',
    values,
    concurrency: String(concurrency),
    cellTimeout: '',
    timeLimit: ''
  };
}

/** Check every field by its parameter's type and build the request. */
export function checkRunForm(
  parameters: NotebookParameter[],
  form: IRunFormValues
): IRunFormCheck {
  const fieldErrors: Record<string, string> = {};
  const cellTimeout = parseLimit(form.cellTimeout);
  const timeLimit = parseLimit(form.timeLimit);
  const limitErrors: ILimitErrors = {
    cellTimeout: cellTimeout.error,
    timeLimit: timeLimit.error
  };
  const limitsValid = cellTimeout.error === null && timeLimit.error === null;
  const limits: RunLimits = {
    ...(cellTimeout.value !== null ? { cell_timeout: cellTimeout.value } : {}),
    ...(timeLimit.value !== null ? { time_limit: timeLimit.value } : {})
  };
  if (form.mode === 'single') {
    const values: Record<string, JSONValue> = {};
    for (const { name, type } of parameters) {
      const parsed = parseValue(form.values[name] ?? '', type);
      if (parsed.ok) {
        values[name] = parsed.value;
      } else {
        fieldErrors[name] = parsed.error;
      }
    }
    const valid = Object.keys(fieldErrors).length === 0 && limitsValid;
    return {
      fieldErrors,
      planError: null,
      concurrencyError: null,
      limitErrors,
      count: valid ? 1 : 0,
      request: valid ? { kind: 'run', parameters: values, limits } : null
    };
  }

  const lists: Record<string, JSONValue[]> = {};
  for (const { name, type } of parameters) {
    const parsed = parseValueList(form.values[name] ?? '', type);
    if (parsed.ok) {
      lists[name] = parsed.value;
    } else {
      fieldErrors[name] = parsed.error;
    }
  }
  const plan = countRuns(
    Object.entries(lists).map(([name, list]) => ({
      name,
      length: list.length
    })),
    form.combine
  );
  const concurrency = parseConcurrency(form.concurrency);
  const valid =
    Object.keys(fieldErrors).length === 0 &&
    plan.error === null &&
    concurrency.error === null &&
    limitsValid;
  return {
    fieldErrors,
    planError: plan.error,
    concurrencyError: concurrency.error,
    limitErrors,
    count: valid ? plan.count : 0,
    request: valid
      ? {
          kind: 'sweep',
          parameters: sweepParameters(lists, form.combine, plan.count),
          mode: form.combine,
          concurrency: concurrency.value,
          limits
        }
      : null
  };
}

function parseConcurrency(
  text: string
): { value: number; error: null } | { value: 0; error: string } {
  const parsed = parseValue(text, 'int');
  if (!parsed.ok) {
    return { value: 0, error: parsed.error };
  }
  const value = parsed.value as number;
  return value >= 1
    ? { value, error: null }
    : { value: 0, error: 'Run at least 1 at a time' };
}

/** A limit in seconds: empty means none; otherwise a number above 0. */
function parseLimit(
  text: string
): { value: number | null; error: null } | { value: null; error: string } {
  if (text.trim() === '') {
    return { value: null, error: null };
  }
  const parsed = parseValue(text, 'float');
  if (!parsed.ok || (parsed.value as number) <= 0) {
    return {
      value: null,
      error: 'Seconds above 0, or empty for no limit'
    };
  }
  return { value: parsed.value as number, error: null };
}
