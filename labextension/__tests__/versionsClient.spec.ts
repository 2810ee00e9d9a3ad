import { ApiError, DeployClient } from '../api';
import { fakeServer, makeVersion } from './helpers';

function route(request: Request): string {
  const url = new URL(request.url);
  const query = [...url.searchParams.entries()]
    .filter(([key, value]) => !(/^\d+$/.test(key) && value === ''))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  return `${request.method} ${url.pathname}${query ? `?${query}` : ''}`;
}

describe('DeployClient versions calls', () => {
  it('lists, creates and reads versions of a project', async () => {
    const server = fakeServer(request =>
      request.method === 'POST'
        ? { status: 201, json: makeVersion({ commit: 'c'.repeat(40) }) }
        : request.url.includes('%40v1')
          ? { json: makeVersion() }
          : {
              json: {
                project: 'examples',
                model: 'iris-classifier',
                versions: [makeVersion()]
              }
            }
    );
    const client = new DeployClient(server.settings);
    const listing = await client.listVersions('examples');
    expect(listing.versions[0].tag).toBe('iris-classifier@v1');
    const created = await client.createVersion('examples', 'r-0123456789');
    expect(created.commit).toHaveLength(40);
    await client.getVersion('examples', 'iris-classifier@v1');

    expect(server.requests.map(route)).toEqual([
      'GET /base/jupyter-deploy/versions?project=examples',
      'POST /base/jupyter-deploy/versions',
      'GET /base/jupyter-deploy/versions/iris-classifier%40v1?project=examples'
    ]);
    expect(JSON.parse(await server.requests[1].clone().text())).toEqual({
      project: 'examples',
      run_id: 'r-0123456789'
    });
  });

  it('asks for a diff, a restore plan, a restore and stages', async () => {
    const server = fakeServer(() => ({ json: {} }));
    const client = new DeployClient(server.settings);
    await client.diffVersions('examples', 'm@v1', 'm@v2');
    await client.restorePlan('examples', 'm@v2');
    await client.restoreVersion('examples', 'm@v2');
    await client.stages('examples');
    await client.assignStage('examples', 'm@v2', 'production');
    await client.openVersionNotebook('examples', 'm@v2');
    expect(server.requests.map(route)).toEqual([
      'GET /base/jupyter-deploy/versions/diff?project=examples&old=m@v1&new=m@v2',
      'GET /base/jupyter-deploy/versions/m%40v2/restore?project=examples',
      'POST /base/jupyter-deploy/versions/m%40v2/restore',
      'GET /base/jupyter-deploy/stages?project=examples',
      'POST /base/jupyter-deploy/stages',
      'POST /base/jupyter-deploy/versions/m%40v2/notebook'
    ]);
    expect(JSON.parse(await server.requests[4].clone().text())).toEqual({
      project: 'examples',
      version: 'm@v2',
      stage: 'production'
    });
    expect(JSON.parse(await server.requests[5].clone().text())).toEqual({
      project: 'examples'
    });
  });

  it("rejects with the server's conflict message", async () => {
    const message =
      'run r-0123456789 failed: only a succeeded run becomes a version';
    const server = fakeServer(() => ({
      status: 409,
      json: { error: { code: 'conflict', message } }
    }));
    const promise = new DeployClient(server.settings).createVersion(
      'examples',
      'r-0123456789'
    );
    await expect(promise).rejects.toBeInstanceOf(ApiError);
    await expect(promise).rejects.toMatchObject({ status: 409, message });
  });
});
