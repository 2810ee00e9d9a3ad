import React, { useMemo } from 'react';

import type { CellChange } from '../api';
import { diffLines, diffStat } from '../models/unifiedDiff';

/** One changed notebook cell: a folding header and its coloured diff. */
export function CellDiff({ cell }: { cell: CellChange }): JSX.Element {
  const lines = useMemo(() => diffLines(cell.diff), [cell.diff]);
  const { added, removed } = diffStat(lines);
  return (
    <details className="jp-DeployCellDiff" data-change={cell.change} open>
      <summary className="jp-DeployCellDiff-summary">
        <span className="jp-DeployCellDiff-change">{cell.change}</span>
        <code className="jp-DeployCellDiff-id">
          {cell.cell_id === 'injected-parameters'
            ? 'injected parameters'
            : `cell ${cell.cell_id}`}
        </code>
        <span className="jp-DeployCellDiff-stat">
          <span className="jp-mod-added">+{added}</span>{' '}
          <span className="jp-mod-removed">−{removed}</span>
        </span>
      </summary>
      <pre className="jp-DeployCellDiff-lines">
        {lines.map((line, index) => (
          <span
            key={index}
            className={`jp-DeployCellDiff-line jp-mod-${line.kind}`}
          >
            {line.text}
            {'\n'}
          </span>
        ))}
      </pre>
    </details>
  );
}
