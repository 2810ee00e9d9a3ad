import { UseSignal } from '@jupyterlab/ui-components';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';

import {
  DEPLOYMENT_EVENT_SCHEMA,
  DeployClient,
  parseDeploymentEvent,
  type Deployment,
  type ModelVersion
} from '../api';
import type { IVersionActions } from '../components/VersionDetails';
import { VersionList } from '../components/VersionList';
import { VersionsPanel } from '../components/VersionsPanel';
import {
  DeploymentsModel,
  followVersionsDeployments
} from '../models/deployments';
import { versionRows } from '../models/versionList';
import { VersionsModel } from '../models/versions';
import {
  fakeServer,
  idleBuilds,
  makeDeployment,
  makeHistory,
  makeOperation,
  settle
} from './helpers';

function pushed(deployment: Deployment, project = 'examples') {
  return parseDeploymentEvent({
    schema_id: DEPLOYMENT_EVENT_SCHEMA,
    kind: 'deployment',
    project,
    name: deployment.name,
    deployment: JSON.stringify(deployment)
  })!;
}

async function sidebar(deployments: Deployment[]) {
  const versions = makeHistory(3);
  const server = fakeServer(request => {
    const url = request.url;
    if (url.includes('/project?')) {
      return { json: { path: 'examples', project: 'examples' } };
    }
    if (url.includes('/deployments?')) {
      return { json: { deployments } };
    }
    if (url.includes('/versions/')) {
      return { json: versions[1] };
    }
    return {
      json: { project: 'examples', model: 'iris-classifier', versions }
    };
  });
  const client = new DeployClient(server.settings);
  const model = new VersionsModel({ client });
  const models = new DeploymentsModel(client);
  followVersionsDeployments(models, model);
  model.setPath('examples', false);
  await act(() => model.refresh());
  await act(() => settle());
  return { model, deployments: models, requests: server.requests };
}

const actions = (): jest.Mocked<IVersionActions> => ({
  openNotebook: jest.fn((_version: ModelVersion) => Promise.resolve()),
  restore: jest.fn((_version: ModelVersion) => Promise.resolve()),
  setStage: jest.fn((_v: ModelVersion, _s: string) => Promise.resolve()),
  compare: jest.fn((_old: string, _next: string) => Promise.resolve()),
  openDeployment: jest.fn((_name: string) => Promise.resolve())
});

const badges = (row: HTMLElement) =>
  [...row.querySelectorAll('.jp-DeployDeployedBadge')].map(b => b.textContent);

describe('"deployed" badges in the versions list', () => {
  it('marks the versions running in a deployment, each badge opening it', () => {
    const onOpenDeployment = jest.fn();
    render(
      <VersionList
        rows={versionRows(makeHistory(2))}
        shown={50}
        ticked={[]}
        deployed={new Map([['iris-classifier@v2', ['churn', 'iris']]])}
        now={Date.now()}
        onOpen={() => undefined}
        onToggle={() => undefined}
        onShowMore={() => undefined}
        onOpenDeployment={onOpenDeployment}
      />
    );
    const [v2, v1] = screen.getAllByRole('listitem');
    expect(badges(v2)).toEqual(['deployed: churn', 'deployed: iris']);
    expect(badges(v1)).toEqual([]);
    fireEvent.click(
      within(v2).getByRole('button', { name: 'deployed: churn' })
    );
    expect(onOpenDeployment).toHaveBeenCalledWith('churn');
  });

  it('lists deployments with the versions, then follows pushed copies only', async () => {
    const { deployments, requests } = await sidebar([
      makeDeployment({ name: 'churn' }),
      makeDeployment({
        name: 'old',
        version: 'iris-classifier@v1',
        status: 'stopped'
      })
    ]);
    expect([...deployments.deployed.entries()]).toEqual([
      ['iris-classifier@v2', ['churn']]
    ]);
    const asked = requests.length;

    // An operation's progress changes nothing here; a copy as it ends does.
    act(() =>
      deployments.applyEvent(
        parseDeploymentEvent({
          schema_id: DEPLOYMENT_EVENT_SCHEMA,
          kind: 'operation',
          project: 'examples',
          name: 'churn',
          operation: JSON.stringify(makeOperation({ status: 'running' }))
        })!
      )
    );
    act(() =>
      deployments.applyEvent(
        pushed(
          makeDeployment({
            name: 'churn',
            version: 'iris-classifier@v1',
            updated_at: '2026-11-23T07:00:00+00:00',
            operation: makeOperation({
              id: 'op-0000000002',
              action: 'rollback',
              started_at: '2026-11-23T06:59:58+00:00'
            })
          })
        )
      )
    );
    act(() =>
      deployments.applyEvent(pushed(makeDeployment({ name: 'fresh' })))
    );
    act(() =>
      deployments.applyEvent(
        pushed(makeDeployment({ name: 'elsewhere' }), 'other')
      )
    );
    expect([...deployments.deployed.entries()]).toEqual([
      ['iris-classifier@v1', ['churn']],
      ['iris-classifier@v2', ['fresh']]
    ]);
    expect(deployments.state.deployments.map(d => d.name)).toEqual([
      'churn',
      'fresh',
      'old'
    ]);
    expect(requests.length).toBe(asked);
  });

  it('shows the badges in the sidebar list and details', async () => {
    const { model, deployments } = await sidebar([
      makeDeployment({ name: 'churn' })
    ]);
    const acts = actions();
    render(
      <UseSignal signal={deployments.changed}>
        {() => (
          <UseSignal signal={model.changed}>
            {() => (
              <VersionsPanel
                model={model}
                actions={acts}
                builds={idleBuilds(model)}
                deployments={deployments}
              />
            )}
          </UseSignal>
        )}
      </UseSignal>
    );
    const row = screen.getByRole('listitem', { name: 'v2' });
    expect(badges(row)).toEqual(['deployed: churn']);
    fireEvent.click(
      within(row).getByRole('button', { name: 'deployed: churn' })
    );
    expect(acts.openDeployment).toHaveBeenCalledWith('churn');

    await act(async () => {
      model.select('iris-classifier@v2');
      await settle();
    });
    const details = screen.getByRole('region', { name: 'Details of v2' });
    expect(
      within(details).getByRole('button', { name: 'deployed: churn' })
    ).toBeTruthy();

    // The deployment stops: its badge goes.
    act(() =>
      deployments.applyEvent(
        pushed(
          makeDeployment({
            name: 'churn',
            status: 'stopped',
            updated_at: '2026-11-23T08:00:00+00:00',
            operation: makeOperation({
              id: 'op-0000000009',
              action: 'down',
              started_at: '2026-11-23T07:59:58+00:00'
            })
          })
        )
      )
    );
    expect(
      within(details).queryByRole('button', { name: 'deployed: churn' })
    ).toBeNull();
  });
});
