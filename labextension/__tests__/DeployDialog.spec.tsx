import { Dialog } from '@jupyterlab/apputils';
import type { ISignal, Slot } from '@lumino/signaling';
import { act, fireEvent, waitFor, within } from '@testing-library/react';

import {
  DeployClient,
  type Deployment,
  type IRunEvent,
  type ModelVersion,
  type Run
} from '../api';
import { showDeployDialog } from '../components/DeployDialog';
import {
  fakeServer,
  makeDeployment,
  makeHistory,
  makeOperation,
  makeRun,
  makeVersion,
  settle,
  type FakeAnswer
} from './helpers';

interface IServer {
  project?: string | null;
  versions: ModelVersion[];
  deployments?: Deployment[];
  /** Answer of POST /deployments. */
  deploy?: () => FakeAnswer;
  /** Answer of GET /runs/<id>. */
  run?: () => Run;
}

function open(server: IServer, quietMs = 60_000) {
  let listener: Slot<unknown, IRunEvent> | null = null;
  // The core's run events as the dialog sees them: one listener at most.
  const runEvents: ISignal<unknown, IRunEvent> = {
    connect: slot => {
      listener = slot;
      return true;
    },
    disconnect: slot => {
      const connected = listener === slot;
      listener = connected ? null : listener;
      return connected;
    }
  };
  const fake = fakeServer(request => {
    const path = new URL(request.url).pathname.replace(
      '/base/jupyter-deploy',
      ''
    );
    if (path === '/project') {
      return {
        json: {
          path: 'examples/train.ipynb',
          project: server.project === undefined ? 'examples' : server.project
        }
      };
    }
    if (path === '/versions' && request.method === 'GET') {
      return {
        json: {
          project: 'examples',
          model: 'iris-classifier',
          versions: server.versions
        }
      };
    }
    if (path === '/versions') {
      return { status: 201, json: makeVersion() };
    }
    if (path === '/deployments' && request.method === 'GET') {
      return { json: { deployments: server.deployments ?? [] } };
    }
    if (path === '/deployments') {
      return (
        server.deploy?.() ?? {
          status: 202,
          json: {
            deployment: makeDeployment({ status: 'deploying' }),
            operation: makeOperation({ status: 'running', step: 'start' }),
            api_key: 'jd_secret'
          }
        }
      );
    }
    if (path === '/runs') {
      return {
        status: 201,
        json: makeRun({
          status: 'queued',
          started_at: null,
          finished_at: null,
          progress: { cell: 0, total: 0 }
        })
      };
    }
    if (path.startsWith('/runs/')) {
      return { json: server.run?.() ?? makeRun({ status: 'running' }) };
    }
    return {
      status: 404,
      json: { error: { code: 'not_found', message: path } }
    };
  });
  const result = showDeployDialog({
    client: new DeployClient(fake.settings),
    notebook: 'examples/train.ipynb',
    quietMs,
    runEvents
  });
  const emit = (run: Run) =>
    act(() => listener?.(runEvents, { project: 'examples', run, sweep: null }));
  return {
    requests: fake.requests,
    result,
    emit,
    subscribed: () => listener !== null
  };
}

/** The open dialog once its form is loaded (jsdom does not load the CSS that shows it). */
async function dialog(ready = '.jp-DeployForm'): Promise<HTMLElement> {
  const node = await waitFor(() => {
    const found = document.querySelector<HTMLElement>('dialog.jp-Dialog');
    expect(found?.querySelector(ready)).toBeTruthy();
    return found!;
  });
  node.setAttribute('open', '');
  return node;
}

function deployButton(node: HTMLElement): HTMLButtonElement {
  return node.querySelector('.jp-Dialog-footer .jp-mod-accept')!;
}

function posts(requests: Request[]): Request[] {
  return requests.filter(request => request.method === 'POST');
}

async function body(request: Request): Promise<unknown> {
  return JSON.parse(await request.clone().text());
}

const path = (request: Request) =>
  new URL(request.url).pathname.replace('/base/jupyter-deploy', '');

