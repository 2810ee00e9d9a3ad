import React from 'react';

import type { SchemaChange, VersionDiff } from '../api';
import {
  fileRows,
  valueRows,
  type ICompareState,
  type IFileRow,
  type IValueRow
} from '../models/versionCompare';
import { shortHash, versionLabel } from '../format/text';
import { CellDiff } from './CellDiff';
import { ErrorState } from './ErrorState';
import { Loading } from './Loading';
import { MetricDelta } from './MetricDelta';
import { RefreshButton } from './RefreshButton';

export interface IVersionCompareViewProps {
  state: ICompareState;
  onRefresh: () => void;
}

/** `v1 ↔ v3` of a tag pair. */
export function compareTitle(old: string, next: string): string {
  return `${versionLabel(old)} ↔ ${versionLabel(next)}`;
}

/** Two versions side by side: what changed in inputs, results, files and API. */
export function VersionCompareView({
  state,
  onRefresh
}: IVersionCompareViewProps): JSX.Element {
  const { diff, versions, error, loading } = state;
  const title = compareTitle(state.old, state.new);
  return (
    <div
      className="jp-DeployVersionCompare"
      aria-busy={loading}
      aria-label={`Compare ${title}`}
      role="region"
    >
      <div className="jp-DeployVersionCompare-heading">
        <h2>
          {versions?.old.model ?? state.old.split('@')[0]}{' '}
          <span className="jp-DeployVersionCompare-pair">{title}</span>
        </h2>
        <RefreshButton
          loading={loading}
          title="Compare again"
          onClick={onRefresh}
        />
      </div>
      {error ? (
        <ErrorState
          error={error}
          title="Cannot compare the versions"
          onRetry={onRefresh}
        />
      ) : !diff || !versions ? (
        <Loading>Comparing…</Loading>
      ) : (
        <>
          {diff.schema?.breaking && <BreakingBanner diff={diff} />}
          <ValueSection
            title="Parameters"
            rows={valueRows(versions.old.parameters, versions.new.parameters)}
            state={state}
          />
          <ValueSection
            title="Metrics"
            rows={valueRows(versions.old.metrics, versions.new.metrics, true)}
            state={state}
            metrics
          />
          <FileSection
            title="Model files"
            rows={fileRows(versions.old.files, versions.new.files)}
            state={state}
          />
          <FileSection
            title="Data files"
            rows={fileRows(versions.old.data ?? [], versions.new.data ?? [])}
            state={state}
          />
          <SchemaSection diff={diff} />
          <Section title="Notebook">
            {diff.cells.length === 0 ? (
              <p className="jp-DeployVersionCompare-none">
                The cells' sources are the same.
              </p>
            ) : (
              diff.cells.map(cell => (
                <CellDiff key={`${cell.change} ${cell.cell_id}`} cell={cell} />
              ))
            )}
          </Section>
        </>
      )}
    </div>
  );
}

function BreakingBanner({ diff }: { diff: VersionDiff }): JSX.Element {
  const breaking = (diff.schema?.changes ?? []).filter(c => c.breaking);
  return (
    <div className="jp-DeployVersionCompare-breaking" role="alert">
      <strong>Breaking API change</strong>
      <span>
        Clients written for {diff.old} may fail against {diff.new}:{' '}
        {breaking.map(changeText).join('; ')}.
      </span>
    </div>
  );
}

function changeText(change: SchemaChange): string {
  const where = `${change.side} ${change.path}`;
  switch (change.change) {
    case 'added':
      return `${where} added${change.new ? ` (${change.new})` : ''}`;
    case 'removed':
      return `${where} removed`;
    default:
      return `${where} ${change.old ?? '—'} → ${change.new ?? '—'}`;
  }
}

/** A titled part of the comparison; `count` sums it up beside the title. */
function Section({
  title,
  count,
  children
}: {
  title: string;
  count?: string;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <section className="jp-DeployVersionCompare-section" aria-label={title}>
      <h3>
        {title}
        {count !== undefined && (
          <>
            {' '}
            <span className="jp-DeployVersionCompare-count">{count}</span>
          </>
        )}
      </h3>
      {children}
    </section>
  );
}

