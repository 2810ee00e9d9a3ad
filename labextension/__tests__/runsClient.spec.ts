import { API_VERSION_HEADER, ApiError, DeployClient } from '../api';
import { fakeServer, makeParameters, makeRun, makeSweep } from './helpers';

/** Method, path and query of a request, without the cache-busting stamp. */
function call(request: Request) {
  const url = new URL(request.url);
  const query = [...url.searchParams.entries()].filter(
    ([key, value]) => !(/^\d+$/.test(key) && value === '')
  );
  return {
    method: request.method,
    path: url.pathname,
    query: Object.fromEntries(query)
  };
}

async function jsonBody(request: Request): Promise<unknown> {
  return JSON.parse(await request.clone().text());
}

describe('DeployClient runs calls', () => {
  it('getParameters asks for the notebook path', async () => {
    const server = fakeServer(() => ({ json: makeParameters() }));
    const info = await new DeployClient(server.settings).getParameters(
      'examples/train.ipynb'
    );
    expect(info.project).toBe('examples');
    expect(info.parameters.map(p => p.name)).toContain('max_depth');
    expect(call(server.requests[0])).toEqual({
      method: 'GET',
      path: '/base/jupyter-deploy/parameters',
      query: { path: 'examples/train.ipynb' }
    });
    expect(server.requests[0].headers.get(API_VERSION_HEADER)).toBe('1');
  });

  it('startRun posts the notebook and typed parameters as JSON', async () => {
    const server = fakeServer(() => ({ status: 201, json: makeRun() }));
    const run = await new DeployClient(server.settings).startRun({
      notebook: 'examples/train.ipynb',
      parameters: { max_depth: 2, criterion: 'entropy' }
    });
    expect(run.id).toBe('r-0000000001');
    const [request] = server.requests;
    expect(call(request)).toEqual({
      method: 'POST',
      path: '/base/jupyter-deploy/runs',
      query: {}
    });
    expect(request.headers.get('Content-Type')).toBe('application/json');
    expect(await jsonBody(request)).toEqual({
      notebook: 'examples/train.ipynb',
      parameters: { max_depth: 2, criterion: 'entropy' }
    });
  });

  it('startSweep posts lists, mode and concurrency', async () => {
    const sweep = makeSweep();
    const server = fakeServer(() => ({
      status: 201,
      json: { sweep, runs: [makeRun({ sweep_id: sweep.id })] }
    }));
    const started = await new DeployClient(server.settings).startSweep({
      notebook: 'examples/train.ipynb',
      parameters: { max_depth: [2, 3], n_estimators: [10, 20] },
      mode: 'grid',
      concurrency: 2
    });
    expect(started.sweep.id).toBe(sweep.id);
    expect(started.runs).toHaveLength(1);
    expect(call(server.requests[0]).path).toBe('/base/jupyter-deploy/sweeps');
    expect(await jsonBody(server.requests[0])).toEqual({
      notebook: 'examples/train.ipynb',
      parameters: { max_depth: [2, 3], n_estimators: [10, 20] },
      mode: 'grid',
      concurrency: 2
    });
  });

  it('listRuns filters by project and, when given, status', async () => {
    const server = fakeServer(() => ({ json: { runs: [], sweeps: [] } }));
    const client = new DeployClient(server.settings);
    await client.listRuns('examples');
    await client.listRuns('my project', 'failed');
    expect(server.requests.map(call)).toEqual([
      {
        method: 'GET',
        path: '/base/jupyter-deploy/runs',
        query: { project: 'examples' }
      },
      {
        method: 'GET',
        path: '/base/jupyter-deploy/runs',
        query: { project: 'my project', status: 'failed' }
      }
    ]);
  });

  it('getRun, cancelRun and rerun address the run by id', async () => {
    const server = fakeServer(() => ({ json: makeRun() }));
    const client = new DeployClient(server.settings);
    await client.getRun('examples', 'r-0123456789');
    await client.cancelRun('examples', 'r-0123456789');
    await client.rerun('examples', 'r-0123456789');
    expect(server.requests.map(call)).toEqual([
      {
        method: 'GET',
        path: '/base/jupyter-deploy/runs/r-0123456789',
        query: { project: 'examples' }
      },
      {
        method: 'POST',
        path: '/base/jupyter-deploy/runs/r-0123456789/cancel',
        query: { project: 'examples' }
      },
      {
        method: 'POST',
        path: '/base/jupyter-deploy/runs/r-0123456789/rerun',
        query: { project: 'examples' }
      }
    ]);
  });

  it('escapes a run id so it cannot leave its route', async () => {
    const server = fakeServer(() => ({ json: makeRun() }));
    await new DeployClient(server.settings).cancelRun('examples', '../x?y');
    expect(call(server.requests[0]).path).toBe(
      '/base/jupyter-deploy/runs/..%2Fx%3Fy/cancel'
    );
  });

  it("rejects with the server's invalid_input message", async () => {
    const message = "max_depth: expected an integer, got 'abc'";
    const server = fakeServer(() => ({
      status: 400,
      json: { error: { code: 'invalid_input', message } }
    }));
    const error = await new DeployClient(server.settings)
      .startRun({ notebook: 'examples/train.ipynb', parameters: {} })
      .catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).code).toBe('invalid_input');
    expect((error as ApiError).message).toBe(message);
  });
});
