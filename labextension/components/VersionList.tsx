import React from 'react';

import { PAGE_SIZE, type IVersionRow } from '../models/versionList';
import { exactTime, parseTime, relativeTime } from '../format/time';
import { DeployedBadges } from './DeployedBadge';
import { MetricDelta } from './MetricDelta';
import { StageBadges } from './StageBadges';

export interface IVersionListProps {
  /** Filtered rows, newest first; only the first `shown` are rendered. */
  rows: IVersionRow[];
  shown: number;
  ticked: string[];
  /** Tags with a succeeded image build. */
  built?: ReadonlySet<string>;
  /** Names of the deployments running each tag. */
  deployed?: ReadonlyMap<string, string[]>;
  /** Open a deployment's panel. */
  onOpenDeployment?: (name: string) => void;
  now: number;
  onOpen: (tag: string) => void;
  onToggle: (tag: string) => void;
  onShowMore: () => void;
}

/**
 * The versions, newest first. Long histories render a page at a time: a
 * sidebar with a thousand rows would be slow to draw and to scroll.
 */
export function VersionList(props: IVersionListProps): JSX.Element {
  const { rows, shown, onShowMore } = props;
  const page = rows.slice(0, shown);
  const hidden = rows.length - page.length;
  return (
    <>
      <ul className="jp-DeployVersionList" aria-label="Versions">
        {page.map(row => (
          <VersionRow key={row.version.tag} row={row} {...props} />
        ))}
      </ul>
      {hidden > 0 && (
        <div className="jp-DeployVersionList-more">
          <span>
            Showing {page.length} of {rows.length}
          </span>
          <button
            type="button"
            className="jp-Button jp-mod-styled jp-mod-reject"
            onClick={onShowMore}
          >
            Show {Math.min(hidden, PAGE_SIZE)} more
          </button>
        </div>
      )}
    </>
  );
}

function VersionRow({
  row,
  ticked,
  built,
  deployed,
  now,
  onOpen,
  onToggle,
  onOpenDeployment
}: IVersionListProps & { row: IVersionRow }): JSX.Element {
  const { version } = row;
  const isTicked = ticked.includes(version.tag);
  const created = parseTime(version.created_at);
  return (
    <li
      className={`jp-DeployVersionRow${isTicked ? ' jp-mod-selected' : ''}`}
      aria-label={version.version}
      data-version={version.version}
    >
      <input
        type="checkbox"
        className="jp-mod-styled jp-DeployVersionRow-tick"
        aria-label={`Select ${version.version} to compare`}
        checked={isTicked}
        onChange={() => onToggle(version.tag)}
      />
      <button
        type="button"
        className="jp-DeployVersionRow-open"
        title={`Show the details of ${version.tag}`}
        onClick={() => onOpen(version.tag)}
      >
        <span className="jp-DeployVersionRow-line">
          <strong className="jp-DeployVersionRow-version">
            {version.version}
          </strong>
          <StageBadges stages={version.stages} />
          {built?.has(version.tag) && (
            <span
              className="jp-DeployVersionRow-image"
              title="A container image of this version was built"
            >
              image
            </span>
          )}
          <span
            className="jp-DeployVersionRow-time"
            title={exactTime(version.created_at)}
          >
            {created === null ? '—' : relativeTime(created, now)}
          </span>
        </span>
        <span className="jp-DeployVersionRow-line jp-DeployVersionRow-meta">
          <span className="jp-DeployVersionRow-author">
            {version.author?.name ?? 'unknown'}
          </span>
          {row.dataHash && (
            <span
              className="jp-DeployVersionRow-hash"
              title={`Files and md5:\n${row.dataTitle}`}
            >
              {row.dataKind} <code>{row.dataHash}</code>
            </span>
          )}
        </span>
        {row.metrics.length > 0 && (
          <span className="jp-DeployVersionRow-metrics">
            {row.metrics.map(metric => (
              <span
                key={metric.name}
                className="jp-DeployVersionRow-metric"
                data-metric={metric.name}
              >
                <span className="jp-DeployVersionRow-metricName">
                  {metric.name}
                </span>{' '}
                <span className="jp-DeployVersionRow-metricValue">
                  {metric.value}
                </span>
                <MetricDelta
                  delta={metric.delta}
                  tone={metric.tone}
                  against={row.previous ?? undefined}
                />
              </span>
            ))}
          </span>
        )}
        {row.parameters.length > 0 && (
          <span className="jp-DeployParams jp-DeployVersionRow-params">
            {row.parameters.map(parameter => (
              <span key={parameter.name} className="jp-DeployParams-item">
                <span className="jp-DeployParams-name">{parameter.name}</span>=
                <span className="jp-DeployParams-value">{parameter.value}</span>
              </span>
            ))}
          </span>
        )}
      </button>
      <DeployedBadges
        names={deployed?.get(version.tag)}
        onOpen={onOpenDeployment}
      />
    </li>
  );
}
