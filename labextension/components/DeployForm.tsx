import { HTMLSelect } from '@jupyterlab/ui-components';
import React from 'react';

import { DEPLOYMENT_TARGETS, type ModelVersion } from '../api';
import { STEP_STATE_LABELS } from '../format/steps';
import type { DeployLauncherModel } from '../models/deployLauncher';
import { deploymentErrorTitle } from '../models/deploymentFormat';
import { versionLabel } from '../format/text';
import { parseTime, relativeTime } from '../format/time';
import { ErrorState, errorTitle } from './ErrorState';
import { Loading } from './Loading';
import { Segmented } from './Segmented';
import { StepMark } from './StepMark';

export interface IDeployFormProps {
  model: DeployLauncherModel;
  /** The notebook has changes that are not saved (runs use the file). */
  dirty: boolean;
}

const TARGET_TITLES = {
  auto: 'Docker when an engine answers, else a local process',
  docker: 'A container per replica, restarted by the engine',
  local: 'A supervised process on this machine'
};

/** Body of the Deploy dialog: which version, where, how many, under what name. */
export function DeployForm({ model, dirty }: IDeployFormProps): JSX.Element {
  const { state } = model;
  if (state.loadError) {
    return (
      <ErrorState
        error={state.loadError}
        title="Cannot read the project's versions"
        onRetry={() => void model.load()}
      />
    );
  }
  if (state.loading) {
    return <Loading>Looking for the project's versions…</Loading>;
  }
  if (state.project === null) {
    return (
      <section className="jp-DeployEmpty" aria-label="No project">
        <h3 className="jp-DeployEmpty-title">Not in a deploy project</h3>
        <p>
          <code>{state.notebook}</code> is not in a folder with a{' '}
          <code>jupyter-deploy.yaml</code>. The Deploy sidebar tells what a
          project needs.
        </p>
      </section>
    );
  }
  const { form } = state;
  const check = model.check;
  const existing = model.existing;
  const flow = model.isFlow;
  const submitting = state.submitting;
  return (
    <div className="jp-DeployForm" aria-busy={submitting}>
      <p className="jp-DeployForm-notebook">
        <strong>{state.model}</strong> in project{' '}
        <code>{state.project || '/'}</code>
      </p>
      {flow ? (
        <p className="jp-DeployForm-flow">
          {state.model} has no saved version yet. Deploy runs{' '}
          <code>{state.notebook}</code> with its default parameters, saves the
          run as a version, then deploys that version.
        </p>
      ) : (
        <label className="jp-DeployForm-field">
          <span className="jp-DeployForm-label">Version</span>
          <HTMLSelect
            aria-label="Version"
            value={form.version}
            disabled={submitting}
            options={state.versions.map((version, index) => ({
              value: version.tag,
              label: versionOption(version, index === 0)
            }))}
            onChange={event =>
              model.setForm({ version: event.currentTarget.value })
            }
          />
        </label>
      )}
      {flow && dirty && (
        <p className="jp-DeployBanner" role="note">
          This notebook has unsaved changes. The run executes the saved file:
          save it first to include them.
        </p>
      )}
      <div className="jp-DeployForm-field">
        <span className="jp-DeployForm-label" aria-hidden="true">
          Target
        </span>
        <Segmented
          label="Target"
          value={form.target}
          onChange={target => model.setForm({ target })}
          options={DEPLOYMENT_TARGETS.map(target => ({
            value: target,
            label: target,
            title: TARGET_TITLES[target]
          }))}
        />
      </div>
      <TextField
        label="Replicas"
        value={form.replicas}
        inputMode="numeric"
        error={check?.replicasError ?? null}
        disabled={submitting}
        onChange={replicas => model.setForm({ replicas })}
      />
      <TextField
        label="Name"
        value={form.name}
        error={check?.nameError ?? null}
        disabled={submitting}
        onChange={name => model.setForm({ name })}
      />
      <p className="jp-DeployForm-hint" data-testid="deploy-mode">
        {existing ? (
          <>
            <strong>{existing.name}</strong> exists
            {existing.version
              ? ` (serving ${versionLabel(existing.version)})`
              : ''}
            : deploying updates it
            {form.version ? ` to ${versionLabel(form.version)}` : ''}, with no
            downtime. Its endpoint and key stay.
          </>
        ) : (
          <>
            Creates a new deployment with its own endpoint and API key (shown
            once).
          </>
        )}
      </p>
      {state.stage !== null && <FlowStages model={model} />}
      {state.error && <Failure model={model} />}
    </div>
  );
}

function versionOption(version: ModelVersion, latest: boolean): string {
  const created = parseTime(version.created_at);
  const when =
    created === null ? '' : ` · ${relativeTime(created, Date.now())}`;
  return `${version.version}${latest ? ' (latest)' : ''}${when}`;
}

function TextField({
  label,
  value,
  error,
  disabled,
  inputMode,
  onChange
}: {
  label: string;
  value: string;
  error: string | null;
  disabled: boolean;
  inputMode?: 'numeric';
  onChange: (value: string) => void;
}): JSX.Element {
  const id = `jp-DeployForm-${label.toLowerCase()}`;
  return (
    <div className="jp-DeployForm-field">
      <label className="jp-DeployForm-label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className="jp-mod-styled jp-DeployForm-input"
        type="text"
        inputMode={inputMode}
        value={value}
        disabled={disabled}
        aria-invalid={error !== null}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={event => onChange(event.currentTarget.value)}
      />
      {error && (
        <span id={`${id}-error`} className="jp-DeployForm-error">
          {error}
        </span>
      )}
    </div>
  );
}

/** Where "Run, save as a version and deploy" is. */
function FlowStages({ model }: { model: DeployLauncherModel }): JSX.Element {
  return (
    <>
      <ol className="jp-DeployOperationSteps" aria-label="Progress">
        {model.stages.map(stage => {
          const detail =
            stage.state === 'pending' ? null : model.stageDetail(stage.name);
          return (
            <li
              key={stage.name}
              className="jp-DeployOperationStep"
              data-stage={stage.name}
              data-state={stage.state}
            >
              <StepMark state={stage.state} />
              <span className="jp-DeployOperationStep-label">
                {stage.label}
              </span>
              <span className="jp-DeployVisuallyHidden">
                {STEP_STATE_LABELS[stage.state]}
              </span>
              {detail && (
                <span className="jp-DeployOperationStep-message">{detail}</span>
              )}
            </li>
          );
        })}
      </ol>
      {model.state.submitting && (
        <p className="jp-DeployForm-hint">
          Closing this dialog stops following here; the run goes on in the Runs
          panel.
        </p>
      )}
    </>
  );
}

function Failure({ model }: { model: DeployLauncherModel }): JSX.Element {
  const error = model.state.error!;
  const stage = model.state.failedStage;
  const title =
    stage === 'run'
      ? 'The run did not succeed'
      : stage === 'promote'
        ? 'The run could not be saved as a version'
        : (deploymentErrorTitle(error.code) ?? errorTitle(error));
  return (
    <div className="jp-DeployBuild-failure" role="alert">
      <strong className="jp-DeployBuild-failureTitle">{title}</strong>
      <p className="jp-DeployBuild-failureMessage">{error.message}</p>
      <code className="jp-DeployBuild-failureCode">
        {error.status > 0 ? `HTTP ${error.status} · ` : ''}
        {error.code}
      </code>
    </div>
  );
}
