import {
  BUILD_EVENT_SCHEMA,
  DeployClient,
  parseBuildEvent,
  type Build
} from '../api';
import { BuildsModel, followVersions } from '../models/builds';
import { VersionsModel } from '../models/versions';
import {
  fakeServer,
  makeBuild,
  makeHistory,
  settle,
  type FakeAnswer
} from './helpers';

/** The builds routes of one project, over a list of builds and one log. */
class FakeBuilds {
  builds: Build[] = [];
  log: string[] = [];
  /** What POST /builds answers. */
  start: () => FakeAnswer = () => ({ status: 201, json: this.builds[0] });
  /** What POST /builds/<id>/cancel answers. */
  cancel: () => FakeAnswer = () => ({ status: 202, json: this.builds[0] });

  answer(request: Request): FakeAnswer {
    const url = new URL(request.url);
    const path = url.pathname.replace('/base/jupyter-deploy/', '');
    if (path === 'builds') {
      if (request.method === 'POST') {
        return this.start();
      }
      const version = url.searchParams.get('version');
      return {
        json: {
          builds: this.builds.filter(b => !version || b.version === version)
        }
      };
    }
    if (path.endsWith('/log')) {
      const offset = Number(url.searchParams.get('offset'));
      const lines = this.log.slice(offset, offset + 2);
      return { json: { lines, offset: offset + lines.length } };
    }
    if (path.endsWith('/cancel')) {
      return this.cancel();
    }
    return { json: this.builds.find(b => path.endsWith(b.id)) };
  }
}

/** Disposed after each test: a model watching a running build has a timer. */
const models: BuildsModel[] = [];
afterEach(() => {
  models.splice(0).forEach(model => model.dispose());
});

function setup(fake = new FakeBuilds(), quietMs = 60_000) {
  const server = fakeServer(request => fake.answer(request));
  const model = new BuildsModel({
    client: new DeployClient(server.settings),
    quietMs
  });
  models.push(model);
  model.setProject('examples');
  const routes = () =>
    server.requests.map(r => {
      const url = new URL(r.url);
      const offset = url.searchParams.get('offset');
      const version = url.searchParams.get('version');
      return `${r.method} ${url.pathname.replace('/base/jupyter-deploy/', '')}${
        offset !== null ? ` @${offset}` : ''
      }${version ? ` ${version}` : ''}`;
    });
  return { fake, model, server, routes };
}

function buildEvent(build: Build, project = 'examples') {
  return parseBuildEvent({
    schema_id: BUILD_EVENT_SCHEMA,
    kind: 'build',
    project,
    build: JSON.stringify(build)
  })!;
}

function logEvent(buildId: string, lines: string[], project = 'examples') {
  return parseBuildEvent({
    schema_id: BUILD_EVENT_SCHEMA,
    kind: 'log',
    project,
    build_id: buildId,
    lines: JSON.stringify(lines)
  })!;
}

const running = (patch: Partial<Build> = {}) =>
  makeBuild({
    status: 'running',
    step: 'smoke',
    steps: [
      { name: 'export', started_at: '2026-11-23T05:00:01Z', duration_s: 0.4 },
      { name: 'smoke', started_at: '2026-11-23T05:00:02Z', duration_s: null }
    ],
    finished_at: null,
    duration_s: null,
    image: null,
    ...patch
  });

