import {
  builtVersions,
  formatImageSize,
  isNewerBuild,
  mergeBuild,
  shortImageId,
  stepViews
} from '../models/buildFormat';
import { makeBuild } from './helpers';

const T0 = Date.parse('2026-11-23T05:00:00+00:00');

function states(build = makeBuild(), now = T0 + 60_000) {
  return stepViews(build, now).map(step => `${step.name}:${step.state}`);
}

describe('stepViews', () => {
  it('shows a running build: done steps, the running one, pending ones', () => {
    const running = makeBuild({
      status: 'running',
      step: 'resolve',
      steps: [
        { name: 'export', started_at: '2026-11-23T05:00:01Z', duration_s: 0.4 },
        { name: 'smoke', started_at: '2026-11-23T05:00:02Z', duration_s: 2.1 },
        {
          name: 'resolve',
          started_at: '2026-11-23T05:00:04Z',
          duration_s: null
        }
      ],
      finished_at: null,
      duration_s: null,
      image: null
    });
    const views = stepViews(running, T0 + 14_000);
    expect(views.map(v => [v.name, v.label, v.state, v.seconds])).toEqual([
      ['export', 'Export', 'done', 0.4],
      ['smoke', 'Smoke test', 'done', 2.1],
      ['resolve', 'Resolve wheels', 'running', 10],
      ['dependencies', 'Dependency image', 'pending', null],
      ['image', 'Image', 'pending', null]
    ]);
  });

  it('marks where a build failed or was cancelled, and what never ran', () => {
    const failed = makeBuild({
      status: 'failed',
      step: 'smoke',
      steps: [
        { name: 'export', started_at: '2026-11-23T05:00:01Z', duration_s: 0.4 },
        { name: 'smoke', started_at: '2026-11-23T05:00:02Z', duration_s: 1.5 }
      ],
      image: null
    });
    expect(states(failed)).toEqual([
      'export:done',
      'smoke:failed',
      'resolve:skipped',
      'dependencies:skipped',
      'image:skipped'
    ]);
    // Cancelled through the route: the step was never closed.
    const cancelled = makeBuild({
      ...failed,
      status: 'cancelled',
      step: 'resolve',
      steps: [
        ...failed.steps.map(step => ({ ...step, duration_s: 1 })),
        {
          name: 'resolve',
          started_at: '2026-11-23T05:00:04Z',
          duration_s: null
        }
      ],
      finished_at: '2026-11-23T05:00:09Z'
    });
    const views = stepViews(cancelled, T0 + 60_000);
    expect(views[2]).toMatchObject({ state: 'stopped', seconds: 5 });
    expect(views[3].state).toBe('skipped');
  });

  it('shows every step of a succeeded build as done', () => {
    expect(states()).toEqual([
      'export:done',
      'smoke:done',
      'resolve:done',
      'dependencies:done',
      'image:done'
    ]);
  });

  it('shows a queued build as all pending', () => {
    expect(
      states(makeBuild({ status: 'queued', steps: [], step: null }))
    ).toEqual([
      'export:pending',
      'smoke:pending',
      'resolve:pending',
      'dependencies:pending',
      'image:pending'
    ]);
  });
});

describe('isNewerBuild and mergeBuild', () => {
  const at = (step: 'export' | 'smoke', extra = {}) =>
    makeBuild({ status: 'running', step, ...extra });

  it('never moves a build back in its life, a step, or a cancel request', () => {
    expect(isNewerBuild(at('smoke'), at('export'))).toBe(true);
    expect(isNewerBuild(at('export'), at('smoke'))).toBe(false);
    expect(isNewerBuild(at('smoke'), makeBuild())).toBe(false);
    expect(
      isNewerBuild(at('smoke'), at('smoke', { cancel_requested: true }))
    ).toBe(false);
    expect(isNewerBuild(makeBuild({ status: 'cancelled' }), at('smoke'))).toBe(
      true
    );
  });

  it('keeps the list newest first', () => {
    const old = makeBuild({ id: 'b-old', created_at: '2026-11-22T00:00:00Z' });
    const mid = makeBuild({ id: 'b-mid', created_at: '2026-11-23T00:00:00Z' });
    const next = makeBuild({ id: 'b-new', created_at: '2026-11-24T00:00:00Z' });
    const list = mergeBuild(mergeBuild(mergeBuild([], mid), old), next);
    expect(list.map(b => b.id)).toEqual(['b-new', 'b-mid', 'b-old']);
    expect(mergeBuild(list, { ...mid, status: 'running' })).toBe(list);
    expect(builtVersions(list)).toEqual(new Set(['iris-classifier@v1']));
  });
});

describe('image facts', () => {
  it('formats sizes as docker images does, and short ids', () => {
    expect(formatImageSize(412_000_000)).toBe('412 MB');
    expect(formatImageSize(1_234_000_000)).toBe('1.2 GB');
    expect(formatImageSize(950)).toBe('950 B');
    expect(shortImageId('sha256:0123456789abcdef0123')).toBe('0123456789ab');
  });
});
