import React from 'react';

import type { Run } from '../api';
import { compareRows, type ICompareRow } from '../models/compare';
import { plural } from '../format/text';
import { elapsedSeconds, formatDuration } from '../format/time';
import { RunStatusBadge } from './RunStatusBadge';

export interface ICompareViewProps {
  runs: Run[];
  now: number;
  onBack: () => void;
}

/** The selected runs side by side; rows whose values differ stand out. */
export function CompareView({
  runs,
  now,
  onBack
}: ICompareViewProps): JSX.Element {
  const rows = compareRows(runs);
  const differences = rows.filter(row => row.different).length;
  return (
    <section className="jp-DeployCompare" aria-label="Compare runs">
      <div className="jp-DeployCompare-heading">
        <h3>Comparing {plural(runs.length, 'run')}</h3>
        <span className="jp-DeployCompare-count">
          {differences === 0
            ? 'No differences in parameters or metrics'
            : `${plural(differences, 'row')} differ`}
        </span>
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-reject"
          onClick={onBack}
        >
          Back to all runs
        </button>
      </div>
      <table className="jp-sortable-table jp-DeployCompare-table">
        <thead>
          <tr className="jp-sortable-table-tr">
            <th scope="col">
              <span className="jp-DeployVisuallyHidden">Name</span>
            </th>
            {runs.map(run => (
              <th key={run.id} scope="col">
                <code>{run.id}</code>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr className="jp-sortable-table-tr">
            <th scope="row">status</th>
            {runs.map(run => (
              <td key={run.id}>
                <RunStatusBadge run={run} />
              </td>
            ))}
          </tr>
          <tr className="jp-sortable-table-tr">
            <th scope="row">duration</th>
            {runs.map(run => (
              <td key={run.id} className="jp-mod-numeric">
                {formatDuration(elapsedSeconds(run, now))}
              </td>
            ))}
          </tr>
          <Section
            title="Parameters"
            runs={runs}
            rows={rows}
            section="parameters"
          />
          <Section title="Metrics" runs={runs} rows={rows} section="metrics" />
        </tbody>
      </table>
    </section>
  );
}

function Section({
  title,
  runs,
  rows,
  section
}: {
  title: string;
  runs: Run[];
  rows: ICompareRow[];
  section: ICompareRow['section'];
}): JSX.Element {
  const mine = rows.filter(row => row.section === section);
  return (
    <>
      <tr className="jp-DeployCompare-section">
        <th scope="rowgroup" colSpan={runs.length + 1}>
          {title}
        </th>
      </tr>
      {mine.length === 0 && (
        <tr className="jp-sortable-table-tr">
          <td colSpan={runs.length + 1} className="jp-DeployRunsTable-none">
            none recorded
          </td>
        </tr>
      )}
      {mine.map(row => (
        <tr
          key={row.name}
          className={`jp-sortable-table-tr${row.different ? ' jp-mod-different' : ''}`}
          data-different={row.different}
        >
          <th scope="row">
            {row.name}
            {row.different && (
              <span className="jp-DeployCompare-marker"> differs</span>
            )}
          </th>
          {row.values.map((value, index) => (
            <td
              key={runs[index].id}
              className={section === 'metrics' ? 'jp-mod-numeric' : undefined}
            >
              {value}
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}