describe('BuildsModel', () => {
  it("shows a version's newest build and reads its whole log, page by page", async () => {
    const { fake, model, routes } = setup();
    fake.builds = [
      makeBuild({ id: 'b-new', created_at: '2026-11-24T00:00:00Z' }),
      makeBuild({ id: 'b-old' }),
      makeBuild({ id: 'b-v2', version: 'iris-classifier@v2' })
    ];
    fake.log = ['── export', 'export ok', '── smoke', 'smoke ok', '── image'];
    model.showVersion('iris-classifier@v1');
    expect(model.state.loaded).toBe(false);
    await settle();
    expect(model.state.loaded).toBe(true);
    expect(model.latest?.id).toBe('b-new');
    expect(model.state.log?.lines).toEqual(fake.log);
    expect(model.state.log?.complete).toBe(true);
    // Pages of two lines, until one comes back empty.
    expect(routes()).toEqual([
      'GET builds iris-classifier@v1',
      'GET builds/b-new/log @0',
      'GET builds/b-new/log @2',
      'GET builds/b-new/log @4',
      'GET builds/b-new/log @5'
    ]);
    // Events of an ended build bring nothing new.
    model.applyEvent(logEvent('b-new', ['late']));
    expect(model.state.log?.lines).toEqual(fake.log);
  });

  it('follows a running build through events, then reads the rest once it ends', async () => {
    const { fake, model, routes } = setup();
    fake.builds = [running()];
    fake.log = ['── export'];
    model.showVersion('iris-classifier@v1');
    await settle();
    expect(model.state.log?.lines).toEqual(['── export']);

    model.applyEvent(logEvent('b-0000000001', ['── smoke']));
    model.applyEvent(logEvent('b-0000000001', ['loading model']));
    // Another project's and another build's lines are not this log's.
    model.applyEvent(logEvent('b-0000000001', ['elsewhere'], 'other'));
    model.applyEvent(logEvent('b-0000000002', ['other build']));
    expect(model.state.log?.lines).toEqual([
      '── export',
      '── smoke',
      'loading model'
    ]);
    const before = routes().length;

    const step = running({
      step: 'resolve',
      steps: [
        ...running().steps.slice(0, 1),
        { name: 'smoke', started_at: '2026-11-23T05:00:02Z', duration_s: 2 },
        {
          name: 'resolve',
          started_at: '2026-11-23T05:00:04Z',
          duration_s: null
        }
      ]
    });
    model.applyEvent(buildEvent(step));
    expect(model.latest?.step).toBe('resolve');
    // A stale state change crossing the newer one is ignored.
    model.applyEvent(buildEvent(running()));
    expect(model.latest?.step).toBe('resolve');
    expect(routes().length).toBe(before);

    // It failed; the server wrote a line no event carried.
    fake.log = [
      '── export',
      '── smoke',
      'loading model',
      '── resolve',
      'error: no wheel for numpy'
    ];
    const failed = makeBuild({
      ...step,
      status: 'failed',
      finished_at: '2026-11-23T05:00:09Z',
      error: { code: 'resolve_failed', message: 'no wheel', traceback: null }
    });
    fake.builds = [failed];
    model.applyEvent(logEvent('b-0000000001', ['── resolve']));
    model.applyEvent(buildEvent(failed));
    await settle();
    expect(model.state.log?.lines).toEqual(fake.log);
    expect(model.state.log?.complete).toBe(true);
    expect(routes().slice(before)).toEqual([
      'GET builds/b-0000000001/log @1',
      'GET builds/b-0000000001/log @3',
      'GET builds/b-0000000001/log @5'
    ]);
  });

  it('starts a build, shows it at once, and cancels it', async () => {
    const { fake, model, server } = setup();
    model.showVersion('iris-classifier@v1');
    await settle();
    expect(model.latest).toBeNull();
    expect(model.state.log).toBeNull();

    fake.builds = [makeBuild({ status: 'queued', steps: [], image: null })];
    const starting = model.build();
    expect(model.state.pending).toBe('build');
    // A second press while the first is in flight sends nothing.
    await model.build();
    await starting;
    expect(model.state.pending).toBeNull();
    expect(model.latest?.status).toBe('queued');
    const posts = server.requests.filter(r => r.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(JSON.parse(await posts[0].clone().text())).toEqual({
      project: 'examples',
      version: 'iris-classifier@v1'
    });

    const cancelled = makeBuild({
      status: 'cancelled',
      steps: [],
      image: null,
      cancel_requested: true,
      error: { code: 'cancelled', message: 'cancelled by ada', traceback: null }
    });
    fake.cancel = () => ({ status: 202, json: cancelled });
    await model.cancel();
    expect(model.latest?.status).toBe('cancelled');
    expect(model.state.error).toBeNull();
    expect(server.requests.filter(r => r.url.includes('/cancel')).length).toBe(
      1
    );
  });

  it('shows why a build could not start, and the build already running', async () => {
    const { fake, model, routes } = setup();
    model.showVersion('iris-classifier@v1');
    await settle();
    fake.start = () => {
      fake.builds = [running()];
      return {
        status: 409,
        json: {
          error: {
            code: 'conflict',
            message: 'iris-classifier@v1 is being built already'
          }
        }
      };
    };
    await model.build();
    await settle();
    expect(model.state.error?.code).toBe('conflict');
    expect(model.state.error?.message).toContain('being built already');
    expect(model.latest?.status).toBe('running');
    expect(routes().filter(r => r.startsWith('GET builds '))).toEqual([
      'GET builds iris-classifier@v1',
      'GET builds iris-classifier@v1'
    ]);
  });

  it('asks the routes when no event came for a while (a reconnecting socket)', async () => {
    const { fake, model, routes } = setup(new FakeBuilds(), 20);
    fake.builds = [running()];
    model.showVersion('iris-classifier@v1');
    await settle();
    fake.builds = [makeBuild()];
    fake.log = ['── export', '── smoke', '── image'];
    await new Promise(resolve => setTimeout(resolve, 80));
    await settle();
    expect(model.latest?.status).toBe('succeeded');
    expect(model.state.log?.lines).toEqual(fake.log);
    expect(routes()).toContain('GET builds/b-0000000001');
    // Ended: nothing more is asked.
    const count = routes().length;
    await new Promise(resolve => setTimeout(resolve, 60));
    expect(routes().length).toBe(count);
  });

  it('ignores events of other projects', () => {
    const { model } = setup();
    model.applyEvent(buildEvent(makeBuild(), 'other'));
    expect(model.state.builds).toEqual([]);
    model.applyEvent(buildEvent(makeBuild()));
    expect(model.built.has('iris-classifier@v1')).toBe(true);
  });
});

describe('followVersions', () => {
  it('lists the builds once per listing of the versions, and follows the open version', async () => {
    const fake = new FakeBuilds();
    fake.builds = [makeBuild({ version: 'iris-classifier@v2' })];
    const server = fakeServer(request => {
      const url = new URL(request.url);
      if (url.pathname.endsWith('/project')) {
        return { json: { project: 'examples' } };
      }
      if (url.pathname.endsWith('/versions')) {
        return {
          json: {
            project: 'examples',
            model: 'iris-classifier',
            versions: makeHistory(2)
          }
        };
      }
      return fake.answer(request);
    });
    const client = new DeployClient(server.settings);
    const versions = new VersionsModel({ client });
    const builds = new BuildsModel({ client });
    followVersions(builds, versions);
    versions.setPath('examples', false);
    await versions.refresh();
    await settle();
    const listings = () =>
      server.requests.filter(r => new URL(r.url).pathname.endsWith('/builds'));
    expect(listings()).toHaveLength(1);
    expect(builds.built).toEqual(new Set(['iris-classifier@v2']));

    versions.select('iris-classifier@v2');
    await settle();
    expect(builds.state.version).toBe('iris-classifier@v2');
    expect(builds.latest?.status).toBe('succeeded');
    expect(listings()).toHaveLength(2);

    versions.select(null);
    expect(builds.state.version).toBeNull();
    await versions.refresh();
    await settle();
    expect(listings()).toHaveLength(3);

    versions.setProject('other');
    expect(builds.state.project).toBe('other');
    expect(builds.state.builds).toEqual([]);
    versions.dispose();
    builds.dispose();
  });
});
