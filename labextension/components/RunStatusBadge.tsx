import React from 'react';

import type { Run } from '../api';
import { failureText, progressText, STATUS_LABELS } from '../models/runFormat';
import { StatusIcon } from './StatusIcon';

/** Finished runs share the doctor's marks; the others have their own. */
const TONES = {
  succeeded: 'ok',
  failed: 'error',
  interrupted: 'warning'
} as const;

/** A run's status as a mark and a word; progress or failure below it. */
export function RunStatusBadge({ run }: { run: Run }): JSX.Element {
  const progress = progressText(run);
  const failure = failureText(run);
  const fraction =
    run.status === 'running' && run.progress && run.progress.total > 0
      ? Math.min(1, run.progress.cell / run.progress.total)
      : null;
  return (
    <div className="jp-DeployRunStatus" data-status={run.status}>
      <span className="jp-DeployRunStatus-label">
        <StatusMark run={run} />
        {STATUS_LABELS[run.status] ?? run.status}
      </span>
      {progress && (
        <span className="jp-DeployRunStatus-detail">{progress}</span>
      )}
      {fraction !== null && (
        <span className="jp-DeployRunStatus-bar" aria-hidden="true">
          <span style={{ width: `${Math.round(fraction * 100)}%` }} />
        </span>
      )}
      {failure && (
        <span
          className="jp-DeployRunStatus-detail jp-DeployRunStatus-failure"
          title={failure}
        >
          {failure}
        </span>
      )}
    </div>
  );
}

function StatusMark({ run }: { run: Run }): JSX.Element {
  const tone = TONES[run.status as keyof typeof TONES];
  if (tone) {
    return <StatusIcon status={tone} decorative />;
  }
  return (
    <span
      className={`jp-DeployRunStatus-mark jp-mod-${run.status}`}
      aria-hidden="true"
    />
  );
}
