import { UseSignal } from '@jupyterlab/ui-components';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';

import { ApiError, DeployClient, type ModelVersion } from '../api';
import type { IVersionActions } from '../components/VersionDetails';
import { VersionsPanel } from '../components/VersionsPanel';
import { VersionsModel } from '../models/versions';
import { fakeServer, idleBuilds, makeHistory, makeVersion } from './helpers';

const SCHEMA = {
  function: 'predict',
  source: 'type hints' as const,
  input: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        sepal_length: { type: 'number' },
        note: { type: 'string' }
      },
      required: ['sepal_length']
    }
  },
  output: {
    type: 'array',
    items: {
      type: 'object',
      properties: { species: { type: 'string' } },
      required: ['species']
    }
  }
};

function actions(): jest.Mocked<IVersionActions> {
  return {
    openNotebook: jest.fn((_version: ModelVersion) => Promise.resolve()),
    restore: jest.fn((_version: ModelVersion) => Promise.resolve()),
    setStage: jest.fn((_version: ModelVersion, _stage: string) =>
      Promise.resolve()
    ),
    compare: jest.fn((_old: string, _next: string) => Promise.resolve())
  };
}

async function renderPanel(versions: ModelVersion[]) {
  const server = fakeServer(request =>
    request.url.includes('/project?')
      ? { json: { path: 'examples', project: 'examples' } }
      : { json: { project: 'examples', model: 'iris-classifier', versions } }
  );
  const model = new VersionsModel({
    client: new DeployClient(server.settings)
  });
  model.setPath('examples', false);
  await act(() => model.refresh());
  const acts = actions();
  const builds = idleBuilds(model);
  render(
    <UseSignal signal={model.changed}>
      {() => <VersionsPanel model={model} actions={acts} builds={builds} />}
    </UseSignal>
  );
  return { model, actions: acts };
}

function rows(): HTMLElement[] {
  return within(screen.getByRole('list', { name: 'Versions' })).getAllByRole(
    'listitem'
  );
}

