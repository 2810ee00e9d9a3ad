import { caretLeftIcon, HTMLSelect } from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import type { JSONValue, ModelVersion } from '../api';
import { metricDelta } from '../models/versionList';
import { deltaTone } from '../models/metricDirection';
import { packageCount } from '../models/versionFormat';
import type { BuildsModel } from '../models/builds';
import { STAGES } from '../models/versions';
import { formatBytes, formatValue, plural, shortHash } from '../format/text';
import { exactTime, parseTime, relativeTime } from '../format/time';
import { BuildPanel } from './BuildPanel';
import { DeployedBadges } from './DeployedBadge';
import { MetricDelta } from './MetricDelta';
import { SchemaFields } from './SchemaFields';
import { StageBadges } from './StageBadges';
import { usePending } from './usePending';

/**
 * What the details view can ask of the application. Each action reports its
 * own outcome (notifications, dialogs) and settles when done.
 */
export interface IVersionActions {
  openNotebook: (version: ModelVersion) => Promise<void>;
  restore: (version: ModelVersion) => Promise<void>;
  setStage: (version: ModelVersion, stage: string) => Promise<void>;
  /** Compare two tags, older first. */
  compare: (old: string, next: string) => Promise<void>;
  /** Open the panel of the deployment with this name. */
  openDeployment?: (name: string) => Promise<void>;
}

export interface IVersionDetailsProps {
  version: ModelVersion;
  /** Every version, newest first (to compare with, and the previous one). */
  versions: ModelVersion[];
  now: number;
  actions: IVersionActions;
  /** Following this version's builds. */
  builds: BuildsModel;
  /** Names of the deployments serving this version. */
  deployedAs?: string[];
  onBack: () => void;
}

/** Everything recorded with one version, and what can be done with it. */
export function VersionDetails({
  version,
  versions,
  now,
  actions,
  builds,
  deployedAs,
  onBack
}: IVersionDetailsProps): JSX.Element {
  const index = versions.findIndex(v => v.tag === version.tag);
  const previous = index >= 0 ? versions[index + 1] : undefined;
  const created = parseTime(version.created_at);
  return (
    <section
      className="jp-DeployVersionDetails"
      aria-label={`Details of ${version.version}`}
    >
      <div className="jp-DeployPanel-toolbar jp-DeployVersionDetails-toolbar">
        <button
          type="button"
          className="jp-DeployVersionDetails-back"
          title="Back to the list of versions"
          onClick={onBack}
        >
          <caretLeftIcon.react tag="span" />
          All versions
        </button>
      </div>
      <div className="jp-DeployVersionDetails-heading">
        <h3 className="jp-DeployVersionDetails-title">{version.version}</h3>
        <span className="jp-DeployVersionDetails-model">{version.model}</span>
        <StageBadges stages={version.stages} />
        <DeployedBadges
          names={deployedAs}
          onOpen={
            actions.openDeployment
              ? name => void actions.openDeployment?.(name)
              : undefined
          }
        />
      </div>
      <p className="jp-DeployVersionDetails-byline">
        {version.author?.name ?? 'unknown'} ·{' '}
        <span title={exactTime(version.created_at)}>
          {created === null ? version.created_at : relativeTime(created, now)}
        </span>
      </p>
      <Actions
        version={version}
        versions={versions}
        previous={previous}
        actions={actions}
      />
      {builds.state.version === version.tag && <BuildPanel model={builds} />}
      <Metrics version={version} previous={previous} />
      <Values title="Parameters" values={version.parameters} />
      <Files version={version} />
      <Serving version={version} />
      <Provenance version={version} />
    </section>
  );
}

function Actions({
  version,
  versions,
  previous,
  actions
}: {
  version: ModelVersion;
  versions: ModelVersion[];
  previous: ModelVersion | undefined;
  actions: IVersionActions;
}): JSX.Element {
  const [pending, run] = usePending();
  const [stage, setStage] = useState<string>(STAGES[0]);
  const busy = pending !== null;
  const compareWith = (tag: string) => {
    const other = versions.find(v => v.tag === tag);
    if (!other) {
      return;
    }
    const olderFirst =
      versions.indexOf(other) > versions.indexOf(version)
        ? [other.tag, version.tag]
        : [version.tag, other.tag];
    run('compare', () => actions.compare(olderFirst[0], olderFirst[1]));
  };
  const others = versions.filter(v => v.tag !== version.tag);
  const inStage = (version.stages ?? []).includes(stage);
  // A grid of two columns: the sidebar is narrow, so buttons pair up.
  return (
    <div className="jp-DeployVersionDetails-actions">
      <button
        type="button"
        className="jp-Button jp-mod-styled jp-mod-accept jp-mod-wide"
        disabled={busy}
        aria-busy={pending === 'notebook'}
        title="Open a read-only copy of the notebook as this version's run executed it"
        onClick={() => run('notebook', () => actions.openNotebook(version))}
      >
        Open executed notebook
      </button>
      <button
        type="button"
        className={`jp-Button jp-mod-styled jp-mod-reject${previous ? '' : ' jp-mod-wide'}`}
        disabled={busy}
        aria-busy={pending === 'restore'}
        title="Put this version's model and data files back in the project folder"
        onClick={() => run('restore', () => actions.restore(version))}
      >
        Restore…
      </button>
      {previous && (
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-reject"
          disabled={busy}
          title={`What changed from ${previous.version} to ${version.version}`}
          onClick={() => compareWith(previous.tag)}
        >
          Compare {previous.version}
        </button>
      )}
      <HTMLSelect
        aria-label="Stage"
        title="Stage to put this version in"
        value={stage}
        options={STAGES.map(name => ({ value: name, label: name }))}
        onChange={event => setStage(event.currentTarget.value)}
      />
      <button
        type="button"
        className="jp-Button jp-mod-styled jp-mod-reject"
        disabled={busy || inStage}
        aria-busy={pending === 'stage'}
        title={
          inStage
            ? `${version.version} is already in ${stage}`
            : `Put ${version.version} in ${stage}`
        }
        onClick={() => run('stage', () => actions.setStage(version, stage))}
      >
        Set stage
      </button>
      {others.length > 0 && (
        <HTMLSelect
          className="jp-mod-wide"
          aria-label="Compare with"
          value=""
          disabled={busy}
          options={[
            { value: '', label: 'Compare with…', disabled: true },
            ...others.map(v => ({ value: v.tag, label: v.version }))
          ]}
          onChange={event => compareWith(event.currentTarget.value)}
        />
      )}
    </div>
  );
}

