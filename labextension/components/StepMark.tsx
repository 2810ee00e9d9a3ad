import React from 'react';

import type { StepState } from '../format/steps';
import { StatusIcon } from './StatusIcon';

/** A step's state as a mark: the doctor's when it ended, the run marks before. */
export function StepMark({ state }: { state: StepState }): JSX.Element {
  switch (state) {
    case 'done':
      return <StatusIcon status="ok" decorative />;
    case 'failed':
      return <StatusIcon status="error" decorative />;
    case 'running':
      return <Mark kind="running" />;
    case 'stopped':
      return <Mark kind="cancelled" />;
    default:
      return <Mark kind="queued" />;
  }
}

/** The run status marks: a spinner, a hollow ring, a struck ring. */
function Mark({ kind }: { kind: string }): JSX.Element {
  return (
    <span
      className={`jp-DeployRunStatus-mark jp-mod-${kind}`}
      aria-hidden="true"
    />
  );
}
