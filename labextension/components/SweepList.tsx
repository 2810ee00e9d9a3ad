import { closeIcon } from '@jupyterlab/ui-components';
import React from 'react';

import type { Sweep } from '../api';
import { sweepActive, sweepDone, sweepSummary } from '../models/runFormat';
import { plural } from '../format/text';

export interface ISweepListProps {
  sweeps: Sweep[];
  /** When each sweep was last heard of (ms), to count its ETA down. */
  seenAt: Record<string, number>;
  now: number;
  onDismiss: (sweepId: string) => void;
}

/** One progress line per sweep: counts, a bar and the time left. */
export function SweepList({
  sweeps,
  seenAt,
  now,
  onDismiss
}: ISweepListProps): JSX.Element | null {
  if (sweeps.length === 0) {
    return null;
  }
  return (
    <ul className="jp-DeploySweeps" aria-label="Sweeps">
      {sweeps.map(sweep => {
        const eta =
          sweep.eta_s === null || sweep.eta_s === undefined
            ? null
            : sweep.eta_s - Math.max(0, now - (seenAt[sweep.id] ?? now)) / 1000;
        return (
          <SweepLine
            key={sweep.id}
            sweep={sweep}
            eta={eta}
            onDismiss={() => onDismiss(sweep.id)}
          />
        );
      })}
    </ul>
  );
}

function SweepLine({
  sweep,
  eta,
  onDismiss
}: {
  sweep: Sweep;
  eta: number | null;
  onDismiss: () => void;
}): JSX.Element {
  const active = sweepActive(sweep);
  const total = Math.max(sweep.total, 1);
  const { counts } = sweep;
  const segments: Array<[string, number]> = [
    ['succeeded', counts.succeeded],
    ['failed', counts.failed + counts.interrupted],
    ['cancelled', counts.cancelled],
    ['running', counts.running]
  ];
  const summary = sweepSummary(sweep, eta);
  return (
    <li
      className="jp-DeploySweep"
      aria-label={`Sweep ${sweep.id}`}
      data-active={active}
    >
      <div className="jp-DeploySweep-heading">
        <span className="jp-DeploySweep-title">
          Sweep <code>{sweep.id}</code>
        </span>
        <span className="jp-DeploySweep-meta">
          {sweep.mode} · {plural(sweep.total, 'run')} · {sweep.concurrency} at a
          time
        </span>
        <span className="jp-DeploySweep-summary" role="status">
          {summary}
        </span>
        {!active && (
          <button
            type="button"
            className="jp-DeployIconButton"
            aria-label={`Hide sweep ${sweep.id}`}
            title="Hide this line"
            onClick={onDismiss}
          >
            <closeIcon.react tag="span" />
          </button>
        )}
      </div>
      <div
        className="jp-DeploySweep-bar"
        role="progressbar"
        aria-label={`Sweep ${sweep.id} progress`}
        aria-valuemin={0}
        aria-valuemax={sweep.total}
        aria-valuenow={sweepDone(sweep)}
        aria-valuetext={summary}
      >
        {segments.map(([status, count]) =>
          count > 0 ? (
            <span
              key={status}
              className={`jp-DeploySweep-segment jp-mod-${status}`}
              style={{ width: `${(100 * count) / total}%` }}
            />
          ) : null
        )}
      </div>
    </li>
  );
}
