import { UseSignal } from '@jupyterlab/ui-components';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';

import {
  DEPLOYMENT_EVENT_SCHEMA,
  DeployClient,
  parseDeploymentEvent,
  type Deployment,
  type DeploymentMetrics
} from '../api';
import { DeploymentPanel } from '../components/DeploymentPanel';
import { DeploymentModel } from '../models/deployment';
import {
  fakeServer,
  makeDeployment,
  makeHistory,
  makeMetrics,
  makeOperation,
  settle,
  type FakeAnswer
} from './helpers';

interface IServer {
  deployment: Deployment;
  samples?: DeploymentMetrics[];
  logs?: string[];
  post?: (request: Request) => FakeAnswer | Promise<FakeAnswer>;
}

const SCHEMA = {
  function: 'predict',
  source: 'input example' as const,
  input: { type: 'array', items: { type: 'object', properties: {} } },
  output: null,
  example: [{ sepal_length: 5.1, sepal_width: 3.5 }]
};

async function renderPanel(
  server: IServer,
  confirmStop: (name: string) => Promise<boolean> = () => Promise.resolve(true)
) {
  const fake = fakeServer(request => {
    const path = new URL(request.url).pathname;
    if (request.method === 'POST' && server.post) {
      return server.post(request);
    }
    if (path.endsWith('/metrics')) {
      const sample = server.samples?.shift();
      return sample
        ? { json: sample }
        : {
            status: 503,
            json: { error: { code: 'unavailable', message: 'no replica' } }
          };
    }
    if (path.endsWith('/logs')) {
      return { json: { lines: server.logs ?? [] } };
    }
    if (path.endsWith('/versions')) {
      return {
        json: {
          project: 'examples',
          model: 'iris-classifier',
          versions: makeHistory(3)
        }
      };
    }
    if (path.includes('/versions/')) {
      return { json: { ...makeHistory(3)[1], schema: SCHEMA } };
    }
    return { json: server.deployment };
  });
  const model = new DeploymentModel({
    client: new DeployClient(fake.settings),
    project: 'examples',
    name: 'iris-classifier',
    quietMs: 60_000
  });
  const copied: string[] = [];
  render(
    <UseSignal signal={model.changed}>
      {() => (
        <DeploymentPanel
          model={model}
          confirmStop={confirmStop}
          copy={text => copied.push(text)}
        />
      )}
    </UseSignal>
  );
  await act(() => model.refresh());
  await act(() => settle());
  return { model, requests: fake.requests, copied };
}

function event(data: Record<string, unknown>) {
  return parseDeploymentEvent({
    schema_id: DEPLOYMENT_EVENT_SCHEMA,
    project: 'examples',
    name: 'iris-classifier',
    ...data
  })!;
}

const panel = () =>
  screen.getByRole('region', { name: 'Deployment iris-classifier' });
const region = (name: string) => within(panel()).getByRole('region', { name });
const button = (name: string | RegExp) =>
  within(panel()).getByRole('button', { name }) as HTMLButtonElement;
const stepStates = () =>
  within(region('Operation'))
    .getAllByRole('listitem')
    .filter(item => item.hasAttribute('data-state'))
    .map(
      item =>
        `${item.getAttribute('data-step')}:${item.getAttribute('data-state')}`
    );
const routes = (requests: Request[]) =>
  requests.map(r => `${r.method} ${new URL(r.url).pathname}`);

let model: DeploymentModel | null = null;
afterEach(() => model?.dispose());

