import React from 'react';

import type { NotebookParameter } from '../api';
import type {
  ILimitErrors,
  IRunFormCheck,
  IRunFormValues
} from '../models/runForm';
import type {
  IRunLauncherState,
  RunLauncherModel
} from '../models/runLauncher';
import { runCountText } from '../models/sweepPlan';
import { ErrorState } from './ErrorState';
import { Loading } from './Loading';
import { Segmented } from './Segmented';

export interface IRunFormProps {
  model: RunLauncherModel;
  /** The notebook has changes that are not saved (runs use the file). */
  dirty: boolean;
}

/** Body of the Run dialog: the notebook's parameters, single run or sweep. */
export function RunForm({ model, dirty }: IRunFormProps): JSX.Element {
  const { state } = model;
  return (
    <div className="jp-DeployRunForm" aria-busy={state.loading}>
      <p className="jp-DeployRunForm-notebook">
        <code>{state.notebook}</code>
        {state.info && (
          <>
            {' '}
            in project <code>{state.info.project || '/'}</code>
          </>
        )}
      </p>
      {dirty && (
        <p className="jp-DeployBanner jp-DeployRunForm-banner" role="note">
          This notebook has unsaved changes. Runs execute the saved file: save
          it first to include them.
        </p>
      )}
      {state.loadError ? (
        <ErrorState
          error={state.loadError}
          title="Cannot read the notebook's parameters"
          onRetry={() => void model.load()}
        />
      ) : state.form && state.check && state.info ? (
        <FormBody model={model} state={state} />
      ) : (
        <Loading>Reading the notebook's parameters…</Loading>
      )}
    </div>
  );
}

function FormBody({
  model,
  state
}: {
  model: RunLauncherModel;
  state: IRunLauncherState;
}): JSX.Element {
  const form = state.form as IRunFormValues;
  const check = state.check as IRunFormCheck;
  const parameters = state.info?.parameters ?? [];
  const sweep = form.mode === 'sweep';
  return (
    <>
      <div className="jp-DeployRunForm-options">
        <Segmented
          label="Launch"
          value={form.mode}
          onChange={mode => model.setMode(mode)}
          options={[
            { value: 'single', label: 'Single run' },
            {
              value: 'sweep',
              label: 'Sweep',
              title: 'Several values per parameter, one run per combination'
            }
          ]}
        />
        {sweep && (
          <>
            <span className="jp-DeployRunForm-group">
              <span className="jp-DeployRunForm-groupLabel" aria-hidden="true">
                Combine
              </span>
              <Segmented
                label="Combine values"
                value={form.combine}
                onChange={combine => model.setCombine(combine)}
                options={[
                  {
                    value: 'grid',
                    label: 'Grid',
                    title: 'Every combination of the values (cartesian product)'
                  },
                  {
                    value: 'zip',
                    label: 'Zip',
                    title: 'Pair the values by position'
                  }
                ]}
              />
            </span>
            <LabelledField
              id="jp-DeployRunForm-concurrency"
              className="jp-DeployRunForm-concurrency"
              label="Concurrency"
              title="How many runs execute at the same time"
              inputMode="numeric"
              value={form.concurrency}
              error={check.concurrencyError}
              onChange={text => model.setConcurrency(text)}
            />
          </>
        )}
      </div>
      {sweep && (
        <p className="jp-DeployRunForm-hint">
          Separate values with commas.{' '}
          {form.combine === 'grid'
            ? 'Every combination runs.'
            : 'The n-th values run together; a single value applies to every run.'}
        </p>
      )}
      {parameters.length === 0 ? (
        <p className="jp-DeployRunForm-hint">
          The parameters cell defines no names: the notebook runs as it is.
        </p>
      ) : (
        <table className="jp-DeployRunForm-table" aria-label="Parameters">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">{sweep ? 'Values' : 'Value'}</th>
            </tr>
          </thead>
          <tbody>
            {parameters.map((parameter, index) => (
              <ParameterRow
                key={parameter.name}
                parameter={parameter}
                text={form.values[parameter.name] ?? ''}
                error={check.fieldErrors[parameter.name] ?? null}
                sweep={sweep}
                autoFocus={index === 0}
                onChange={text => model.setValue(parameter.name, text)}
              />
            ))}
          </tbody>
        </table>
      )}
      <LimitsFields
        cellTimeout={form.cellTimeout}
        timeLimit={form.timeLimit}
        errors={check.limitErrors}
        onCellTimeout={text => model.setCellTimeout(text)}
        onTimeLimit={text => model.setTimeLimit(text)}
      />
      {sweep && (
        <p className="jp-DeployRunForm-count" role="status">
          {check.request ? (
            <>
              <strong>{runCountText(check.count)}</strong>
              {check.count > 1 && check.request.kind === 'sweep'
                ? `, ${Math.min(check.request.concurrency, check.count)} at a time`
                : ''}
            </>
          ) : (
            'Correct the values to see how many runs will start'
          )}
        </p>
      )}
      {check.planError && (
        <p className="jp-DeployRunForm-error jp-DeployRunForm-planError">
          {check.planError}
        </p>
      )}
      {state.serverError && (
        <ErrorState
          error={state.serverError}
          title={sweep ? 'The sweep did not start' : 'The run did not start'}
        />
      )}
    </>
  );
}

