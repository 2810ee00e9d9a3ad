import React from 'react';

import type { CheckStatus } from '../api';
import { statusErrorIcon, statusOkIcon, statusWarningIcon } from '../icons';

export const STATUS_LABELS: Record<CheckStatus, string> = {
  ok: 'OK',
  warning: 'Warning',
  error: 'Error'
};

const ICONS = {
  ok: statusOkIcon,
  warning: statusWarningIcon,
  error: statusErrorIcon
};

/** A coloured, shaped status mark with a text alternative. */
export function StatusIcon({ status }: { status: CheckStatus }): JSX.Element {
  const Icon = ICONS[status] ?? statusErrorIcon;
  const label = STATUS_LABELS[status] ?? status;
  return (
    <span
      className={`jp-DeployStatusIcon jp-mod-${status}`}
      role="img"
      aria-label={label}
      title={label}
    >
      <Icon.react tag="span" />
    </span>
  );
}
