import {
  caretDownIcon,
  caretUpIcon,
  notebookIcon,
  runIcon,
  stopIcon
} from '@jupyterlab/ui-components';
import React, { useEffect, useRef } from 'react';

import { ACTIVE_STATUSES, type JSONValue, type Run } from '../api';
import {
  metricSortKey,
  parametersText,
  promoteTitle,
  type ISortState,
  type SortKey
} from '../models/runsTable';
import { versionsIcon } from '../icons';
import { formatValue, versionLabel } from '../format/text';
import { elapsedSeconds, formatDuration, parseTime } from '../format/time';
import { RunStatusBadge } from './RunStatusBadge';

export interface IRunsTableProps {
  /** The runs to show, already filtered and sorted. */
  runs: Run[];
  metrics: string[];
  /** Parameters to show in each row (those that tell the runs apart). */
  parameters: string[];
  sort: ISortState;
  selected: string[];
  busy: string[];
  now: number;
  onSort: (key: SortKey) => void;
  onToggle: (runId: string) => void;
  onToggleAll: (selected: boolean) => void;
  onOpen: (run: Run) => void;
  onRerun: (run: Run) => void;
  onCancel: (run: Run) => void;
  /** Offered on succeeded runs when given: make the run a model version. */
  onPromote?: (run: Run) => void;
}

/** The runs of a project, one row each, sortable by any column. */
export function RunsTable(props: IRunsTableProps): JSX.Element {
  const { runs, metrics, sort, onSort } = props;
  const header = (key: SortKey, label: string, numeric = false) => (
    <SortHeader
      key={key}
      sortKey={key}
      label={label}
      sort={sort}
      numeric={numeric}
      onSort={onSort}
    />
  );
  return (
    <table className="jp-sortable-table jp-DeployRunsTable" aria-label="Runs">
      <thead>
        <tr className="jp-sortable-table-tr">
          <th className="jp-DeployRunsTable-select">
            <SelectAll {...props} />
          </th>
          {header('status', 'Status')}
          {header('id', 'Run')}
          {header('sweep', 'Sweep')}
          {header('parameters', 'Parameters')}
          {metrics.map(metric => header(metricSortKey(metric), metric, true))}
          {header('duration', 'Duration', true)}
          {header('created_at', 'Created')}
          {header('created_by', 'Started by')}
          <th className="jp-DeployRunsTable-actions">
            <span className="jp-DeployVisuallyHidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {runs.map(run => (
          <RunRow key={run.id} run={run} {...props} />
        ))}
      </tbody>
    </table>
  );
}

function SortHeader({
  sortKey,
  label,
  sort,
  numeric,
  onSort
}: {
  sortKey: SortKey;
  label: string;
  sort: ISortState;
  numeric: boolean;
  onSort: (key: SortKey) => void;
}): JSX.Element {
  const sorted = sort.key === sortKey;
  const Caret =
    sorted && sort.direction === 'descending' ? caretDownIcon : caretUpIcon;
  return (
    <th
      aria-sort={sorted ? sort.direction : undefined}
      className={`${sorted ? 'jp-sorted-header ' : ''}${numeric ? 'jp-mod-numeric' : ''}`}
      data-sort-key={sortKey}
    >
      <button
        type="button"
        className="jp-DeployRunsTable-sort"
        title={`Sort by ${label}`}
        onClick={() => onSort(sortKey)}
      >
        <span className="jp-DeployRunsTable-sortLabel">{label}</span>
        <Caret.react tag="span" className="jp-sort-icon" />
      </button>
    </th>
  );
}

function SelectAll({
  runs,
  selected,
  onToggleAll
}: IRunsTableProps): JSX.Element {
  const ref = useRef<HTMLInputElement>(null);
  const shown = runs.filter(run => selected.includes(run.id)).length;
  const all = runs.length > 0 && shown === runs.length;
  useEffect(() => {
    if (ref.current) {
      ref.current.indeterminate = shown > 0 && !all;
    }
  }, [shown, all]);
  return (
    <input
      ref={ref}
      type="checkbox"
      className="jp-mod-styled"
      aria-label="Select all runs shown"
      checked={all}
      disabled={runs.length === 0}
      onChange={() => onToggleAll(!all)}
    />
  );
}

