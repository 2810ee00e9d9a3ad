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

/**
 * A coloured, shaped status mark with a text alternative; `decorative` when
 * a word beside it already says the status.
 */
export function StatusIcon({
  status,
  decorative = false
}: {
  status: CheckStatus;
  decorative?: boolean;
}): JSX.Element {
  const Icon = ICONS[status] ?? statusErrorIcon;
  const label = STATUS_LABELS[status] ?? status;
  const alternative = decorative
    ? { 'aria-hidden': true }
    : { role: 'img', 'aria-label': label, title: label };
  return (
    <span className={`jp-DeployStatusIcon jp-mod-${status}`} {...alternative}>
      <Icon.react tag="span" />
    </span>
  );
}
