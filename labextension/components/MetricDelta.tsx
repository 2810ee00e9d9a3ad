import React from 'react';

import type { DeltaTone } from '../models/metricDirection';
import { formatDelta } from '../format/text';

const TONE_WORDS: Record<DeltaTone, string> = {
  better: 'better',
  worse: 'worse',
  same: 'unchanged',
  neutral: 'no better or worse known for this metric'
};

/** A metric's change, coloured by whether it is an improvement. */
export function MetricDelta({
  delta,
  tone,
  against
}: {
  delta: number | null;
  tone: DeltaTone;
  /** The version compared with, for the tooltip ("v2"). */
  against?: string;
}): JSX.Element | null {
  if (delta === null) {
    return null;
  }
  const arrow = delta > 0 ? '▲' : delta < 0 ? '▼' : '';
  const title = `${against ? `vs ${against}: ` : ''}${TONE_WORDS[tone]}`;
  return (
    <span className="jp-DeployDelta" data-tone={tone} title={title}>
      {arrow && <span aria-hidden="true">{arrow}</span>}
      {formatDelta(delta)}
      <span className="jp-DeployVisuallyHidden"> ({title})</span>
    </span>
  );
}
