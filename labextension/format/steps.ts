/** Steps of a build, of a deployment operation, of the deploy flow. */

/**
 * pending: not started yet; skipped: it ended before the step; stopped:
 * cancelled or interrupted during it.
 */
export type StepState =
  'pending' | 'running' | 'done' | 'failed' | 'stopped' | 'skipped';

/** The state of a step as words, for its tooltip and screen readers. */
export const STEP_STATE_LABELS: Record<StepState, string> = {
  pending: 'pending',
  running: 'running',
  done: 'done',
  failed: 'failed',
  stopped: 'stopped',
  skipped: 'not run'
};