function Section({
  title,
  children
}: {
  title: string;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <section className="jp-DeployVersionDetails-section" aria-label={title}>
      <h4 className="jp-DeployVersionDetails-sectionTitle">{title}</h4>
      {children}
    </section>
  );
}

function None({ children }: { children: React.ReactNode }): JSX.Element {
  return <p className="jp-DeployVersionDetails-none">{children}</p>;
}

function Metrics({
  version,
  previous
}: {
  version: ModelVersion;
  previous: ModelVersion | undefined;
}): JSX.Element {
  const names = Object.keys(version.metrics ?? {}).sort((a, b) =>
    a.localeCompare(b)
  );
  return (
    <Section title="Metrics">
      {names.length === 0 ? (
        <None>none recorded</None>
      ) : (
        <table className="jp-DeployKV">
          <tbody>
            {names.map(name => {
              const delta = metricDelta(name, version, previous);
              return (
                <tr key={name} data-metric={name}>
                  <th scope="row">{name}</th>
                  <td className="jp-mod-numeric">
                    {formatValue(version.metrics[name])}{' '}
                    <MetricDelta
                      delta={delta}
                      tone={deltaTone(name, delta)}
                      against={previous?.version}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function Values({
  title,
  values
}: {
  title: string;
  values: Record<string, JSONValue>;
}): JSX.Element {
  const names = Object.keys(values ?? {}).sort((a, b) => a.localeCompare(b));
  return (
    <Section title={title}>
      {names.length === 0 ? (
        <None>none</None>
      ) : (
        <table className="jp-DeployKV">
          <tbody>
            {names.map(name => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td>
                  <code>{formatValue(values[name])}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function Files({ version }: { version: ModelVersion }): JSX.Element {
  const files = [
    ...version.files.map(file => ({
      ...file,
      kind: file.storage ? `model · ${file.storage}` : 'model'
    })),
    ...(version.data ?? []).map(file => ({
      ...file,
      kind: `data · ${file.storage}`
    }))
  ];
  return (
    <Section title="Files">
      {files.length === 0 ? (
        <None>none recorded</None>
      ) : (
        <ul className="jp-DeployFiles">
          {files.map(file => (
            <li key={`${file.kind} ${file.path}`} className="jp-DeployFile">
              <code className="jp-DeployFile-path" title={file.path}>
                {file.path}
              </code>
              <span className="jp-DeployFile-meta">
                <span className="jp-DeployFile-kind">{file.kind}</span>
                <span>{formatBytes(file.size)}</span>
                <code title={`md5 ${file.md5}`}>{shortHash(file.md5)}</code>
              </span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function Serving({ version }: { version: ModelVersion }): JSX.Element {
  const schema = version.schema;
  return (
    <Section title="Serving API">
      {schema === undefined ? (
        <None>Loading…</None>
      ) : !schema ? (
        <None>
          No schema recorded: give <code>predict</code> type hints, or write an
          input example.
        </None>
      ) : (
        <>
          <p className="jp-DeployVersionDetails-note">
            <code>{schema.function}(…)</code>, from its {schema.source}
          </p>
          <SchemaFields label="Input" schema={schema.input} />
          <SchemaFields label="Output" schema={schema.output} />
        </>
      )}
    </Section>
  );
}

function Provenance({ version }: { version: ModelVersion }): JSX.Element {
  const packages = packageCount(version);
  const python = version.environment?.python;
  const environment = [
    python ? `Python ${python}` : null,
    packages !== null ? plural(packages, 'package') : null
  ].filter(Boolean);
  const rows: [string, React.ReactNode][] = [
    ['Run', <code>{version.run_id}</code>]
  ];
  if (version.sweep_id) {
    rows.push(['Sweep', <code>{version.sweep_id}</code>]);
  }
  rows.push(
    ['Notebook', <code>{version.notebook}</code>],
    [
      'Source commit',
      <code title={version.source_commit}>
        {version.source_commit.slice(0, 7)}
      </code>
    ],
    [
      'Author',
      <span title={version.author?.email}>
        {version.author?.name ?? 'unknown'}
      </span>
    ],
    ['Created', exactTime(version.created_at)],
    [
      'Environment',
      environment.length > 0 ? environment.join(' · ') : 'not recorded'
    ]
  );
  return (
    <Section title="Provenance">
      <table className="jp-DeployKV">
        <tbody>
          {rows.map(([name, value]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
