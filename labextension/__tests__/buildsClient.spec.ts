import { DeployClient } from '../api';
import { caught, fakeServer, makeBuild } from './helpers';

/** Method, path and query, without the cache-busting timestamp. */
function route(request: Request): string {
  const url = new URL(request.url);
  const query = url.search.replace(/[?&]\d+$/, '');
  return `${request.method} ${url.pathname}${query}`;
}

async function body(request: Request): Promise<unknown> {
  return JSON.parse(await request.clone().text());
}

describe('DeployClient builds calls', () => {
  it('starts, lists, reads, follows and cancels builds', async () => {
    const build = makeBuild({ status: 'queued' });
    const server = fakeServer(request => {
      const path = new URL(request.url).pathname;
      if (path.endsWith('/log')) {
        return { json: { lines: ['── export'], offset: 1 } };
      }
      if (path.endsWith('/builds') && request.method === 'GET') {
        return { json: { builds: [build] } };
      }
      return { status: request.method === 'POST' ? 201 : 200, json: build };
    });
    const client = new DeployClient(server.settings);

    expect(
      await client.startBuild({
        project: 'examples',
        version: 'iris-classifier@v1'
      })
    ).toEqual(build);
    await client.startBuild({
      project: 'examples',
      version: 'iris-classifier@v1',
      base_image: 'python:3.12-slim'
    });
    expect((await client.listBuilds('examples')).builds).toEqual([build]);
    await client.listBuilds('my models', 'iris-classifier@v1');
    await client.getBuild('examples', build.id);
    expect(await client.buildLog('examples', build.id, 42)).toEqual({
      lines: ['── export'],
      offset: 1
    });
    await client.buildLog('examples', build.id);
    await client.cancelBuild('examples', build.id);

    expect(server.requests.map(route)).toEqual([
      'POST /base/jupyter-deploy/builds',
      'POST /base/jupyter-deploy/builds',
      'GET /base/jupyter-deploy/builds?project=examples',
      'GET /base/jupyter-deploy/builds?project=my%20models&version=iris-classifier%40v1',
      'GET /base/jupyter-deploy/builds/b-0000000001?project=examples',
      'GET /base/jupyter-deploy/builds/b-0000000001/log?project=examples&offset=42',
      'GET /base/jupyter-deploy/builds/b-0000000001/log?project=examples&offset=0',
      'POST /base/jupyter-deploy/builds/b-0000000001/cancel'
    ]);
    expect(await body(server.requests[0])).toEqual({
      project: 'examples',
      version: 'iris-classifier@v1'
    });
    expect(await body(server.requests[1])).toEqual({
      project: 'examples',
      version: 'iris-classifier@v1',
      base_image: 'python:3.12-slim'
    });
    expect(await body(server.requests[7])).toEqual({ project: 'examples' });
    expect(server.requests[0].headers.get('Content-Type')).toBe(
      'application/json'
    );
  });

  it.each([
    [400, 'invalid_notebook', 'train.ipynb has no cell tagged serve'],
    [409, 'conflict', 'iris-classifier@v1 is being built already'],
    [503, 'docker_unavailable', 'Cannot reach the Docker engine']
  ])(
    'rejects with the server code %s %s and its message',
    async (status, code, message) => {
      const server = fakeServer(() => ({
        status,
        json: { error: { code, message } }
      }));
      const error = await caught(
        new DeployClient(server.settings).startBuild({
          project: 'examples',
          version: 'iris-classifier@v1'
        })
      );
      expect(error.status).toBe(status);
      expect(error.code).toBe(code);
      expect(error.message).toBe(message);
      expect(error.details).toEqual({});
    }
  );

  it("keeps the error body's other fields, such as a traceback", async () => {
    const traceback = 'Traceback (most recent call last):\nKeyError: 0';
    const server = fakeServer(() => ({
      status: 400,
      json: {
        error: {
          code: 'smoke_test_failed',
          message: 'predict failed',
          traceback
        }
      }
    }));
    const error = await caught(
      new DeployClient(server.settings).getBuild('examples', 'b-0000000001')
    );
    expect(error.code).toBe('smoke_test_failed');
    expect(error.details).toEqual({ traceback });
  });
});