function RunRow({
  run,
  metrics,
  parameters,
  selected,
  busy,
  now,
  onToggle,
  onOpen,
  onRerun,
  onCancel,
  onPromote
}: IRunsTableProps & { run: Run }): JSX.Element {
  const isSelected = selected.includes(run.id);
  const active = ACTIVE_STATUSES.includes(run.status);
  const isBusy = busy.includes(run.id);
  const promoted = run.promoted_to ?? [];
  const created = parseTime(run.created_at);
  return (
    <tr
      className={`jp-sortable-table-tr jp-DeployRunsTable-row${isSelected ? ' jp-mod-selected' : ''}`}
      data-run-id={run.id}
      data-sweep-id={run.sweep_id ?? undefined}
      data-status={run.status}
      aria-selected={isSelected}
    >
      <td className="jp-DeployRunsTable-select">
        <input
          type="checkbox"
          className="jp-mod-styled"
          aria-label={`Select ${run.id}`}
          checked={isSelected}
          onChange={() => onToggle(run.id)}
        />
      </td>
      <td>
        <RunStatusBadge run={run} />
      </td>
      <td>
        <code className="jp-DeployRunsTable-id">{run.id}</code>
        {promoted.map(tag => (
          <span
            key={tag}
            className="jp-DeployPromotedBadge"
            title={`Promoted to ${tag}`}
          >
            {versionLabel(tag)}
          </span>
        ))}
      </td>
      <td>
        {run.sweep_id ? (
          <code className="jp-DeployRunsTable-id">{run.sweep_id}</code>
        ) : (
          <span className="jp-DeployRunsTable-none">—</span>
        )}
      </td>
      <td className="jp-DeployRunsTable-parameters">
        <ParameterList values={run.parameters} names={parameters} />
      </td>
      {metrics.map(metric => (
        <td key={metric} className="jp-mod-numeric" data-metric={metric}>
          {formatValue(run.metrics?.[metric])}
        </td>
      ))}
      <td className="jp-mod-numeric">
        {formatDuration(elapsedSeconds(run, now), !active)}
      </td>
      <td className="jp-DeployRunsTable-time" title={run.created_at}>
        {created === null ? '—' : formatTime(created, now)}
      </td>
      <td title={run.created_by}>
        <span className="jp-DeployRunsTable-user">{run.created_by}</span>
      </td>
      <td className="jp-DeployRunsTable-actions">
        {onPromote && run.status === 'succeeded' && (
          <button
            type="button"
            className="jp-DeployIconButton jp-DeployPromoteButton"
            aria-label={`Promote ${run.id}`}
            aria-busy={isBusy}
            title={promoteTitle(run, isBusy)}
            disabled={isBusy || promoted.length > 0}
            onClick={() => onPromote(run)}
          >
            {isBusy ? (
              <span className="jp-DeployLoading-spinner" aria-hidden="true" />
            ) : (
              <versionsIcon.react tag="span" />
            )}
          </button>
        )}
        <button
          type="button"
          className="jp-DeployIconButton"
          aria-label={`Open output notebook of ${run.id}`}
          title={
            run.output_notebook
              ? `Open ${run.output_notebook}`
              : 'No output notebook yet'
          }
          disabled={!run.output_notebook}
          onClick={() => onOpen(run)}
        >
          <notebookIcon.react tag="span" />
        </button>
        <button
          type="button"
          className="jp-DeployIconButton"
          aria-label={`Re-run ${run.id}`}
          title="Run again with the same parameters"
          disabled={isBusy}
          onClick={() => onRerun(run)}
        >
          <runIcon.react tag="span" />
        </button>
        {active && (
          <button
            type="button"
            className="jp-DeployIconButton"
            aria-label={`Cancel ${run.id}`}
            title="Cancel this run"
            disabled={isBusy}
            onClick={() => onCancel(run)}
          >
            <stopIcon.react tag="span" />
          </button>
        )}
      </td>
    </tr>
  );
}

/** The run's values of the shown parameters; all of them in the tooltip. */
function ParameterList({
  values,
  names
}: {
  values: Record<string, JSONValue>;
  names: string[];
}): JSX.Element {
  const shown = names.filter(name => name in (values ?? {}));
  if (shown.length === 0) {
    return <span className="jp-DeployRunsTable-none">defaults</span>;
  }
  return (
    <span className="jp-DeployParams" title={parametersText(values)}>
      {shown.map(name => (
        <span key={name} className="jp-DeployParams-item">
          <span className="jp-DeployParams-name">{name}</span>=
          <span className="jp-DeployParams-value">
            {formatValue(values[name])}
          </span>
        </span>
      ))}
    </span>
  );
}

/** A time: the time of day today, else the date and time. */
function formatTime(time: number, now: number): string {
  const date = new Date(time);
  const sameDay = new Date(now).toDateString() === date.toDateString();
  return sameDay
    ? date.toLocaleTimeString()
    : `${date.toLocaleDateString()} ${date.toLocaleTimeString()}`;
}