describe('Deploy dialog', () => {
  afterEach(() => {
    // Close what a test left open, or the next dialog waits in the queue.
    Dialog.flush();
  });

  it('offers the latest version, auto, one replica and the model’s name, and deploys the choice', async () => {
    const { requests, result } = open({ versions: makeHistory(3) });
    const node = await dialog();
    const version = within(node).getByRole('combobox', {
      name: 'Version'
    }) as HTMLSelectElement;
    expect(version.value).toBe('iris-classifier@v3');
    expect(version.options[0].textContent).toMatch(/^v3 \(latest\)/);
    expect(version.options).toHaveLength(3);
    const name = within(node).getByRole('textbox', {
      name: 'Name'
    }) as HTMLInputElement;
    const replicas = within(node).getByRole('textbox', {
      name: 'Replicas'
    }) as HTMLInputElement;
    expect(name.value).toBe('iris-classifier');
    expect(replicas.value).toBe('1');
    expect(
      within(node)
        .getByRole('radio', { name: 'auto' })
        .getAttribute('aria-checked')
    ).toBe('true');
    expect(
      node.querySelector('[data-testid="deploy-mode"]')!.textContent
    ).toContain('Creates a new deployment');
    expect(deployButton(node).textContent).toBe('Deploy');
    expect(deployButton(node).disabled).toBe(false);

    fireEvent.change(version, { target: { value: 'iris-classifier@v2' } });
    fireEvent.click(within(node).getByRole('radio', { name: 'docker' }));
    fireEvent.change(replicas, { target: { value: '2' } });
    fireEvent.change(name, { target: { value: 'churn' } });
    fireEvent.click(deployButton(node));
    const deployed = await result;

    const sent = posts(requests);
    expect(sent.map(path)).toEqual(['/deployments']);
    expect(await body(sent[0])).toEqual({
      project: 'examples',
      version: 'iris-classifier@v2',
      name: 'churn',
      replicas: 2,
      target: 'docker'
    });
    expect(deployed).toMatchObject({
      project: 'examples',
      name: 'iris-classifier',
      answer: { api_key: 'jd_secret' }
    });
  });

  it('says an existing deployment of that name will be updated', async () => {
    open({
      versions: makeHistory(3),
      deployments: [makeDeployment({ version: 'iris-classifier@v2' })]
    });
    const node = await dialog();
    const hint = () =>
      node.querySelector('[data-testid="deploy-mode"]')!.textContent;
    expect(hint()).toContain('iris-classifier exists (serving v2)');
    expect(hint()).toContain('updates it to v3, with no downtime');
    expect(deployButton(node).textContent).toBe('Update');
    fireEvent.change(within(node).getByRole('textbox', { name: 'Name' }), {
      target: { value: 'churn' }
    });
    expect(hint()).toContain('Creates a new deployment');
    expect(deployButton(node).textContent).toBe('Deploy');
  });

  it('refuses a bad name or replica count, sending nothing', async () => {
    const { requests } = open({ versions: makeHistory(1) });
    const node = await dialog();
    const name = within(node).getByRole('textbox', { name: 'Name' });
    fireEvent.change(name, { target: { value: 'Churn_Model' } });
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(node.textContent).toContain('Lowercase letters, digits and dashes');
    expect(deployButton(node).disabled).toBe(true);
    fireEvent.change(name, { target: { value: 'churn' } });
    const replicas = within(node).getByRole('textbox', { name: 'Replicas' });
    for (const bad of ['0', '33', '1.5', 'two', '']) {
      fireEvent.change(replicas, { target: { value: bad } });
      expect(deployButton(node).disabled).toBe(true);
    }
    expect(node.textContent).toContain('A whole number from 1 to 32.');
    fireEvent.click(deployButton(node));
    await act(() => settle());
    expect(posts(requests)).toEqual([]);
  });

  it('shows a refusal in the dialog, which stays open', async () => {
    const { requests } = open({
      versions: makeHistory(1),
      deploy: () => ({
        status: 503,
        json: {
          error: {
            code: 'docker_unavailable',
            message:
              'Cannot reach the Docker engine at unix:///var/run/docker.sock'
          }
        }
      })
    });
    const node = await dialog();
    fireEvent.click(within(node).getByRole('radio', { name: 'docker' }));
    await act(async () => {
      fireEvent.click(deployButton(node));
      await settle();
    });
    const alert = within(node).getByRole('alert');
    expect(alert.textContent).toContain('Docker is not available');
    expect(alert.textContent).toContain('Cannot reach the Docker engine');
    expect(alert.textContent).toContain('HTTP 503 · docker_unavailable');
    expect(document.querySelector('dialog.jp-Dialog')).toBe(node);
    expect(deployButton(node).disabled).toBe(false);
    expect(posts(requests)).toHaveLength(1);
  });

  it('runs, saves and deploys when the model has no version yet', async () => {
    const { requests, result, emit, subscribed } = open({ versions: [] });
    const node = await dialog();
    expect(node.textContent).toContain(
      'iris-classifier has no saved version yet'
    );
    expect(
      within(node).queryByRole('combobox', { name: 'Version' })
    ).toBeNull();
    expect(deployButton(node).textContent).toBe(
      'Run, save as a version and deploy'
    );
    fireEvent.change(within(node).getByRole('textbox', { name: 'Name' }), {
      target: { value: 'churn' }
    });
    await act(async () => {
      fireEvent.click(deployButton(node));
      await settle();
    });
    expect(await body(posts(requests)[0])).toEqual({
      notebook: 'examples/train.ipynb',
      parameters: {}
    });
    const stages = () =>
      [...node.querySelectorAll('[data-stage]')].map(
        item =>
          `${item.getAttribute('data-stage')}:${item.getAttribute('data-state')}`
      );
    expect(stages()).toEqual([
      'run:running',
      'promote:pending',
      'deploy:pending'
    ]);
    expect(deployButton(node).textContent).toBe('Running…');
    expect(deployButton(node).disabled).toBe(true);

    emit(makeRun({ status: 'running', progress: { cell: 3, total: 9 } }));
    expect(node.querySelector('[data-stage="run"]')!.textContent).toContain(
      'cell 3 of 9'
    );
    await act(async () => {
      emit(makeRun({ status: 'succeeded' }));
      await settle();
    });
    await act(() => settle());
    const sent = posts(requests);
    expect(sent.map(path)).toEqual(['/runs', '/versions', '/deployments']);
    expect(await body(sent[1])).toEqual({
      project: 'examples',
      run_id: 'r-0000000001'
    });
    expect(await body(sent[2])).toEqual({
      project: 'examples',
      version: 'iris-classifier@v1',
      name: 'churn',
      replicas: 1,
      target: 'auto'
    });
    expect(await result).toMatchObject({ project: 'examples' });
    expect(subscribed()).toBe(false);
  });

  it('reports a failed run in the dialog, and saves nothing', async () => {
    const { requests, emit } = open({ versions: [] });
    const node = await dialog();
    await act(async () => {
      fireEvent.click(deployButton(node));
      await settle();
    });
    await act(async () => {
      emit(
        makeRun({
          status: 'failed',
          error: {
            kind: 'cell_error',
            cell_index: 4,
            ename: 'ValueError',
            evalue: 'max_depth must be positive'
          }
        })
      );
      await settle();
    });
    const alert = within(node).getByRole('alert');
    expect(alert.textContent).toContain('The run did not succeed');
    expect(alert.textContent).toContain(
      'cell error in cell 5 — ValueError: max_depth must be positive'
    );
    expect(
      node.querySelector('[data-stage="run"]')!.getAttribute('data-state')
    ).toBe('failed');
    expect(posts(requests).map(path)).toEqual(['/runs']);
    // Nothing hangs: the button is back, to try again.
    expect(deployButton(node).disabled).toBe(false);
    expect(deployButton(node).textContent).toBe(
      'Run, save as a version and deploy'
    );
  });

  it('asks for the run when no event comes', async () => {
    const { requests, result } = open(
      { versions: [], run: () => makeRun({ status: 'succeeded' }) },
      20
    );
    const node = await dialog();
    fireEvent.click(deployButton(node));
    await act(() => new Promise(resolve => setTimeout(resolve, 120)));
    expect(await result).not.toBeNull();
    expect(requests.map(r => `${r.method} ${path(r)}`)).toEqual(
      expect.arrayContaining([
        'GET /runs/r-0000000001',
        'POST /versions',
        'POST /deployments'
      ])
    );
  });

  it('says when the notebook is in no project', async () => {
    open({ project: null, versions: [] });
    const node = await dialog('.jp-DeployEmpty');
    expect(node.textContent).toContain('Not in a deploy project');
    expect(deployButton(node).disabled).toBe(true);
  });
});
