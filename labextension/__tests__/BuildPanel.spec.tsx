import { UseSignal } from '@jupyterlab/ui-components';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';

import {
  BUILD_EVENT_SCHEMA,
  DeployClient,
  parseBuildEvent,
  type Build
} from '../api';
import { BuildPanel } from '../components/BuildPanel';
import { VersionList } from '../components/VersionList';
import { BuildsModel } from '../models/builds';
import { versionRows } from '../models/versionList';
import {
  fakeServer,
  makeBuild,
  makeHistory,
  settle,
  type FakeAnswer
} from './helpers';

interface IServer {
  builds: Build[];
  log: string[];
  post?: (request: Request) => FakeAnswer | Promise<FakeAnswer>;
}

async function renderPanel(server: IServer) {
  const fake = fakeServer(request => {
    const url = new URL(request.url);
    if (request.method === 'POST' && server.post) {
      return server.post(request);
    }
    if (url.pathname.endsWith('/log')) {
      const offset = Number(url.searchParams.get('offset'));
      return {
        json: { lines: server.log.slice(offset), offset: server.log.length }
      };
    }
    return { json: { builds: server.builds } };
  });
  const model = new BuildsModel({
    client: new DeployClient(fake.settings),
    quietMs: 60_000
  });
  model.setProject('examples');
  model.showVersion('iris-classifier@v1');
  render(
    <UseSignal signal={model.changed}>
      {() => <BuildPanel model={model} />}
    </UseSignal>
  );
  await act(() => settle());
  return { model, requests: fake.requests };
}

function event(data: Record<string, unknown>) {
  return parseBuildEvent({
    schema_id: BUILD_EVENT_SCHEMA,
    project: 'examples',
    ...data
  })!;
}

const section = () => screen.getByRole('region', { name: 'Container image' });
const button = (name: string) =>
  within(section()).getByRole('button', { name }) as HTMLButtonElement;
const stepStates = () =>
  within(section())
    .getAllByRole('listitem')
    .map(
      item =>
        `${item.getAttribute('data-step')}:${item.getAttribute('data-state')}`
    );

let model: BuildsModel | null = null;
afterEach(() => model?.dispose());

