import { DeployClient } from '../api';
import {
  caught,
  fakeServer,
  makeDeployment,
  makeMetrics,
  makeOperation
} from './helpers';

/** Method, path and query, without the cache-busting timestamp. */
function route(request: Request): string {
  const url = new URL(request.url);
  const query = url.search.replace(/[?&]\d+$/, '');
  return `${request.method} ${url.pathname}${query}`;
}

async function body(request: Request): Promise<unknown> {
  return JSON.parse(await request.clone().text());
}

describe('DeployClient deployments calls', () => {
  it('lists, deploys, reads, rolls back, stops, and reads logs and metrics', async () => {
    const deployment = makeDeployment();
    const operation = makeOperation({ status: 'running', step: 'start' });
    const metrics = makeMetrics(1_700_000_000, {}, [3, 5]);
    const server = fakeServer(request => {
      const path = new URL(request.url).pathname;
      if (path.endsWith('/logs')) {
        return { json: { lines: ['3f2a1b0c9d8e | ready'] } };
      }
      if (path.endsWith('/metrics')) {
        return { json: metrics };
      }
      if (path.endsWith('/deployments') && request.method === 'GET') {
        return { json: { deployments: [deployment] } };
      }
      if (request.method === 'POST') {
        const started = { deployment, operation };
        return {
          status: 202,
          json: path.endsWith('/deployments')
            ? { ...started, api_key: 'k-secret' }
            : started
        };
      }
      return { json: deployment };
    });
    const client = new DeployClient(server.settings);

    expect((await client.listDeployments('examples')).deployments).toEqual([
      deployment
    ]);
    expect(
      await client.deploy({
        project: 'examples',
        version: 'iris-classifier@v2',
        name: 'churn',
        replicas: 2,
        target: 'docker'
      })
    ).toEqual({ deployment, operation, api_key: 'k-secret' });
    expect(await client.getDeployment('my models', 'churn')).toEqual(
      deployment
    );
    expect(await client.rollbackDeployment('examples', 'churn')).toEqual({
      deployment,
      operation
    });
    await client.stopDeployment('examples', 'churn');
    expect(await client.deploymentLogs('examples', 'churn')).toEqual({
      lines: ['3f2a1b0c9d8e | ready']
    });
    await client.deploymentLogs('examples', 'churn', 5000);
    expect(await client.deploymentMetrics('examples', 'churn')).toEqual(
      metrics
    );

    expect(server.requests.map(route)).toEqual([
      'GET /base/jupyter-deploy/deployments?project=examples',
      'POST /base/jupyter-deploy/deployments',
      'GET /base/jupyter-deploy/deployments/churn?project=my%20models',
      'POST /base/jupyter-deploy/deployments/churn/rollback',
      'POST /base/jupyter-deploy/deployments/churn/down',
      'GET /base/jupyter-deploy/deployments/churn/logs?project=examples&tail=200',
      'GET /base/jupyter-deploy/deployments/churn/logs?project=examples&tail=5000',
      'GET /base/jupyter-deploy/deployments/churn/metrics?project=examples'
    ]);
    expect(await body(server.requests[1])).toEqual({
      project: 'examples',
      version: 'iris-classifier@v2',
      name: 'churn',
      replicas: 2,
      target: 'docker'
    });
    expect(await body(server.requests[3])).toEqual({ project: 'examples' });
    expect(await body(server.requests[4])).toEqual({ project: 'examples' });
    expect(server.requests[1].headers.get('Content-Type')).toBe(
      'application/json'
    );
    expect(server.requests[1].headers.get('X-Jupyter-Deploy-Api')).toBe('1');
  });

  it('escapes a deployment name in the path', async () => {
    const server = fakeServer(() => ({ json: makeDeployment() }));
    await new DeployClient(server.settings).getDeployment('examples', 'a/b c');
    expect(new URL(server.requests[0].url).pathname).toBe(
      '/base/jupyter-deploy/deployments/a%2Fb%20c'
    );
  });

  it.each([
    [400, 'invalid_input', 'replicas: expected 1 to 32, got 40'],
    [404, 'not_found', 'no version iris-classifier@v9'],
    [
      409,
      'conflict',
      'iris-classifier: a deploy of iris-classifier@v2 is in progress'
    ],
    [503, 'docker_unavailable', 'Cannot reach the Docker engine']
  ])(
    'rejects a deploy with the server code %s %s and its message',
    async (status, code, message) => {
      const server = fakeServer(() => ({
        status,
        json: { error: { code, message } }
      }));
      const error = await caught(
        new DeployClient(server.settings).deploy({
          project: 'examples',
          version: 'iris-classifier@v2'
        })
      );
      expect(error.status).toBe(status);
      expect(error.code).toBe(code);
      expect(error.message).toBe(message);
    }
  );

  it('says what a 409 on rollback means, in the server’s words', async () => {
    const server = fakeServer(() => ({
      status: 409,
      json: {
        error: {
          code: 'conflict',
          message: 'iris-classifier has no previous version'
        }
      }
    }));
    const error = await caught(
      new DeployClient(server.settings).rollbackDeployment(
        'examples',
        'iris-classifier'
      )
    );
    expect(error.status).toBe(409);
    expect(error.message).toBe('iris-classifier has no previous version');
  });

  it('reports an unreachable server as a network error', async () => {
    const server = fakeServer(() => new TypeError('Failed to fetch'));
    const error = await caught(
      new DeployClient(server.settings).deploymentMetrics('examples', 'x')
    );
    expect(error.status).toBe(0);
    expect(error.code).toBe('network_error');
  });
});
