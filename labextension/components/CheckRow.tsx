import React from 'react';

import type { DoctorCheck } from '../api';
import { InlineText } from './InlineText';
import { StatusIcon } from './StatusIcon';

/** One doctor check: status, label, value, detail and what to do. */
export function CheckRow({ check }: { check: DoctorCheck }): JSX.Element {
  return (
    <li
      className="jp-DeployCheck"
      aria-label={check.label}
      data-status={check.status}
      data-check-id={check.id}
    >
      <StatusIcon status={check.status} />
      <div className="jp-DeployCheck-body">
        <div className="jp-DeployCheck-heading">
          <span className="jp-DeployCheck-label">{check.label}</span>
          {check.value !== null && (
            <span className="jp-DeployCheck-value" title={check.value}>
              {check.value}
            </span>
          )}
        </div>
        <p className="jp-DeployCheck-detail">
          <InlineText text={check.detail} />
        </p>
        {check.hint && (
          <p className="jp-DeployCheck-hint">
            <span className="jp-DeployCheck-hintTag">
              {check.status === 'ok' ? 'Tip' : 'Fix'}
            </span>
            <span>
              <InlineText text={check.hint} />
            </span>
          </p>
        )}
      </div>
    </li>
  );
}