describe('VersionsPanel list', () => {
  it('renders the first page of 1000 versions, then more on demand', async () => {
    await renderPanel(
      makeHistory(1000, n => ({
        metrics: { accuracy: 0.9 + (n % 7) / 100 },
        parameters: { max_depth: n % 5 }
      }))
    );
    // One page is drawn, not the whole history: what keeps the sidebar responsive.
    expect(rows()).toHaveLength(50);
    expect(rows()[0].getAttribute('data-version')).toBe('v1000');
    expect(screen.getByText('Showing 50 of 1000')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Show 50 more' }));
    expect(rows()).toHaveLength(100);
    expect(rows()[99].getAttribute('data-version')).toBe('v901');

    fireEvent.change(
      screen.getByRole('searchbox', { name: 'Filter versions' }),
      {
        target: { value: 'v99' }
      }
    );
    expect(rows().map(row => row.getAttribute('data-version'))).toEqual([
      'v999',
      'v998',
      'v997',
      'v996',
      'v995',
      'v994',
      'v993',
      'v992',
      'v991',
      'v990',
      'v99'
    ]);
    expect(screen.queryByRole('button', { name: /^Show \d+ more/ })).toBeNull();
  });

  it('shows stages, author, time, key metrics with coloured deltas, parameters and data hash', async () => {
    const minutesAgo = (m: number) =>
      new Date(Date.now() - m * 60_000).toISOString();
    await renderPanel([
      makeVersion({
        version: 'v2',
        tag: 'iris-classifier@v2',
        stages: ['production'],
        author: { name: 'Grace', email: 'g@example.org' },
        created_at: minutesAgo(5),
        parameters: { max_depth: 3, n_estimators: 50 },
        metrics: { accuracy: 0.97, loss: 0.2, n_test: 38 },
        data: [
          {
            path: 'data/iris.csv',
            md5: '0123456789abcdef'.repeat(2),
            size: 4000,
            storage: 'dvc'
          }
        ]
      }),
      makeVersion({
        created_at: minutesAgo(90),
        parameters: { max_depth: 1, n_estimators: 50 },
        metrics: { accuracy: 0.6, loss: 0.1, n_test: 38 }
      })
    ]);
    const [v2, v1] = rows();
    expect(within(v2).getByText('production').getAttribute('data-stage')).toBe(
      'production'
    );
    expect(v2.textContent).toContain('Grace');
    expect(
      within(v2).getByText('5 min ago').getAttribute('title')
    ).toBeTruthy();
    expect(within(v1).getByText('1 h ago')).toBeTruthy();

    const metric = (row: HTMLElement, name: string) =>
      row.querySelector(`[data-metric="${name}"]`)!;
    expect(metric(v2, 'accuracy').textContent).toContain('0.97');
    const better = metric(v2, 'accuracy').querySelector('.jp-DeployDelta')!;
    expect(better.getAttribute('data-tone')).toBe('better');
    expect(better.textContent).toContain('+0.37');
    expect(better.getAttribute('title')).toBe('vs v1: better');
    expect(
      metric(v2, 'loss')
        .querySelector('.jp-DeployDelta')!
        .getAttribute('data-tone')
    ).toBe('worse');
    expect(metric(v2, 'n_test')).toBeNull();
    expect(metric(v1, 'accuracy').querySelector('.jp-DeployDelta')).toBeNull();

    expect(v2.textContent).toContain('max_depth=3');
    expect(v2.textContent).not.toContain('n_estimators');
    expect(v1.querySelector('.jp-DeployVersionRow-hash')!.textContent).toBe(
      'model aaaaaaaa'
    );
    const hash = v2.querySelector('.jp-DeployVersionRow-hash')!;
    expect(hash.textContent).toBe('data 01234567');
    expect(hash.getAttribute('title')).toContain(
      `data/iris.csv  ${'0123456789abcdef'.repeat(2)}`
    );
  });

  it('compares two ticked versions, older first', async () => {
    const { actions } = await renderPanel(makeHistory(3));
    const compare = screen.getByRole('button', { name: 'Compare (0/2)' });
    expect((compare as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Select v3 to compare' })
    );
    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Select v1 to compare' })
    );
    const ready = screen.getByRole('button', { name: 'Compare (2/2)' });
    await act(async () => {
      fireEvent.click(ready);
    });
    expect(actions.compare).toHaveBeenCalledWith(
      'iris-classifier@v1',
      'iris-classifier@v3'
    );
  });

  it('fetches the full version for its details (listings are summaries)', async () => {
    const summary = makeVersion({
      environment: { python: '3.11.7', package_count: 198 }
    });
    delete summary.schema;
    const full = makeVersion({
      environment: { python: '3.11.7', packages: { numpy: '2.1.0' } },
      schema: {
        function: 'predict',
        input: {
          type: 'array',
          items: {
            type: 'object',
            properties: { sepal_length: { type: 'number' } },
            required: ['sepal_length']
          }
        },
        output: null,
        source: 'type hints'
      }
    });
    let answer: (value: { json: unknown }) => void = () => undefined;
    const server = fakeServer(request => {
      if (request.url.includes('/project?')) {
        return { json: { path: 'examples', project: 'examples' } };
      }
      if (request.url.includes('/versions/iris-classifier%40v1')) {
        return new Promise(resolve => {
          answer = resolve;
        });
      }
      return {
        json: {
          project: 'examples',
          model: 'iris-classifier',
          versions: [summary]
        }
      };
    });
    const model = new VersionsModel({
      client: new DeployClient(server.settings)
    });
    model.setPath('examples', false);
    await act(() => model.refresh());
    const builds = idleBuilds(model);
    render(
      <UseSignal signal={model.changed}>
        {() => (
          <VersionsPanel model={model} actions={actions()} builds={builds} />
        )}
      </UseSignal>
    );
    fireEvent.click(
      screen.getByTitle('Show the details of iris-classifier@v1')
    );
    expect(screen.getByText('Loading…')).toBeTruthy();
    expect(screen.queryByText('sepal_length')).toBeNull();
    await act(async () => answer({ json: full }));
    expect(screen.getByText('sepal_length')).toBeTruthy();
    expect(screen.queryByText('Loading…')).toBeNull();
    expect(screen.getByText('Python 3.11.7 · 1 package')).toBeTruthy();
    model.dispose();
  });

  it("shows the server's git message as an error with a retry", async () => {
    const message =
      'examples is not in a git repository. Run `git init` and commit the project first.';
    const server = fakeServer(request =>
      request.url.includes('/project?')
        ? { json: { path: 'examples', project: 'examples' } }
        : { status: 409, json: { error: { code: 'conflict', message } } }
    );
    const model = new VersionsModel({
      client: new DeployClient(server.settings)
    });
    model.setPath('examples', false);
    await act(() => model.refresh());
    render(
      <VersionsPanel
        model={model}
        actions={actions()}
        builds={idleBuilds(model)}
      />
    );
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Cannot list the versions');
    expect(alert.textContent).toContain('git init');
    expect(model.state.error).toBeInstanceOf(ApiError);
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeTruthy();
    model.dispose();
  });
});

describe('VersionsPanel details', () => {
  it('shows everything recorded and offers the actions', async () => {
    const versions = [
      makeVersion({
        version: 'v2',
        tag: 'iris-classifier@v2',
        stages: ['staging'],
        sweep_id: 's-0000000001',
        parameters: { max_depth: 3, criterion: 'gini' },
        metrics: { accuracy: 0.97, n_test: 38 },
        files: [
          {
            path: 'model/model.joblib',
            md5: '46325aa697cbf0dd25aa566f56a0736b',
            size: 46635
          }
        ],
        data: [
          {
            path: 'data/iris.csv',
            md5: 'f'.repeat(32),
            size: 1536,
            storage: 'git'
          }
        ],
        schema: SCHEMA,
        environment: {
          python: '3.11.2',
          packages: { numpy: '2.0', scikit_learn: '1.5', joblib: '1.4' }
        }
      }),
      makeVersion({ metrics: { accuracy: 0.9, n_test: 38 } })
    ];
    const { model, actions } = await renderPanel(versions);
    fireEvent.click(within(rows()[0]).getByRole('button'));
    const details = screen.getByRole('region', { name: 'Details of v2' });
    const section = (name: string) =>
      within(details).getByRole('region', { name });

    const accuracy = section('Metrics').querySelector(
      '[data-metric="accuracy"]'
    )!;
    expect(accuracy.textContent).toContain('0.97');
    expect(
      accuracy.querySelector('.jp-DeployDelta')!.getAttribute('data-tone')
    ).toBe('better');
    expect(section('Metrics').textContent).toContain('n_test');
    expect(section('Parameters').textContent).toContain('criterion');
    expect(section('Parameters').textContent).toContain('gini');

    const files = section('Files');
    expect(files.textContent).toContain('model/model.joblib');
    expect(files.textContent).toContain('46 KB');
    expect(within(files).getByText('46325aa6').getAttribute('title')).toBe(
      'md5 46325aa697cbf0dd25aa566f56a0736b'
    );
    expect(files.textContent).toContain('data · git');
    expect(files.textContent).toContain('1.5 KB');

    const input = within(section('Serving API')).getByRole('group', {
      name: 'Input'
    });
    expect(input.textContent).toContain('a list of records');
    expect(
      within(input)
        .getAllByRole('listitem')
        .map(item => item.textContent)
    ).toEqual(['sepal_length — number, required', 'note — string']);
    expect(
      within(section('Serving API')).getByRole('group', { name: 'Output' })
        .textContent
    ).toContain('species — string, required');

    const provenance = section('Provenance').textContent;
    expect(provenance).toContain('Python 3.11.2 · 3 packages');
    expect(provenance).toContain('bbbbbbb');
    expect(provenance).toContain('r-0123456789');
    expect(provenance).toContain('s-0000000001');

    const button = (name: string | RegExp) =>
      within(details).getByRole('button', { name });
    await act(async () => {
      fireEvent.click(button('Open executed notebook'));
    });
    expect(actions.openNotebook).toHaveBeenCalledWith(versions[0]);
    await act(async () => {
      fireEvent.click(button('Restore…'));
    });
    expect(actions.restore).toHaveBeenCalledWith(versions[0]);

    // Already in staging: only production can be set.
    expect((button('Set stage') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(within(details).getByRole('combobox', { name: 'Stage' }), {
      target: { value: 'production' }
    });
    await act(async () => {
      fireEvent.click(button('Set stage'));
    });
    expect(actions.setStage).toHaveBeenCalledWith(versions[0], 'production');

    await act(async () => {
      fireEvent.click(button('Compare v1'));
    });
    expect(actions.compare).toHaveBeenCalledWith(
      'iris-classifier@v1',
      'iris-classifier@v2'
    );

    fireEvent.click(button('All versions'));
    expect(model.state.selected).toBeNull();
    expect(screen.getByRole('list', { name: 'Versions' })).toBeTruthy();
  });

  it('lets one action run at a time', async () => {
    const { actions } = await renderPanel(makeHistory(2));
    let finish: () => void = () => undefined;
    actions.openNotebook.mockImplementation(
      () =>
        new Promise<void>(resolve => {
          finish = resolve;
        })
    );
    fireEvent.click(within(rows()[0]).getByRole('button'));
    const open = screen.getByRole('button', { name: 'Open executed notebook' });
    fireEvent.click(open);
    fireEvent.click(open);
    expect(actions.openNotebook).toHaveBeenCalledTimes(1);
    expect((open as HTMLButtonElement).disabled).toBe(true);
    expect(
      (screen.getByRole('button', { name: 'Restore…' }) as HTMLButtonElement)
        .disabled
    ).toBe(true);
    await act(async () => finish());
    expect((open as HTMLButtonElement).disabled).toBe(false);
  });
});
