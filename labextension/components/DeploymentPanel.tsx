import { HTMLSelect } from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import type { ApiError, Deployment, Operation } from '../api';
import {
  DEPLOYMENT_STATUS_LABELS,
  deploymentErrorTitle,
  isActiveOperation,
  OPERATION_ACTION_LABELS,
  REPLICA_STATE_LABELS,
  shortReplicaId,
  uptimeSeconds
} from '../models/deploymentFormat';
import type { DeploymentModel, IShownKey } from '../models/deployment';
import { plural, versionLabel } from '../format/text';
import {
  exactTime,
  formatDuration,
  parseTime,
  relativeTime
} from '../format/time';
import { CopyButton } from './CopyButton';
import { DeploymentHistory } from './DeploymentHistory';
import { DeploymentLogsView } from './DeploymentLogsView';
import { DeploymentMetricsView } from './DeploymentMetricsView';
import { DeploymentUsage } from './DeploymentUsage';
import { ErrorState, errorTitle } from './ErrorState';
import { Loading } from './Loading';
import { OperationSteps } from './OperationSteps';
import { RefreshButton } from './RefreshButton';
import { useClock } from './useClock';
import { usePending } from './usePending';

export interface IDeploymentPanelProps {
  model: DeploymentModel;
  /** Ask before stopping; resolves true to go ahead. */
  confirmStop: (name: string) => Promise<boolean>;
  /** Replaces the system clipboard (tests). */
  copy?: (text: string) => void;
}

/**
 * One deployment: its state, the operation in progress, live traffic,
 * replicas, how to call it, and what was done to it.
 */
export function DeploymentPanel({
  model,
  confirmStop,
  copy
}: IDeploymentPanelProps): JSX.Element {
  const { state } = model;
  const { deployment } = state;
  const now = useClock(1000);
  if (!deployment) {
    if (state.error) {
      return (
        <ErrorState
          error={state.error}
          title={
            state.error.status === 404
              ? `No deployment named ${state.name}`
              : 'Cannot read the deployment'
          }
          onRetry={() => void model.refresh()}
        />
      );
    }
    return <Loading>Reading the deployment {state.name}…</Loading>;
  }
  return (
    <section
      className="jp-DeployDeployment"
      aria-label={`Deployment ${deployment.name}`}
      data-status={deployment.status}
    >
      <Header model={model} deployment={deployment} now={now} />
      <Actions
        model={model}
        deployment={deployment}
        confirmStop={confirmStop}
      />
      {state.actionError && <RequestError error={state.actionError} />}
      {state.apiKey && (
        <KeyNotice
          name={deployment.name}
          shown={state.apiKey}
          copy={copy}
          onDismiss={() => model.dismissKey()}
        />
      )}
      <Endpoint deployment={deployment} copy={copy} />
      {deployment.operation && (
        <OperationView operation={deployment.operation} now={now} />
      )}
      <DeploymentMetricsView model={model} />
      <Replicas deployment={deployment} now={now} />
      {deployment.endpoint && (
        <DeploymentUsage
          deployment={deployment}
          schema={state.schema}
          copy={copy}
        />
      )}
      {state.logs && <DeploymentLogsView model={model} logs={state.logs} />}
      <DeploymentHistory events={deployment.events} now={now} />
    </section>
  );
}