interface IParameterRowProps {
  parameter: NotebookParameter;
  text: string;
  error: string | null;
  sweep: boolean;
  autoFocus: boolean;
  onChange: (text: string) => void;
}

function ParameterRow({
  parameter,
  text,
  error,
  sweep,
  autoFocus,
  onChange
}: IParameterRowProps): JSX.Element {
  const id = `jp-DeployRunForm-${parameter.name}`;
  const described = [
    parameter.help ? `${id}-help` : '',
    error ? `${id}-error` : ''
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <tr className="jp-DeployRunForm-row" data-name={parameter.name}>
      <th scope="row" className="jp-DeployRunForm-name">
        <label htmlFor={id}>{parameter.name}</label>
        {parameter.help && (
          <span id={`${id}-help`} className="jp-DeployRunForm-help">
            {parameter.help}
          </span>
        )}
      </th>
      <td className="jp-DeployRunForm-type">
        <span className="jp-DeployTag">{parameter.type}</span>
      </td>
      <td className="jp-DeployRunForm-value">
        <input
          id={id}
          type="text"
          className={`jp-mod-styled jp-DeployRunForm-input${error ? ' jp-mod-invalid' : ''}`}
          value={text}
          spellCheck={false}
          autoComplete="off"
          autoFocus={autoFocus}
          placeholder={sweep ? placeholderFor(parameter) : undefined}
          aria-invalid={error !== null}
          aria-describedby={described || undefined}
          onChange={event => onChange(event.target.value)}
        />
        {error && (
          <span id={`${id}-error`} className="jp-DeployRunForm-error">
            {error}
          </span>
        )}
      </td>
    </tr>
  );
}

interface ILimitsFieldsProps {
  cellTimeout: string;
  timeLimit: string;
  errors: ILimitErrors;
  onCellTimeout: (text: string) => void;
  onTimeLimit: (text: string) => void;
}

/** Per-cell timeout and whole-run time limit, folded away until wanted. */
function LimitsFields(props: ILimitsFieldsProps): JSX.Element {
  const invalid =
    props.errors.cellTimeout !== null || props.errors.timeLimit !== null;
  const fold = React.useRef<HTMLDetailsElement>(null);
  React.useEffect(() => {
    // Open while a limit is wrong, so the error cannot hide behind a closed
    // fold; never close it for the user (they may still be typing).
    if (invalid && fold.current) {
      fold.current.open = true;
    }
  }, [invalid]);
  return (
    <details className="jp-DeployRunForm-limits" ref={fold}>
      <summary>
        Limits: <span>{limitsSummary(props.cellTimeout, props.timeLimit)}</span>
      </summary>
      <div className="jp-DeployRunForm-limitFields">
        <LabelledField
          id="jp-DeployRunForm-cellTimeout"
          className="jp-DeployRunForm-limit"
          inputMode="decimal"
          placeholder="none"
          label="Cell timeout (s)"
          title="A cell running longer than this fails the run"
          value={props.cellTimeout}
          error={props.errors.cellTimeout}
          onChange={props.onCellTimeout}
        />
        <LabelledField
          id="jp-DeployRunForm-timeLimit"
          className="jp-DeployRunForm-limit"
          inputMode="decimal"
          placeholder="none"
          label="Time limit (s)"
          title="A run taking longer than this, in all, is stopped and fails"
          value={props.timeLimit}
          error={props.errors.timeLimit}
          onChange={props.onTimeLimit}
        />
      </div>
    </details>
  );
}

function limitsSummary(cellTimeout: string, timeLimit: string): string {
  const parts = [
    cellTimeout.trim() ? `cells ${cellTimeout.trim()} s` : '',
    timeLimit.trim() ? `run ${timeLimit.trim()} s` : ''
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'none';
}

interface ILabelledFieldProps {
  id: string;
  label: string;
  title: string;
  value: string;
  error: string | null;
  onChange: (text: string) => void;
  /** Class of the wrapper, which lays the field out. */
  className: string;
  inputMode: 'numeric' | 'decimal';
  placeholder?: string;
}

/** A labelled one-line input with its inline error (concurrency, limits). */
function LabelledField(props: ILabelledFieldProps): JSX.Element {
  const { id, error } = props;
  return (
    <div className={props.className}>
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="text"
        inputMode={props.inputMode}
        className={`jp-mod-styled jp-DeployRunForm-input${error ? ' jp-mod-invalid' : ''}`}
        value={props.value}
        placeholder={props.placeholder}
        title={props.title}
        aria-invalid={error !== null}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={event => props.onChange(event.target.value)}
      />
      {error && (
        <span id={`${id}-error`} className="jp-DeployRunForm-error">
          {error}
        </span>
      )}
    </div>
  );
}

function placeholderFor(parameter: NotebookParameter): string {
  switch (parameter.type) {
    case 'int':
      return 'e.g. 10, 20, 50';
    case 'float':
      return 'e.g. 0.1, 0.5';
    case 'bool':
      return 'true, false';
    case 'str':
      return 'e.g. a, b';
    default:
      return 'comma-separated JSON values';
  }
}