/** A comparison table: `head` holds the header cells, children the rows. */
function Table({
  head,
  children
}: {
  head: React.ReactNode;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <table className="jp-DeployVersionCompare-table">
      <thead>
        <tr>{head}</tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

/** The two version columns; numbers are right-aligned under their header. */
function Columns({
  state,
  numeric = false
}: {
  state: ICompareState;
  numeric?: boolean;
}): JSX.Element {
  const className = numeric ? 'jp-mod-numeric' : undefined;
  return (
    <>
      <th scope="col" className={className}>
        {versionLabel(state.old)}
      </th>
      <th scope="col" className={className}>
        {versionLabel(state.new)}
      </th>
    </>
  );
}

function ValueSection({
  title,
  rows,
  state,
  metrics = false
}: {
  title: string;
  rows: IValueRow[];
  state: ICompareState;
  metrics?: boolean;
}): JSX.Element {
  const changed = rows.filter(row => row.changed).length;
  return (
    <Section
      title={title}
      count={
        rows.length === 0
          ? 'none recorded'
          : changed === 0
            ? 'all the same'
            : `${changed} changed`
      }
    >
      {rows.length > 0 && (
        <Table
          head={
            <>
              <th scope="col">
                <span className="jp-DeployVisuallyHidden">Name</span>
              </th>
              <Columns state={state} numeric={metrics} />
              {/* Every section has four columns, so they line up. */}
              <th scope="col" className="jp-mod-numeric">
                {metrics ? (
                  'Change'
                ) : (
                  <span className="jp-DeployVisuallyHidden">Change</span>
                )}
              </th>
            </>
          }
        >
          {rows.map(row => (
            <tr
              key={row.name}
              className={row.changed ? 'jp-mod-different' : undefined}
              data-name={row.name}
            >
              <th scope="row">{row.name}</th>
              <td className={metrics ? 'jp-mod-numeric' : undefined}>
                {row.old}
              </td>
              <td className={metrics ? 'jp-mod-numeric' : undefined}>
                {row.new}
              </td>
              <td className="jp-mod-numeric">
                {metrics && <MetricDelta delta={row.delta} tone={row.tone} />}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </Section>
  );
}

function FileSection({
  title,
  rows,
  state
}: {
  title: string;
  rows: IFileRow[];
  state: ICompareState;
}): JSX.Element {
  const changed = rows.filter(row => row.status !== 'unchanged').length;
  return (
    <Section
      title={title}
      count={
        rows.length === 0
          ? 'none recorded'
          : changed === 0
            ? 'all unchanged'
            : `${changed} of ${rows.length} changed`
      }
    >
      {rows.length > 0 && (
        <Table
          head={
            <>
              <th scope="col">
                <span className="jp-DeployVisuallyHidden">File</span>
              </th>
              <Columns state={state} />
              <th scope="col">Status</th>
            </>
          }
        >
          {rows.map(row => (
            <tr
              key={row.path}
              className={
                row.status === 'unchanged' ? undefined : 'jp-mod-different'
              }
              data-name={row.path}
            >
              <th scope="row">
                {row.path}
                {row.storage && (
                  <span className="jp-DeployFile-kind"> {row.storage}</span>
                )}
              </th>
              <td>
                <code title={row.old ?? undefined}>{shortHash(row.old)}</code>
              </td>
              <td>
                <code title={row.new ?? undefined}>{shortHash(row.new)}</code>
              </td>
              <td>
                <span className="jp-DeployFileStatus" data-status={row.status}>
                  {row.status}
                </span>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </Section>
  );
}

function SchemaSection({ diff }: { diff: VersionDiff }): JSX.Element {
  const schema = diff.schema;
  return (
    <Section
      title="Serving API"
      count={
        !schema
          ? 'not compared'
          : schema.changes.length === 0
            ? 'unchanged'
            : schema.breaking
              ? 'breaking'
              : 'compatible'
      }
    >
      {schema && schema.changes.length > 0 && (
        <Table
          head={
            <>
              <th scope="col">Field</th>
              <th scope="col">Change</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
              <th scope="col">
                <span className="jp-DeployVisuallyHidden">Breaking</span>
              </th>
            </>
          }
        >
          {schema.changes.map(change => (
            <tr
              key={`${change.side} ${change.path} ${change.change}`}
              className={change.breaking ? 'jp-mod-breaking' : undefined}
            >
              <th scope="row">
                <span className="jp-DeployFile-kind">{change.side}</span>{' '}
                {change.path}
              </th>
              <td>{change.change}</td>
              <td>{change.old ?? '—'}</td>
              <td>{change.new ?? '—'}</td>
              <td>
                {change.breaking && (
                  <span className="jp-DeployFileStatus" data-status="breaking">
                    breaking
                  </span>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </Section>
  );
}
