import type { Run, RunStatus, Sweep } from '../api';
import { formatDuration } from '../format/time';

/** A run status as a word for people. */
export const STATUS_LABELS: Record<RunStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted'
};

/** Where a run is: "cell 3 of 9", "starting", "waiting". */
export function progressText(run: Run): string | null {
  if (run.status === 'queued') {
    return 'waiting for a slot';
  }
  if (run.status !== 'running') {
    return null;
  }
  // `cell` counts the cells started so far: 0 while the kernel starts.
  const progress = run.progress;
  return progress && progress.total > 0 && progress.cell > 0
    ? `cell ${Math.min(progress.cell, progress.total)} of ${progress.total}`
    : 'starting';
}

/** Why a failed run failed, in one line. */
export function failureText(run: Run): string | null {
  const error = run.error;
  if (!error) {
    return null;
  }
  // cell_index is the notebook's 0-based index; people count from 1, as
  // the progress ("cell 3 of 9") does.
  const where =
    error.cell_index !== null && error.cell_index !== undefined
      ? ` in cell ${error.cell_index + 1}`
      : '';
  const what = [error.ename, error.evalue].filter(Boolean).join(': ');
  const kind = error.kind.replace(/_/g, ' ');
  return `${kind}${where}${what ? ` — ${what}` : ''}`;
}

/** Runs of a sweep that have finished, whatever their outcome. */
export function sweepDone(sweep: Sweep): number {
  const c = sweep.counts;
  return c.succeeded + c.failed + c.cancelled + c.interrupted;
}

/** The sweep still has runs queued or running. */
export function sweepActive(sweep: Sweep): boolean {
  return sweep.counts.queued + sweep.counts.running > 0;
}

/**
 * One line of a sweep's progress: "3/4 done · 1 running · ETA 5 s" while
 * it runs, "4/4 succeeded" or "3/4 succeeded · 1 failed" once finished.
 */
export function sweepSummary(sweep: Sweep, etaSeconds: number | null): string {
  const c = sweep.counts;
  const parts: string[] = [];
  if (sweepActive(sweep)) {
    parts.push(`${sweepDone(sweep)}/${sweep.total} done`);
    if (c.running) {
      parts.push(`${c.running} running`);
    }
    if (c.queued) {
      parts.push(`${c.queued} queued`);
    }
    if (c.failed) {
      parts.push(`${c.failed} failed`);
    }
    if (etaSeconds !== null) {
      parts.push(
        `ETA ${formatDuration(Math.ceil(Math.max(0, etaSeconds)), false)}`
      );
    }
  } else {
    parts.push(`${c.succeeded}/${sweep.total} succeeded`);
    for (const status of ['failed', 'cancelled', 'interrupted'] as const) {
      if (c[status]) {
        parts.push(`${c[status]} ${status}`);
      }
    }
  }
  return parts.join(' · ');
}
