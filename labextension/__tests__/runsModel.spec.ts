import {
  DeployClient,
  parseRunEvent,
  RUN_EVENT_SCHEMA,
  type Run,
  type Sweep
} from '../api';
import { isNewerRun, RunsModel } from '../models/runs';
import { sweepSummary } from '../models/runFormat';
import {
  fakeServer,
  makeRun,
  makeSweep,
  settle,
  type FakeAnswer
} from './helpers';

function emission(run: Run, sweep: Sweep | null, project = 'examples') {
  return {
    schema_id: RUN_EVENT_SCHEMA,
    version: 1,
    kind: 'run',
    project,
    run: JSON.stringify(run),
    sweep: sweep ? JSON.stringify(sweep) : ''
  };
}

describe('parseRunEvent', () => {
  it('parses the run and sweep JSON strings', () => {
    const run = makeRun({ status: 'running' });
    const sweep = makeSweep();
    expect(parseRunEvent(emission(run, sweep))).toEqual({
      project: 'examples',
      run,
      sweep
    });
    expect(parseRunEvent(emission(run, null))?.sweep).toBeNull();
  });

  it('ignores other schemas and malformed events', () => {
    const good = emission(makeRun(), null);
    expect(parseRunEvent({ ...good, schema_id: 'other' })).toBeNull();
    expect(parseRunEvent({ ...good, run: '{not json' })).toBeNull();
    expect(parseRunEvent({ ...good, run: '[]' })).toBeNull();
    expect(parseRunEvent({ ...good, project: 3 })).toBeNull();
  });
});

describe('isNewerRun', () => {
  const running = (cell: number) =>
    makeRun({ status: 'running', progress: { cell, total: 9 } });

  it('never moves a run back in its life cycle or back a cell', () => {
    expect(isNewerRun(running(3), makeRun({ status: 'queued' }))).toBe(true);
    expect(isNewerRun(makeRun({ status: 'queued' }), running(3))).toBe(false);
    expect(isNewerRun(running(2), makeRun({ status: 'failed' }))).toBe(false);
    expect(isNewerRun(running(4), running(3))).toBe(true);
    expect(isNewerRun(running(3), running(4))).toBe(false);
  });
});

describe('RunsModel', () => {
  function modelWith(route: (request: Request) => FakeAnswer) {
    const server = fakeServer(route);
    const model = new RunsModel(new DeployClient(server.settings));
    model.setProject('examples');
    return { server, model };
  }

  it('fetches the project once and then follows events', async () => {
    const sweep = makeSweep();
    const queued = makeRun({
      id: 'r-1',
      sweep_id: sweep.id,
      status: 'queued',
      metrics: {}
    });
    const { server, model } = modelWith(() => ({
      json: { runs: [queued], sweeps: [sweep] }
    }));
    await model.refresh();
    expect(server.requests).toHaveLength(1);
    expect(model.state.runs.map(r => r.status)).toEqual(['queued']);
    expect(model.state.shownSweeps).toEqual([sweep.id]);

    const done = { ...queued, status: 'succeeded' as const };
    const doneSweep = makeSweep({
      counts: { ...sweep.counts, queued: 0, running: 0, succeeded: 4 },
      eta_s: null
    });
    const event = parseRunEvent(emission(done, doneSweep));
    model.applyEvent(event!);
    expect(model.state.runs[0].status).toBe('succeeded');
    expect(sweepSummary(model.state.sweeps[0], null)).toBe('4/4 succeeded');
    // A finished sweep seen running here keeps its line.
    expect(model.state.shownSweeps).toEqual([sweep.id]);
    expect(server.requests).toHaveLength(1);
  });

  it('ignores events of other projects', () => {
    const { model } = modelWith(() => ({ json: { runs: [], sweeps: [] } }));
    model.applyEvent(parseRunEvent(emission(makeRun(), null, 'other'))!);
    expect(model.state.runs).toEqual([]);
  });

  it('keeps an event newer than a list answer that crossed it', async () => {
    let release: (answer: FakeAnswer) => void = () => undefined;
    const server = fakeServer(
      () => new Promise<FakeAnswer>(resolve => (release = resolve))
    );
    const model = new RunsModel(new DeployClient(server.settings));
    model.setProject('examples');
    const pending = model.refresh();
    await settle();
    model.applyEvent(
      parseRunEvent(emission(makeRun({ status: 'succeeded' }), null))!
    );
    release({
      json: { runs: [makeRun({ status: 'running' })], sweeps: [] }
    });
    await pending;
    expect(model.state.runs.map(r => r.status)).toEqual(['succeeded']);
    model.dispose();
  });

  it('inserts new runs newest first', () => {
    const { model } = modelWith(() => ({ json: {} }));
    model.addRuns([
      makeRun({ id: 'r-old', created_at: '2026-11-23T01:00:00+00:00' })
    ]);
    model.addRuns([
      makeRun({ id: 'r-new', created_at: '2026-11-23T02:00:00+00:00' })
    ]);
    expect(model.state.runs.map(r => r.id)).toEqual(['r-new', 'r-old']);
  });

  it('cancels and re-runs through the API and shows failures', async () => {
    const { server, model } = modelWith(request => {
      const path = new URL(request.url).pathname;
      if (path.endsWith('/cancel')) {
        return { status: 202, json: makeRun({ status: 'cancelled' }) };
      }
      return {
        status: 404,
        json: { error: { code: 'not_found', message: 'No run r-x.' } }
      };
    });
    model.addRuns([makeRun({ status: 'running' })]);
    await model.cancel('r-0000000001');
    expect(model.state.runs[0].status).toBe('cancelled');
    await model.rerun('r-x');
    expect(model.state.notice).toBe('Could not re-run r-x: No run r-x.');
    expect(model.state.busy).toEqual([]);
    expect(server.requests).toHaveLength(2);
  });

  it('drops the selection of runs of another project', () => {
    const { model } = modelWith(() => ({ json: {} }));
    model.addRuns([makeRun({ id: 'r-1' }), makeRun({ id: 'r-2' })]);
    model.toggleSelected('r-1');
    model.toggleSelected('r-2');
    model.setComparing(true);
    expect(model.state.comparing).toBe(true);
    model.setProject('other');
    expect(model.state.selected).toEqual([]);
    expect(model.state.comparing).toBe(false);
  });
});

describe('sweepSummary', () => {
  it('shows counts and the time left while running', () => {
    const sweep = makeSweep({
      counts: {
        queued: 0,
        running: 1,
        succeeded: 3,
        failed: 0,
        cancelled: 0,
        interrupted: 0
      }
    });
    expect(sweepSummary(sweep, 4.2)).toBe('3/4 done · 1 running · ETA 5 s');
  });

  it('names failures once finished', () => {
    const sweep = makeSweep({
      counts: {
        queued: 0,
        running: 0,
        succeeded: 3,
        failed: 1,
        cancelled: 0,
        interrupted: 0
      }
    });
    expect(sweepSummary(sweep, null)).toBe('3/4 succeeded · 1 failed');
  });
});
