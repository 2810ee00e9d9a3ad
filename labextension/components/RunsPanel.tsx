import { HTMLSelect } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import { ACTIVE_STATUSES, RUN_STATUSES, type Run } from '../api';
import { STATUS_LABELS, sweepActive } from '../models/runFormat';
import type { IRunsState, RunsModel } from '../models/runs';
import {
  ALL_STATUSES,
  filterRuns,
  metricKeys,
  sortRuns,
  varyingParameters,
  type StatusFilter
} from '../models/runsTable';
import { CompareView } from './CompareView';
import { ErrorState } from './ErrorState';
import { RefreshButton } from './RefreshButton';
import { RunsTable } from './RunsTable';
import { SweepList } from './SweepList';

export interface IRunsPanelProps {
  model: RunsModel;
  onOpen: (run: Run) => void;
  /** Make a run a model version; settles when the promotion has. */
  onPromote?: (project: string, runId: string) => Promise<unknown>;
}

/** The runs panel: sweeps in progress, the runs table, or a comparison. */
export function RunsPanel({
  model,
  onOpen,
  onPromote
}: IRunsPanelProps): JSX.Element {
  const { state } = model;
  const ticking =
    state.runs.some(run => ACTIVE_STATUSES.includes(run.status)) ||
    state.sweeps.some(sweepActive);
  const now = useNow(ticking);
  return (
    <div className="jp-DeployRuns" aria-busy={state.loading}>
      <Toolbar model={model} state={state} />
      {state.notice && (
        <div className="jp-DeployBanner jp-DeployRuns-notice" role="alert">
          <span>{state.notice}</span>
          <button
            type="button"
            className="jp-Button jp-mod-styled jp-mod-reject"
            onClick={() => model.dismissNotice()}
          >
            Dismiss
          </button>
        </div>
      )}
      <Content
        model={model}
        state={state}
        now={now}
        onOpen={onOpen}
        onPromote={onPromote}
      />
    </div>
  );
}

function Toolbar({
  model,
  state
}: {
  model: RunsModel;
  state: IRunsState;
}): JSX.Element {
  const count = (status: StatusFilter) =>
    status === ALL_STATUSES
      ? state.runs.length
      : state.runs.filter(run => run.status === status).length;
  const statuses: StatusFilter[] = [ALL_STATUSES, ...RUN_STATUSES];
  const options = statuses.map(status => ({
    value: status,
    label: `${status === ALL_STATUSES ? 'All' : STATUS_LABELS[status]} (${count(status)})`
  }));
  return (
    <div className="jp-DeployRuns-toolbar">
      <h2 className="jp-DeployRuns-title">
        Runs
        {state.project !== null && (
          <span className="jp-DeployRuns-project">
            {' '}
            of <code>{state.project || '/'}</code>
          </span>
        )}
      </h2>
      <label className="jp-DeployRuns-filter">
        <span>Status</span>
        <HTMLSelect
          aria-label="Status"
          value={state.filter}
          options={options}
          onChange={event =>
            model.setFilter(event.currentTarget.value as StatusFilter)
          }
        />
      </label>
      <button
        type="button"
        className={`jp-Button jp-mod-styled ${state.comparing ? 'jp-mod-accept' : 'jp-mod-reject'}`}
        disabled={state.selected.length < 2 && !state.comparing}
        aria-pressed={state.comparing}
        title={
          state.selected.length < 2
            ? 'Tick two runs or more to compare them'
            : 'Show the ticked runs side by side'
        }
        onClick={() => model.setComparing(!state.comparing)}
      >
        Compare{state.selected.length > 0 ? ` (${state.selected.length})` : ''}
      </button>
      <RefreshButton
        loading={state.loading}
        title="Fetch the runs again"
        disabled={state.project === null}
        onClick={() => void model.refresh()}
      />
    </div>
  );
}

function Content({
  model,
  state,
  now,
  onOpen,
  onPromote
}: {
  model: RunsModel;
  state: IRunsState;
  now: number;
  onOpen: (run: Run) => void;
  onPromote?: (project: string, runId: string) => Promise<unknown>;
}): JSX.Element {
  if (state.project === null) {
    return (
      <p className="jp-DeployRuns-empty">
        No project chosen. Open a notebook of a deploy project and press{' '}
        <strong>Run with parameters</strong> in its toolbar, or open this panel
        from the Deploy sidebar in a project folder.
      </p>
    );
  }
  if (state.error && state.runs.length === 0) {
    return (
      <ErrorState
        error={state.error}
        title="Cannot list the runs"
        onRetry={() => void model.refresh()}
      />
    );
  }
  if (state.comparing) {
    const runs = state.runs.filter(run => state.selected.includes(run.id));
    return (
      <CompareView
        runs={runs}
        now={now}
        onBack={() => model.setComparing(false)}
      />
    );
  }
  const shownSweeps = state.sweeps.filter(sweep =>
    state.shownSweeps.includes(sweep.id)
  );
  const visible = sortRuns(
    filterRuns(state.runs, state.filter),
    state.sort,
    now
  );
  return (
    <>
      <SweepList
        sweeps={shownSweeps}
        seenAt={state.sweepSeenAt}
        now={now}
        onDismiss={id => model.dismissSweep(id)}
      />
      {state.runs.length === 0 ? (
        <p className="jp-DeployRuns-empty">
          {state.loading
            ? 'Loading runs…'
            : 'No runs yet. Open a notebook of this project and press Run with parameters in its toolbar.'}
        </p>
      ) : (
        <div className="jp-DeployRuns-tableScroll">
          <RunsTable
            runs={visible}
            metrics={metricKeys(state.runs)}
            parameters={varyingParameters(visible)}
            sort={state.sort}
            selected={state.selected}
            busy={state.busy}
            now={now}
            onSort={key => model.sortBy(key)}
            onToggle={id => model.toggleSelected(id)}
            onToggleAll={selected =>
              model.setSelected(
                visible.map(run => run.id),
                selected
              )
            }
            onOpen={onOpen}
            onRerun={run => void model.rerun(run.id)}
            onCancel={run => void model.cancel(run.id)}
            onPromote={
              onPromote
                ? run => void model.promote(run.id, onPromote)
                : undefined
            }
          />
          {visible.length === 0 && (
            <p className="jp-DeployRuns-empty">No run is {state.filter}.</p>
          )}
        </div>
      )}
    </>
  );
}

/** The current time, ticking every second while `ticking` (elapsed, ETA). */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    if (!ticking) {
      return;
    }
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}
