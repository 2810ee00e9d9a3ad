import React, { useEffect, useState } from 'react';

import type { BuildsModel } from '../models/builds';
import type { DeploymentsModel } from '../models/deployments';
import { filterRows, versionRows } from '../models/versionList';
import type { IVersionsState, VersionsModel } from '../models/versions';
import { ErrorState } from './ErrorState';
import { Loading } from './Loading';
import { RefreshButton } from './RefreshButton';
import { VersionDetails, type IVersionActions } from './VersionDetails';
import { VersionList } from './VersionList';
import { usePending } from './usePending';

export interface IVersionsPanelProps {
  model: VersionsModel;
  actions: IVersionActions;
  /** Image builds of the same project (see followVersions). */
  builds: BuildsModel;
  /** Deployments of the same project (see followVersionsDeployments). */
  deployments?: DeploymentsModel;
}

/** The versions sidebar: the list of a project's versions, or one's details. */
export function VersionsPanel({
  model,
  actions,
  builds,
  deployments
}: IVersionsPanelProps): JSX.Element {
  const { state } = model;
  const now = useMinuteClock();
  const selected = model.selectedVersion;
  return (
    <div className="jp-DeployVersions" aria-busy={state.loading}>
      {selected ? (
        <VersionDetails
          version={selected}
          versions={state.versions}
          now={now}
          actions={actions}
          builds={builds}
          deployedAs={deployments?.deployed.get(selected.tag)}
          onBack={() => model.select(null)}
        />
      ) : (
        <>
          <Toolbar model={model} state={state} />
          <Content
            model={model}
            state={state}
            now={now}
            actions={actions}
            built={builds.built}
            deployed={deployments?.deployed}
          />
        </>
      )}
    </div>
  );
}

function Toolbar({
  model,
  state
}: {
  model: VersionsModel;
  state: IVersionsState;
}): JSX.Element {
  return (
    <div className="jp-DeployPanel-toolbar jp-DeployVersions-toolbar">
      <span className="jp-DeployVersions-heading">
        {state.model ? (
          <>
            <strong className="jp-DeployVersions-model">{state.model}</strong>
            <span className="jp-DeployVersions-project">
              {' '}
              in <code>{state.project || '/'}</code>
            </span>
          </>
        ) : (
          <span className="jp-DeployPanel-section">Versions</span>
        )}
      </span>
      <RefreshButton
        loading={state.loading}
        title="List the versions again"
        onClick={() => void model.refresh()}
      />
    </div>
  );
}

function Content({
  model,
  state,
  now,
  actions,
  built,
  deployed
}: {
  model: VersionsModel;
  state: IVersionsState;
  now: number;
  actions: IVersionActions;
  built: ReadonlySet<string>;
  deployed?: ReadonlyMap<string, string[]>;
}): JSX.Element {
  if (state.error) {
    return (
      <ErrorState
        error={state.error}
        title="Cannot list the versions"
        onRetry={() => void model.refresh()}
      />
    );
  }
  if (!state.resolved || (state.loading && state.versions.length === 0)) {
    return <Loading>Looking for versions…</Loading>;
  }
  if (state.project === null) {
    return (
      <section className="jp-DeployEmpty" aria-label="No project">
        <h3 className="jp-DeployEmpty-title">No deploy project here</h3>
        <p>
          Open the folder of a project (one with a{' '}
          <code>jupyter-deploy.yaml</code>) in the file browser to see its model
          versions.
        </p>
      </section>
    );
  }
  if (state.versions.length === 0) {
    return (
      <section className="jp-DeployEmpty" aria-label="No versions">
        <h3 className="jp-DeployEmpty-title">No versions yet</h3>
        <p>
          A version is made from a succeeded run: open the runs of this project
          and press <strong>Promote</strong> on the run you want to keep.
        </p>
      </section>
    );
  }
  const rows = filterRows(versionRows(state.versions), state.query);
  return (
    <>
      <CompareBar model={model} state={state} actions={actions} />
      {rows.length === 0 ? (
        <p className="jp-DeployVersions-empty">
          No version matches “{state.query}”.
        </p>
      ) : (
        <VersionList
          rows={rows}
          shown={state.shown}
          ticked={state.ticked}
          built={built}
          deployed={deployed}
          now={now}
          onOpen={tag => model.select(tag)}
          onToggle={tag => model.toggleTicked(tag)}
          onShowMore={() => model.showMore()}
          onOpenDeployment={
            actions.openDeployment
              ? name => void actions.openDeployment?.(name)
              : undefined
          }
        />
      )}
    </>
  );
}

function CompareBar({
  model,
  state,
  actions
}: {
  model: VersionsModel;
  state: IVersionsState;
  actions: IVersionActions;
}): JSX.Element {
  const [pending, run] = usePending();
  const pair = model.comparePair;
  return (
    <div className="jp-DeployVersions-tools">
      <input
        type="search"
        className="jp-DeployVersions-filter"
        aria-label="Filter versions"
        placeholder="Filter…"
        title="Show versions whose number, stage, author, run or parameters contain every word, e.g. production max_depth=3"
        value={state.query}
        onChange={event => model.setQuery(event.currentTarget.value)}
      />
      <button
        type="button"
        className={`jp-Button jp-mod-styled ${pair ? 'jp-mod-accept' : 'jp-mod-reject'}`}
        disabled={pair === null || pending !== null}
        title={
          pair
            ? 'Compare the two ticked versions'
            : 'Tick two versions to compare them'
        }
        onClick={() => {
          if (pair) {
            run('compare', () => actions.compare(pair[0], pair[1]));
          }
        }}
      >
        Compare ({state.ticked.length}/2)
      </button>
    </div>
  );
}

/** The time, every minute: enough for "5 min ago". */
function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
