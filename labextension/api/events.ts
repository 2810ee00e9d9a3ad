import { isRecord } from './json';
import type { Run, Sweep } from './runModels';

/** Schema id of the run events on Jupyter Server's event bus. */
export const RUN_EVENT_SCHEMA =
  'https://events.jupyter.org/jupyter_deploy/run/v1';

/** A run event, its JSON strings parsed. */
export interface IRunEvent {
  project: string;
  run: Run;
  /** The run's sweep as it is now, or null for a single run. */
  sweep: Sweep | null;
}

/**
 * Read a run event from an event-bus emission (its data fields sit next to
 * `schema_id`). Returns null for other schemas and for malformed events.
 */
export function parseRunEvent(emission: {
  readonly [key: string]: unknown;
}): IRunEvent | null {
  if (emission.schema_id !== RUN_EVENT_SCHEMA || emission.kind !== 'run') {
    return null;
  }
  const { project } = emission;
  if (typeof project !== 'string') {
    return null;
  }
  const run = parseObject(emission.run);
  if (!run || typeof run.id !== 'string' || typeof run.status !== 'string') {
    return null;
  }
  const sweep = parseObject(emission.sweep);
  return {
    project,
    run: run as Run,
    sweep: sweep && typeof sweep.id === 'string' ? (sweep as Sweep) : null
  };
}

function parseObject(text: unknown): Record<string, unknown> | null {
  if (typeof text !== 'string' || text === '') {
    return null;
  }
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}