function Header({
  model,
  deployment,
  now
}: {
  model: DeploymentModel;
  deployment: Deployment;
  now: number;
}): JSX.Element {
  const uptime = uptimeSeconds(deployment, now);
  return (
    <header className="jp-DeployDeployment-header">
      <div className="jp-DeployDeployment-title">
        <h2 className="jp-DeployDeployment-name">{deployment.name}</h2>
        <span
          className="jp-DeployDeployment-status"
          data-status={deployment.status}
          role="status"
        >
          {DEPLOYMENT_STATUS_LABELS[deployment.status] ?? deployment.status}
        </span>
        <RefreshButton
          loading={false}
          title="Read the deployment again"
          onClick={() => void model.refresh()}
        />
      </div>
      <dl className="jp-DeployDeployment-facts">
        <Fact name="Version">
          {deployment.version ? (
            <span
              className="jp-DeployDeployment-version"
              title={deployment.version}
            >
              {versionLabel(deployment.version)}
            </span>
          ) : (
            'none yet'
          )}
        </Fact>
        <Fact name="Model">{deployment.model}</Fact>
        <Fact name="Target">{deployment.target}</Fact>
        <Fact name="Replicas">{deployment.replica_count}</Fact>
        <Fact name="Uptime">
          <span
            className="jp-DeployDeployment-uptime"
            title={
              deployment.live_since
                ? `Serving since ${exactTime(deployment.live_since)} (updates and rollbacks keep it)`
                : undefined
            }
          >
            {uptime === null ? '—' : formatDuration(uptime, false)}
          </span>
        </Fact>
      </dl>
    </header>
  );
}