describe('BuildPanel', () => {
  it('builds the image, shows steps and the live log, and cancels', async () => {
    let answer: (value: FakeAnswer) => void = () => undefined;
    const queued = makeBuild({
      status: 'queued',
      steps: [],
      started_at: null,
      finished_at: null,
      duration_s: null,
      image: null
    });
    const server: IServer = {
      builds: [],
      log: [],
      post: () =>
        new Promise(resolve => {
          answer = resolve;
        })
    };
    ({ model } = await renderPanel(server));
    expect(section().textContent).toContain('No image built yet.');
    const build = button('Build image');
    expect(build.title).toBe('Build a container image of this version');

    fireEvent.click(build);
    expect(build.disabled).toBe(true);
    await act(async () => {
      answer({ status: 201, json: queued });
      await settle();
    });
    expect(stepStates()).toEqual([
      'export:pending',
      'smoke:pending',
      'resolve:pending',
      'dependencies:pending',
      'image:pending'
    ]);

    const smoke = makeBuild({
      ...queued,
      status: 'running',
      step: 'smoke',
      started_at: new Date(Date.now() - 5000).toISOString(),
      steps: [
        {
          name: 'export',
          started_at: new Date(Date.now() - 5000).toISOString(),
          duration_s: 0.4
        },
        {
          name: 'smoke',
          started_at: new Date(Date.now() - 3000).toISOString(),
          duration_s: null
        }
      ]
    });
    act(() => {
      model!.applyEvent(event({ kind: 'build', build: JSON.stringify(smoke) }));
      model!.applyEvent(
        event({
          kind: 'log',
          build_id: smoke.id,
          lines: JSON.stringify(['── export', '── smoke'])
        })
      );
    });
    expect(stepStates().slice(0, 3)).toEqual([
      'export:done',
      'smoke:running',
      'resolve:pending'
    ]);
    const smokeStep = section().querySelector('[data-step="smoke"]')!;
    expect(smokeStep.textContent).toMatch(/Smoke test.*3 s$/);
    expect(
      section().querySelector('[data-step="export"]')!.textContent
    ).toContain('0.4 s');
    expect(screen.getByRole('log', { name: 'Build log' }).textContent).toBe(
      '── export\n── smoke'
    );
    expect(within(section()).getByRole('status').textContent).toBe('Building');
    expect(
      section().querySelector('.jp-DeployBuild-when')!.textContent
    ).toMatch(/^\d+ s elapsed$/);

    server.post = () => ({
      status: 202,
      json: makeBuild({
        ...smoke,
        status: 'cancelled',
        finished_at: new Date().toISOString(),
        cancel_requested: true,
        error: {
          code: 'cancelled',
          message: 'cancelled by ada',
          traceback: null
        }
      })
    });
    await act(async () => {
      fireEvent.click(button('Cancel'));
      await settle();
    });
    expect(stepStates()[1]).toBe('smoke:stopped');
    expect(section().textContent).toContain('Cancelled by ada.');
    expect(within(section()).getByRole('status').textContent).toBe('Cancelled');
    expect(button('Build image').disabled).toBe(false);
  });

  it('shows the image a succeeded build made, and offers a rebuild', async () => {
    const built = makeBuild({
      image: { ...makeBuild().image!, dependency_cached: true }
    });
    ({ model } = await renderPanel({ builds: [built], log: ['── export'] }));
    const facts = section().querySelector('.jp-DeployBuild-image')!;
    expect(facts.querySelector('.jp-DeployBuild-tag')!.textContent).toBe(
      'iris-classifier:v1'
    );
    const [size, dependencies] = [
      ...facts.querySelectorAll('.jp-DeployBuild-meta')
    ].map(line => [...line.children].map(item => item.textContent));
    expect(size).toEqual(['3f3f3f3f3f3f', '412 MB', '37 s']);
    expect(dependencies).toEqual([
      'dependencies cached',
      '3 packages',
      'on python:3.11-slim'
    ]);
    expect(
      section().querySelector('[data-step="dependencies"]')!.textContent
    ).toContain('cached');
    expect(button('Rebuild').title).toBe(
      'Build the container image of this version again'
    );
    // The log of a success is there, folded.
    const log = section().querySelector('details.jp-DeployBuildLog')!;
    expect(log.hasAttribute('open')).toBe(false);
    expect(log.textContent).toContain('1 line');
  });

  it("shows a failed smoke test with the notebook's own traceback", async () => {
    const traceback =
      'Traceback (most recent call last):\n  File "service.py", line 9, in predict\nKeyError: \'sepal_length\'';
    const failed = makeBuild({
      status: 'failed',
      step: 'smoke',
      steps: makeBuild().steps.slice(0, 2),
      image: null,
      error: {
        code: 'smoke_test_failed',
        message: 'predict(input example) raised KeyError',
        traceback
      }
    });
    ({ model } = await renderPanel({ builds: [failed], log: [] }));
    const alert = within(section()).getByRole('alert');
    expect(alert.textContent).toContain('The smoke test failed');
    expect(alert.textContent).toContain(
      'predict(input example) raised KeyError'
    );
    const details = alert.querySelector('details')!;
    expect(details.hasAttribute('open')).toBe(true);
    expect(details.querySelector('pre')!.textContent).toBe(traceback);
    expect(stepStates()[1]).toBe('smoke:failed');
    expect(button('Build image')).toBeTruthy();
  });

  it("shows a refused request in the server's words", async () => {
    const server: IServer = {
      builds: [],
      log: [],
      post: () => ({
        status: 400,
        json: {
          error: {
            code: 'invalid_notebook',
            message: 'train.ipynb has no cell tagged serve'
          }
        }
      })
    };
    ({ model } = await renderPanel(server));
    await act(async () => {
      fireEvent.click(button('Build image'));
      await settle();
    });
    const alert = within(section()).getByRole('alert');
    expect(alert.textContent).toContain('The notebook cannot be served');
    expect(alert.textContent).toContain('train.ipynb has no cell tagged serve');
    expect(alert.textContent).toContain('HTTP 400 · invalid_notebook');
  });
});

describe('VersionList', () => {
  it('marks the versions with a built image', () => {
    render(
      <VersionList
        rows={versionRows(makeHistory(2))}
        shown={50}
        ticked={[]}
        built={new Set(['iris-classifier@v1'])}
        now={Date.now()}
        onOpen={() => undefined}
        onToggle={() => undefined}
        onShowMore={() => undefined}
      />
    );
    const [v2, v1] = screen.getAllByRole('listitem');
    expect(v1.querySelector('.jp-DeployVersionRow-image')?.textContent).toBe(
      'image'
    );
    expect(v2.querySelector('.jp-DeployVersionRow-image')).toBeNull();
  });
});
