import { DeployClient, type ModelVersion } from '../api';
import { VersionsModel } from '../models/versions';
import { fakeServer, makeHistory, settle, type FakeAnswer } from './helpers';

const NOT_A_REPO =
  'examples is not in a git repository. Run `git init` and commit the project first.';

function project(path: string | null): FakeAnswer {
  return { json: { path: '', project: path } };
}

function setup(
  versions: (project: string) => FakeAnswer | Promise<FakeAnswer> = () => ({
    json: { project: 'examples', model: 'iris', versions: makeHistory(3) }
  })
) {
  const server = fakeServer(request => {
    const url = new URL(request.url);
    if (url.pathname.endsWith('/version')) {
      return { json: { name: 'jupyter_deploy', version: '0.1.0' } };
    }
    if (url.pathname.endsWith('/project')) {
      const path = url.searchParams.get('path') ?? '';
      return project(path.startsWith('examples') ? 'examples' : null);
    }
    if (url.pathname.endsWith('/stages')) {
      return { status: 201, json: {} };
    }
    return versions(url.searchParams.get('project') ?? '');
  });
  const model = new VersionsModel({
    client: new DeployClient(server.settings),
    debounceMs: 0
  });
  const paths = () =>
    server.requests.map(r => new URL(r.url).pathname.split('/').pop());
  return { model, server, paths };
}

describe('VersionsModel', () => {
  it('finds the project of the folder once, then lists its versions', async () => {
    const { model, paths } = setup();
    model.setPath('examples/data', false);
    expect(model.state.resolved).toBe(false);
    await model.refresh();
    expect(model.state).toMatchObject({
      project: 'examples',
      model: 'iris',
      resolved: true,
      loading: false,
      error: null
    });
    expect(model.state.versions.map(v => v.version)).toEqual([
      'v3',
      'v2',
      'v1'
    ]);
    await model.refresh();
    expect(paths()).toEqual(['project', 'versions', 'versions']);

    // Back in a folder already seen: no second project lookup.
    model.setPath('', false);
    await model.refresh();
    expect(model.state.project).toBeNull();
    model.setPath('examples/data', false);
    expect(model.state.project).toBe('examples');
    await model.refresh();
    expect(paths()).toEqual([
      'project',
      'versions',
      'versions',
      'project',
      'versions'
    ]);
  });

  it('shows a folder outside any project as such, without listing', async () => {
    const { model, paths } = setup();
    model.setPath('elsewhere', false);
    await model.refresh();
    expect(model.state).toMatchObject({ project: null, resolved: true });
    expect(paths()).toEqual(['project']);
  });

  it("keeps the server's message when the project is not a git repository", async () => {
    const { model } = setup(() => ({
      status: 409,
      json: { error: { code: 'conflict', message: NOT_A_REPO } }
    }));
    model.setPath('examples', false);
    await model.refresh();
    expect(model.state.error?.message).toBe(NOT_A_REPO);
    expect(model.state.loading).toBe(false);
  });

  it('drops an answer for a folder the browser has left', async () => {
    let release: () => void = () => undefined;
    const slow = new Promise<void>(resolve => {
      release = resolve;
    });
    const { model } = setup(async name => {
      await slow;
      return {
        json: { project: name, model: 'old', versions: makeHistory(1) }
      };
    });
    model.setPath('examples', false);
    const pending = model.refresh();
    await settle();
    model.setPath('elsewhere', false);
    release();
    await pending;
    expect(model.state.model).toBeNull();
    expect(model.state.versions).toEqual([]);
  });

  it('follows a folder change after the debounce when visible', async () => {
    const { model, paths } = setup();
    model.setPath('examples');
    await settle();
    await settle();
    expect(paths()).toEqual(['project', 'versions']);
    expect(model.state.versions).toHaveLength(3);
    model.dispose();
  });

  it('ticks two versions at most and compares the older with the newer', async () => {
    const { model } = setup();
    model.setPath('examples', false);
    await model.refresh();
    const tag = (n: number) => `iris-classifier@v${n}`;
    model.toggleTicked(tag(3));
    expect(model.comparePair).toBeNull();
    model.toggleTicked(tag(1));
    expect(model.comparePair).toEqual([tag(1), tag(3)]);
    model.toggleTicked(tag(2));
    expect(model.state.ticked).toEqual([tag(1), tag(2)]);
    model.toggleTicked(tag(2));
    expect(model.state.ticked).toEqual([tag(1)]);
  });

  it('opens details, pages the list and pins a project', async () => {
    const { model } = setup();
    model.setPath('examples', false);
    await model.refresh();
    model.select('iris-classifier@v2');
    expect(model.selectedVersion?.version).toBe('v2');
    model.select('iris-classifier@v9');
    expect(model.selectedVersion).toBeNull();
    model.showMore();
    expect(model.state.shown).toBe(100);
    model.setQuery('v2');
    expect(model.state.shown).toBe(50);

    model.setProject('other');
    expect(model.state).toMatchObject({
      project: 'other',
      resolved: true,
      versions: [],
      query: ''
    });
  });

  it('lists again after putting a version in a stage', async () => {
    let versions: ModelVersion[] = makeHistory(2);
    const { model, server } = setup(() => ({
      json: { project: 'examples', model: 'iris', versions }
    }));
    model.setPath('examples', false);
    await model.refresh();
    versions = makeHistory(2, n => ({ stages: n === 2 ? ['production'] : [] }));
    await model.assignStage('iris-classifier@v2', 'production');
    const stageRequest = server.requests.find(r => r.method === 'POST')!;
    expect(JSON.parse(await stageRequest.clone().text())).toEqual({
      project: 'examples',
      version: 'iris-classifier@v2',
      stage: 'production'
    });
    expect(model.state.versions[0].stages).toEqual(['production']);
  });
});