function Fact({
  name,
  children
}: {
  name: string;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <div className="jp-DeployDeployment-fact" data-fact={name.toLowerCase()}>
      <dt>{name}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Actions({
  model,
  deployment,
  confirmStop
}: {
  model: DeploymentModel;
  deployment: Deployment;
  confirmStop: (name: string) => Promise<boolean>;
}): JSX.Element {
  const { pending, versions, logs } = model.state;
  const [, run] = usePending();
  const [picking, setPicking] = useState(false);
  const busy = pending !== null || isActiveOperation(deployment.operation);
  const stopped = deployment.status === 'stopped';
  const previous = deployment.previous_version;
  const others = versions.filter(v => v.tag !== deployment.version);
  return (
    <div className="jp-DeployDeployment-actions">
      {picking ? (
        <UpdatePicker
          versions={others.map(v => v.tag)}
          busy={busy}
          onUpdate={tag => {
            setPicking(false);
            run('update', () => model.updateTo(tag));
          }}
          onCancel={() => setPicking(false)}
        />
      ) : (
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-accept"
          disabled={busy || others.length === 0}
          aria-busy={pending === 'update'}
          title={
            others.length === 0
              ? 'The model has no other version'
              : 'Move this deployment to another version, with no downtime'
          }
          onClick={() => setPicking(true)}
        >
          Update to…
        </button>
      )}
      <button
        type="button"
        className="jp-Button jp-mod-styled jp-mod-reject"
        disabled={busy || !previous || stopped}
        aria-busy={pending === 'rollback'}
        title={
          previous
            ? `Serve ${previous} again; its image is kept, so this takes seconds`
            : 'There is no previous version to go back to'
        }
        onClick={() => run('rollback', () => model.rollback())}
      >
        {previous ? `Roll back to ${versionLabel(previous)}` : 'Roll back'}
      </button>
      {stopped ? (
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-accept"
          disabled={busy || !deployment.version}
          aria-busy={pending === 'start'}
          title="Start the deployment again, on the same endpoint"
          onClick={() => run('start', () => model.start())}
        >
          Start
        </button>
      ) : (
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-warn"
          disabled={busy}
          aria-busy={pending === 'stop'}
          title="Stop the gateway and the replicas; the history stays"
          onClick={() =>
            run('stop', async () => {
              if (await confirmStop(deployment.name)) {
                await model.stop();
              }
            })
          }
        >
          Stop
        </button>
      )}
      <button
        type="button"
        className="jp-Button jp-mod-styled jp-mod-reject"
        aria-pressed={logs !== null}
        title={`Show the last lines the replicas wrote`}
        onClick={() => {
          if (logs) {
            model.closeLogs();
          } else {
            void model.readLogs();
          }
        }}
      >
        Logs
      </button>
    </div>
  );
}

function UpdatePicker({
  versions,
  busy,
  onUpdate,
  onCancel
}: {
  versions: string[];
  busy: boolean;
  onUpdate: (tag: string) => void;
  onCancel: () => void;
}): JSX.Element {
  const [tag, setTag] = useState(versions[0] ?? '');
  return (
    <span className="jp-DeployDeployment-picker">
      <HTMLSelect
        aria-label="Version to update to"
        value={tag}
        options={versions.map(v => ({ value: v, label: versionLabel(v) }))}
        onChange={event => setTag(event.currentTarget.value)}
      />
      <button
        type="button"
        className="jp-Button jp-mod-styled jp-mod-accept"
        disabled={busy || tag === ''}
        onClick={() => onUpdate(tag)}
      >
        Update
      </button>
      <button
        type="button"
        className="jp-Button jp-mod-styled jp-mod-reject"
        onClick={onCancel}
      >
        Cancel
      </button>
    </span>
  );
}

/** A request the server refused: why, in its words. */
function RequestError({ error }: { error: ApiError }): JSX.Element {
  return (
    <div className="jp-DeployBuild-failure" role="alert">
      <strong className="jp-DeployBuild-failureTitle">
        {deploymentErrorTitle(error.code) ?? errorTitle(error)}
      </strong>
      <p className="jp-DeployBuild-failureMessage">{error.message}</p>
      <code className="jp-DeployBuild-failureCode">
        {error.status > 0 ? `HTTP ${error.status} · ` : ''}
        {error.code}
      </code>
    </div>
  );
}

/** The key the server shows once; the panel forgets it on dismiss. */
function KeyNotice({
  name,
  shown,
  copy,
  onDismiss
}: {
  name: string;
  shown: IShownKey;
  copy?: (text: string) => void;
  onDismiss: () => void;
}): JSX.Element {
  return (
    <div className="jp-DeployKeyNotice" role="region" aria-label="API key">
      <p>
        <strong>API key of {name}.</strong> Copy it now: it is not shown again.
        {shown.file && (
          <>
            {' '}
            A copy readable only by you is kept in <code>{shown.file}</code>.
          </>
        )}
      </p>
      <div className="jp-DeployKeyNotice-key">
        <code data-testid="deployment-api-key">{shown.key}</code>
        <CopyButton text={shown.key} label="Copy the API key" copy={copy} />
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-reject"
          onClick={onDismiss}
        >
          Dismiss
        </button>
      </div>
    </div>
  );
}

function Endpoint({
  deployment,
  copy
}: {
  deployment: Deployment;
  copy?: (text: string) => void;
}): JSX.Element {
  const { endpoint } = deployment;
  return (
    <section className="jp-DeployDeployment-section" aria-label="Endpoint">
      <h3 className="jp-DeployDeployment-sectionTitle">Endpoint</h3>
      {endpoint ? (
        <div className="jp-DeployDeployment-endpoint">
          <code data-testid="deployment-endpoint">{endpoint}</code>
          <CopyButton text={endpoint} label="Copy the endpoint" copy={copy} />
          <a
            className="jp-DeployDeployment-docs"
            href={`${endpoint}/docs`}
            target="_blank"
            rel="noreferrer"
          >
            API docs
          </a>
        </div>
      ) : (
        <p className="jp-DeployDeployment-none">
          {deployment.status === 'stopped'
            ? 'Stopped: nothing answers until it is started again.'
            : 'Not serving yet.'}
        </p>
      )}
    </section>
  );
}

function OperationView({
  operation,
  now
}: {
  operation: Operation;
  now: number;
}): JSX.Element {
  const active = isActiveOperation(operation);
  const action = OPERATION_ACTION_LABELS[operation.action] ?? operation.action;
  const target = operation.version
    ? ` to ${versionLabel(operation.version)}`
    : '';
  const started = parseTime(operation.started_at);
  return (
    <section
      className="jp-DeployDeployment-section jp-DeployOperation"
      aria-label="Operation"
      data-status={operation.status}
      data-action={operation.action}
    >
      <h3 className="jp-DeployDeployment-sectionTitle">
        {active ? 'In progress' : 'Last operation'}
      </h3>
      <p className="jp-DeployOperation-summary">
        <strong>
          {action}
          {operation.action === 'down' ? '' : target}
        </strong>{' '}
        <span className="jp-DeployOperation-status">
          {active ? 'running' : operation.status}
        </span>
        <span className="jp-DeployOperation-by">
          {' '}
          · {operation.by} ·{' '}
          <span title={exactTime(operation.started_at)}>
            {started === null
              ? operation.started_at
              : relativeTime(started, now)}
          </span>
        </span>
      </p>
      <OperationSteps operation={operation} />
      {operation.status === 'failed' && operation.error && (
        <div className="jp-DeployBuild-failure" role="alert">
          <strong className="jp-DeployBuild-failureTitle">
            {deploymentErrorTitle(operation.error.code) ??
              `The ${action.toLowerCase()} failed`}
          </strong>
          <p className="jp-DeployBuild-failureMessage">
            {operation.error.message}
          </p>
          {operation.error.log.length > 0 && (
            <pre
              className="jp-DeployBuildLog-lines"
              role="log"
              aria-label="Replica log"
              tabIndex={0}
            >
              {operation.error.log.join('\n')}
            </pre>
          )}
          <code className="jp-DeployBuild-failureCode">
            {operation.error.code}
          </code>
        </div>
      )}
      {operation.messages.length > 0 && (
        <details className="jp-DeployOperation-messages" open={active}>
          <summary>{plural(operation.messages.length, 'message')}</summary>
          <ol>
            {operation.messages.map((message, index) => (
              <li key={index} data-step={message.step}>
                <time dateTime={message.at} title={exactTime(message.at)}>
                  {clockTime(message.at)}
                </time>{' '}
                {message.message}
              </li>
            ))}
          </ol>
        </details>
      )}
    </section>
  );
}

/** "14:03:07" */
function clockTime(at: string): string {
  const time = parseTime(at);
  return time === null ? at : new Date(time).toLocaleTimeString();
}

function Replicas({
  deployment,
  now
}: {
  deployment: Deployment;
  now: number;
}): JSX.Element {
  const { replicas } = deployment;
  return (
    <section className="jp-DeployDeployment-section" aria-label="Replicas">
      <h3 className="jp-DeployDeployment-sectionTitle">
        Replicas{' '}
        <span className="jp-DeployDeployment-count">{replicas.length}</span>
      </h3>
      {replicas.length === 0 ? (
        <p className="jp-DeployDeployment-none">No replica runs.</p>
      ) : (
        <table className="jp-DeployTable jp-DeployReplicas">
          <thead>
            <tr>
              <th scope="col">Replica</th>
              <th scope="col">Version</th>
              <th scope="col">State</th>
              <th scope="col" className="jp-mod-numeric">
                Restarts
              </th>
              <th scope="col">Started</th>
            </tr>
          </thead>
          <tbody>
            {replicas.map(replica => {
              const started = parseTime(replica.started_at);
              return (
                <tr key={replica.id} data-state={replica.state}>
                  <td>
                    <code title={`${replica.id} at ${replica.address}`}>
                      {shortReplicaId(replica.id)}
                    </code>
                  </td>
                  <td title={replica.version}>
                    {versionLabel(replica.version)}
                  </td>
                  <td>
                    <span
                      className="jp-DeployReplica-state"
                      data-state={replica.state}
                    >
                      {REPLICA_STATE_LABELS[replica.state] ?? replica.state}
                    </span>
                  </td>
                  <td className="jp-mod-numeric">{replica.restarts}</td>
                  <td
                    title={
                      replica.started_at
                        ? exactTime(replica.started_at)
                        : undefined
                    }
                  >
                    {started === null ? '—' : relativeTime(started, now)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