describe('DeploymentPanel', () => {
  it('follows a deploy live: steps, messages, then the running deployment', async () => {
    const deploying = makeDeployment({
      status: 'deploying',
      version: null,
      previous_version: null,
      endpoint: null,
      replicas: [],
      replica_count: 1,
      live_since: null,
      events: [],
      operation: makeOperation({
        status: 'running',
        step: 'start',
        finished_at: null,
        messages: [
          {
            at: '2026-11-23T06:00:01+00:00',
            step: 'start',
            message: 'starting 1 replica of iris-classifier@v2'
          }
        ]
      })
    });
    const server: IServer = { deployment: deploying };
    let requests: Request[];
    ({ model, requests } = await renderPanel(server));

    expect(panel().getAttribute('data-status')).toBe('deploying');
    expect(within(panel()).getAllByRole('status')[0].textContent).toBe(
      'Deploying'
    );
    expect(region('Endpoint').textContent).toContain('Not serving yet.');
    expect(region('Operation').getAttribute('data-status')).toBe('running');
    expect(region('Operation').textContent).toContain('Deploy to v2');
    expect(stepStates()).toEqual([
      'build:skipped',
      'start:running',
      'ready:pending',
      'switch:pending',
      'drain:pending',
      'done:pending'
    ]);
    expect(
      region('Operation').querySelector('[data-step="start"]')!.textContent
    ).toContain('starting 1 replica of iris-classifier@v2');
    expect(button('Stop').disabled).toBe(true);

    const ready = makeOperation({
      status: 'running',
      step: 'switch',
      finished_at: null,
      messages: [
        ...deploying.operation!.messages,
        {
          at: '2026-11-23T06:00:03+00:00',
          step: 'ready',
          message: 'replica 3f2a1b0c9d8e is ready'
        },
        {
          at: '2026-11-23T06:00:03+00:00',
          step: 'switch',
          message: 'gateway points at iris-classifier@v2'
        }
      ]
    });
    act(() =>
      model!.applyEvent(
        event({ kind: 'operation', operation: JSON.stringify(ready) })
      )
    );
    expect(stepStates().slice(1, 4)).toEqual([
      'start:done',
      'ready:done',
      'switch:running'
    ]);
    // An older copy crossing the event on the way does not go back.
    act(() =>
      model!.applyEvent(
        event({
          kind: 'operation',
          operation: JSON.stringify(deploying.operation)
        })
      )
    );
    expect(stepStates()[3]).toBe('switch:running');

    const running = makeDeployment({ events: undefined });
    server.deployment = makeDeployment();
    const before = requests.length;
    await act(async () => {
      model!.applyEvent(
        event({ kind: 'deployment', deployment: JSON.stringify(running) })
      );
      await settle();
    });
    expect(panel().getAttribute('data-status')).toBe('running');
    expect(stepStates()).toEqual([
      'build:skipped',
      'start:done',
      'ready:done',
      'switch:done',
      'drain:done',
      'done:done'
    ]);
    expect(
      within(region('Endpoint')).getByText('http://127.0.0.1:18080')
    ).toBeTruthy();
    // The operation ended: the history is read once more.
    expect(routes(requests.slice(before))).toContain(
      'GET /base/jupyter-deploy/deployments/iris-classifier'
    );
    expect(within(region('History')).getAllByRole('row').slice(1)).toHaveLength(
      2
    );
  });

  it('shows a running deployment: facts, replicas, traffic and how to call it', async () => {
    let copied: string[];
    ({ model, copied } = await renderPanel({
      deployment: makeDeployment({
        replica_count: 2,
        replicas: [
          makeDeployment().replicas[0],
          {
            id: '9a8b7c6d5e4f3a2b',
            version: 'iris-classifier@v2',
            address: '127.0.0.1:49154',
            state: 'restarting',
            // Not started yet: Docker has no start time to give.
            started_at: '',
            restarts: 3
          }
        ]
      }),
      samples: [
        makeMetrics(1000, {}, [0, 0, 0, 10]),
        makeMetrics(1002, { errors: 1, rejected: 2 }, [0, 0, 0, 10, 30, 10])
      ]
    }));
    const facts = panel().querySelector('.jp-DeployDeployment-facts')!;
    expect([...facts.querySelectorAll('dd')].map(dd => dd.textContent)).toEqual(
      [
        'v2',
        'iris-classifier',
        'docker',
        '2',
        expect.stringMatching(/ (s|min|h)/)
      ]
    );

    const rows = within(region('Replicas')).getAllByRole('row').slice(1);
    expect(
      rows.map(row =>
        [...row.querySelectorAll('td')].map(cell => cell.textContent)
      )
    ).toEqual([
      ['3f2a1b0c9d8e', 'v2', 'ready', '0', expect.any(String)],
      ['9a8b7c6d5e4f', 'v2', 'restarting', '3', '—']
    ]);

    await act(() => model!.readMetrics());
    await act(() => model!.readMetrics());
    expect(screen.getByTestId('deployment-requests').textContent).toBe(
      '50 requests'
    );
    const traffic = region('Traffic');
    expect(traffic.textContent).toContain('1 error');
    expect(traffic.textContent).toContain('2 rejected');
    const charts = traffic.querySelectorAll('figure');
    expect([...charts].map(c => c.getAttribute('data-metric'))).toEqual([
      'request-rate',
      'error-rate',
      'p50',
      'p99'
    ]);
    // 40 requests in 2 s, 1 of them failed; 30 in (5, 10] ms, 10 in (10, 25] ms.
    const value = (metric: string) =>
      traffic.querySelector(`[data-metric="${metric}"] .jp-DeployChart-value`)!
        .textContent;
    expect(value('request-rate')).toBe('20.0/s');
    expect(value('error-rate')).toBe('2.5%');
    expect(value('p50')).toBe('8.3 ms');
    expect(value('p99')).toBe('24 ms');
    expect(
      traffic.querySelector('[data-metric="request-rate"] path')
    ).not.toBeNull();

    const usage = region('Call it');
    const curl = within(usage).getByLabelText('curl example').textContent!;
    expect(curl).toContain(`-d '[{"sepal_length":5.1,"sepal_width":3.5}]'`);
    expect(curl).toContain('http://127.0.0.1:18080/predict');
    expect(curl).toContain(
      "$(cat '/home/ada/.local/share/jupyter-deploy/keys/iris-classifier')"
    );
    const python = within(usage).getByLabelText('Python example').textContent!;
    expect(python).toContain('jupyter_deploy.call("iris-classifier", records)');
    fireEvent.click(
      within(usage).getByRole('button', { name: 'Copy the curl example' })
    );
    fireEvent.click(
      within(region('Endpoint')).getByRole('button', {
        name: 'Copy the endpoint'
      })
    );
    expect(copied).toEqual([curl, 'http://127.0.0.1:18080']);

    const history = within(region('History')).getAllByRole('row').slice(1);
    expect(history[0].getAttribute('data-action')).toBe('update');
    expect(history[0].querySelector('details pre')!.textContent).toContain(
      '"from": "iris-classifier@v1"'
    );
    expect(history[1].querySelector('details')).toBeNull();
  });

  it('shows why a deploy failed, with the replica’s log', async () => {
    ({ model } = await renderPanel({
      deployment: makeDeployment({
        status: 'failed',
        version: null,
        previous_version: null,
        endpoint: null,
        replicas: [],
        live_since: null,
        operation: makeOperation({
          status: 'failed',
          step: 'ready',
          error: {
            code: 'deploy_failed',
            message: 'iris-classifier@v2 did not become ready in 120 s',
            log: [
              '3f2a1b0c9d8e | Traceback (most recent call last):',
              "3f2a1b0c9d8e | ModuleNotFoundError: No module named 'sklearn'"
            ]
          }
        })
      })
    }));
    expect(panel().getAttribute('data-status')).toBe('failed');
    const alert = within(region('Operation')).getByRole('alert');
    expect(alert.textContent).toContain('The new version did not become ready');
    expect(alert.textContent).toContain(
      'iris-classifier@v2 did not become ready in 120 s'
    );
    expect(within(alert).getByRole('log').textContent).toBe(
      "3f2a1b0c9d8e | Traceback (most recent call last):\n3f2a1b0c9d8e | ModuleNotFoundError: No module named 'sklearn'"
    );
    expect(stepStates()[2]).toBe('ready:failed');
    expect(button('Roll back').disabled).toBe(true);
  });

  it('shows a stopped deployment, which can start again', async () => {
    const requests: string[] = [];
    const server: IServer = {
      deployment: makeDeployment({
        status: 'stopped',
        endpoint: null,
        replicas: [],
        live_since: null,
        operation: makeOperation({
          action: 'down',
          version: null,
          step: 'done',
          messages: []
        })
      }),
      post: async request => {
        requests.push(await request.clone().text());
        return {
          status: 202,
          json: {
            deployment: makeDeployment({ status: 'deploying' }),
            operation: makeOperation({ status: 'running', step: 'start' })
          }
        };
      }
    };
    ({ model } = await renderPanel(server));
    expect(panel().getAttribute('data-status')).toBe('stopped');
    expect(region('Endpoint').textContent).toContain(
      'Stopped: nothing answers until it is started again.'
    );
    expect(region('Traffic').textContent).toContain('Stopped: no traffic.');
    expect(
      within(panel()).queryByRole('region', { name: 'Call it' })
    ).toBeNull();
    expect(within(panel()).queryByRole('button', { name: 'Stop' })).toBeNull();
    expect(button('Roll back to v1').disabled).toBe(true);
    expect(stepStates()).toEqual(['drain:done', 'done:done']);

    await act(async () => {
      fireEvent.click(button('Start'));
      await settle();
    });
    expect(JSON.parse(requests[0])).toEqual({
      project: 'examples',
      name: 'iris-classifier',
      version: 'iris-classifier@v2'
    });
    expect(panel().getAttribute('data-status')).toBe('deploying');
  });

  it('updates, rolls back and stops through the routes', async () => {
    const posts: { path: string; body: unknown }[] = [];
    const server: IServer = {
      deployment: makeDeployment(),
      post: async request => {
        posts.push({
          path: new URL(request.url).pathname,
          body: JSON.parse(await request.clone().text())
        });
        return {
          status: 202,
          json: {
            deployment: makeDeployment(),
            operation: makeOperation({
              id: `op-000000000${posts.length + 1}`,
              status: 'running',
              step: 'start',
              started_at: new Date(Date.now() + posts.length).toISOString()
            })
          }
        };
      }
    };
    let answer = true;
    ({ model } = await renderPanel(server, () => Promise.resolve(answer)));

    fireEvent.click(button('Update to…'));
    const picker = within(panel()).getByRole('combobox', {
      name: 'Version to update to'
    }) as HTMLSelectElement;
    expect([...picker.options].map(o => o.textContent)).toEqual(['v3', 'v1']);
    fireEvent.change(picker, { target: { value: 'iris-classifier@v3' } });
    await act(async () => {
      fireEvent.click(button('Update'));
      await settle();
    });
    expect(posts[0]).toEqual({
      path: '/base/jupyter-deploy/deployments',
      body: {
        project: 'examples',
        name: 'iris-classifier',
        version: 'iris-classifier@v3'
      }
    });
    // While it runs, nothing else may start.
    expect(button('Roll back to v1').disabled).toBe(true);
    expect(button('Stop').disabled).toBe(true);

    act(() =>
      model!.applyEvent(
        event({
          kind: 'operation',
          operation: JSON.stringify(
            makeOperation({
              id: 'op-0000000002',
              started_at: new Date(Date.now() + 1).toISOString()
            })
          )
        })
      )
    );
    await act(async () => {
      fireEvent.click(button('Roll back to v1'));
      await settle();
    });
    expect(posts[1]).toEqual({
      path: '/base/jupyter-deploy/deployments/iris-classifier/rollback',
      body: { project: 'examples' }
    });

    act(() =>
      model!.applyEvent(
        event({
          kind: 'operation',
          operation: JSON.stringify(
            makeOperation({
              id: 'op-0000000003',
              started_at: new Date(Date.now() + 2).toISOString()
            })
          )
        })
      )
    );
    answer = false;
    await act(async () => {
      fireEvent.click(button('Stop'));
      await settle();
    });
    expect(posts).toHaveLength(2);
    answer = true;
    await act(async () => {
      fireEvent.click(button('Stop'));
      await settle();
    });
    expect(posts[2]).toEqual({
      path: '/base/jupyter-deploy/deployments/iris-classifier/down',
      body: { project: 'examples' }
    });
  });

  it('shows a refusal in the server’s words', async () => {
    ({ model } = await renderPanel({
      deployment: makeDeployment(),
      post: () => ({
        status: 409,
        json: {
          error: {
            code: 'conflict',
            message:
              'iris-classifier: a rollback of iris-classifier@v1 is in progress'
          }
        }
      })
    }));
    await act(async () => {
      fireEvent.click(button('Roll back to v1'));
      await settle();
    });
    const alert = within(panel())
      .getAllByRole('alert')
      .find(node => node.textContent?.includes('HTTP 409'))!;
    expect(alert.textContent).toContain(
      'Another operation on this deployment is running'
    );
    expect(alert.textContent).toContain(
      'a rollback of iris-classifier@v1 is in progress'
    );
  });

  it('shows the one-time API key until dismissed', async () => {
    ({ model } = await renderPanel({ deployment: makeDeployment() }));
    act(() =>
      model!.started({
        deployment: makeDeployment(),
        operation: makeOperation(),
        api_key: 'jd_0123456789abcdef'
      })
    );
    const notice = region('API key');
    expect(screen.getByTestId('deployment-api-key').textContent).toBe(
      'jd_0123456789abcdef'
    );
    expect(notice.textContent).toContain('it is not shown again');
    expect(notice.textContent).toContain(
      '/home/ada/.local/share/jupyter-deploy/keys/iris-classifier'
    );
    fireEvent.click(within(notice).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('deployment-api-key')).toBeNull();
    expect(model!.state.apiKey).toBeNull();
  });

  it('shows the last log lines on demand, and reads them again', async () => {
    const server: IServer = {
      deployment: makeDeployment(),
      logs: ['3f2a1b0c9d8e | started', '3f2a1b0c9d8e | ready']
    };
    let requests: Request[];
    ({ model, requests } = await renderPanel(server));
    expect(within(panel()).queryByRole('region', { name: 'Logs' })).toBeNull();
    await act(async () => {
      fireEvent.click(button('Logs'));
      await settle();
    });
    const log = within(region('Logs')).getByRole('log');
    expect(log.textContent).toBe(
      '3f2a1b0c9d8e | started\n3f2a1b0c9d8e | ready'
    );
    expect(requests.some(r => new URL(r.url).search.includes('tail=200'))).toBe(
      true
    );
    server.logs = [...server.logs!, '3f2a1b0c9d8e | POST /predict 200'];
    await act(async () => {
      fireEvent.click(
        within(region('Logs')).getByRole('button', { name: 'Refresh' })
      );
      await settle();
    });
    expect(within(region('Logs')).getByRole('log').textContent).toContain(
      'POST /predict 200'
    );
    fireEvent.click(button('Logs'));
    expect(within(panel()).queryByRole('region', { name: 'Logs' })).toBeNull();
  });

  it('says when there is no such deployment', async () => {
    const fake = fakeServer(() => ({
      status: 404,
      json: { error: { code: 'not_found', message: 'no deployment churn' } }
    }));
    model = new DeploymentModel({
      client: new DeployClient(fake.settings),
      project: 'examples',
      name: 'churn'
    });
    render(
      <UseSignal signal={model.changed}>
        {() => (
          <DeploymentPanel
            model={model!}
            confirmStop={() => Promise.resolve(false)}
          />
        )}
      </UseSignal>
    );
    await act(() => model!.refresh());
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('No deployment named churn');
    expect(alert.textContent).toContain('no deployment churn');
  });
});

describe('DeploymentPanel opened again', () => {
  const points = [
    { at: 1000, request_rate: 4, error_rate: 0, p50: 0.004, p99: 0.009 },
    { at: 1002, request_rate: 6, error_rate: 0.5, p50: 0.006, p99: 0.02 },
    { at: 1004, request_rate: 0, error_rate: null, p50: null, p99: null }
  ];

  it('draws the server-kept history from its first read', async () => {
    const server = {
      deployment: makeDeployment(),
      samples: [makeMetrics(1004, { history: points })]
    };
    ({ model } = await renderPanel(server));
    await act(() => model!.readMetrics());
    // One read: no window of its own yet, the server's points stand in.
    expect(model!.state.samples).toHaveLength(1);
    expect(model!.state.samples[0]).not.toHaveProperty('history');
    expect(model!.state.history).toEqual(points);
    const traffic = region('Traffic');
    for (const metric of ['request-rate', 'error-rate']) {
      expect(
        traffic
          .querySelector(`[data-metric="${metric}"] .jp-DeployChart-line`)
          ?.getAttribute('d')
      ).toMatch(/^M.+L/);
    }
    expect(
      traffic.querySelector(
        '[data-metric="request-rate"] .jp-DeployChart-value'
      )!.textContent
    ).toBe('0/s');
    expect(
      traffic
        .querySelector('[data-metric="request-rate"] svg')!
        .getAttribute('aria-label')
    ).toContain('up to 6.0/s');
  });

  it('keeps the last history while a read answers without one', async () => {
    const server = {
      deployment: makeDeployment(),
      samples: [
        makeMetrics(1004, { history: points }),
        makeMetrics(1006, {}, [0, 0, 0, 10])
      ]
    };
    ({ model } = await renderPanel(server));
    await act(() => model!.readMetrics());
    await act(() => model!.readMetrics());
    expect(model!.state.history).toEqual(points);
    expect(model!.state.samples.map(s => s.at)).toEqual([1004, 1006]);
  });
});

describe('DeploymentModel metrics polling', () => {
  it('polls while started, and stops', async () => {
    const fake = fakeServer(request =>
      new URL(request.url).pathname.endsWith('/metrics')
        ? { json: makeMetrics(Date.now() / 1000) }
        : { json: makeDeployment() }
    );
    model = new DeploymentModel({
      client: new DeployClient(fake.settings),
      project: 'examples',
      name: 'iris-classifier',
      metricsIntervalMs: 20
    });
    await model.refresh();
    const metricsCalls = () =>
      fake.requests.filter(r => r.url.includes('/metrics')).length;
    model.startMetrics();
    expect(model.polling).toBe(true);
    await new Promise(resolve => setTimeout(resolve, 110));
    const polled = metricsCalls();
    expect(polled).toBeGreaterThanOrEqual(3);
    model.stopMetrics();
    await new Promise(resolve => setTimeout(resolve, 80));
    expect(metricsCalls()).toBe(polled);
    model.startMetrics();
    model.dispose();
    expect(model.polling).toBe(false);
  });
});
