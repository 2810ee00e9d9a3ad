import {
  DEFAULT_SORT,
  filterRuns,
  metricKeys,
  metricSortKey,
  nextSort,
  sortRuns
} from '../models/runsTable';
import { compareRows } from '../models/compare';
import { makeRun } from './helpers';

const runs = [
  makeRun({
    id: 'r-a',
    created_at: '2026-11-23T01:00:04+00:00',
    metrics: { accuracy: 0.9 }
  }),
  makeRun({
    id: 'r-b',
    created_at: '2026-11-23T01:00:03+00:00',
    status: 'failed',
    metrics: {},
    duration_s: 1
  }),
  makeRun({
    id: 'r-c',
    created_at: '2026-11-23T01:00:02+00:00',
    metrics: { accuracy: 0.97, f1_macro: 0.96 },
    duration_s: 12
  }),
  makeRun({
    id: 'r-d',
    created_at: '2026-11-23T01:00:01+00:00',
    status: 'running',
    metrics: {},
    duration_s: null,
    started_at: '2026-11-23T01:00:01+00:00',
    finished_at: null
  })
];

const ids = (list: { id: string }[]) => list.map(run => run.id);

describe('sortRuns', () => {
  it('keeps newest first by default', () => {
    expect(ids(sortRuns([...runs].reverse(), DEFAULT_SORT))).toEqual([
      'r-a',
      'r-b',
      'r-c',
      'r-d'
    ]);
  });

  it('sorts by a metric both ways, runs without it last', () => {
    const key = metricSortKey('accuracy');
    expect(ids(sortRuns(runs, { key, direction: 'descending' }))).toEqual([
      'r-c',
      'r-a',
      'r-b',
      'r-d'
    ]);
    expect(ids(sortRuns(runs, { key, direction: 'ascending' }))).toEqual([
      'r-a',
      'r-c',
      'r-b',
      'r-d'
    ]);
  });

  it('sorts by status in life-cycle order', () => {
    expect(
      ids(sortRuns(runs, { key: 'status', direction: 'ascending' }))
    ).toEqual(['r-d', 'r-a', 'r-c', 'r-b']);
  });

  it('sorts a running run by its elapsed time', () => {
    const now = Date.parse('2026-11-23T01:00:04+00:00');
    expect(
      ids(sortRuns(runs, { key: 'duration', direction: 'ascending' }, now))
    ).toEqual(['r-b', 'r-d', 'r-a', 'r-c']);
  });

  it('does not change the list it is given', () => {
    const copy = [...runs];
    sortRuns(copy, { key: 'id', direction: 'descending' });
    expect(ids(copy)).toEqual(ids(runs));
  });
});

describe('nextSort', () => {
  it('flips the same column', () => {
    expect(nextSort({ key: 'id', direction: 'ascending' }, 'id')).toEqual({
      key: 'id',
      direction: 'descending'
    });
  });

  it('shows the best metric first, other columns ascending', () => {
    expect(nextSort(DEFAULT_SORT, 'metric:accuracy').direction).toBe(
      'descending'
    );
    expect(nextSort(DEFAULT_SORT, 'status').direction).toBe('ascending');
  });
});

describe('filterRuns and metricKeys', () => {
  it('filters by status', () => {
    expect(ids(filterRuns(runs, 'failed'))).toEqual(['r-b']);
    expect(ids(filterRuns(runs, 'all'))).toEqual(ids(runs));
    expect(filterRuns(runs, 'cancelled')).toEqual([]);
  });

  it('collects every metric key once, by name', () => {
    expect(metricKeys(runs)).toEqual(['accuracy', 'f1_macro']);
  });
});

describe('compareRows', () => {
  it('flags the parameters and metrics that differ', () => {
    const rows = compareRows([
      makeRun({ parameters: { a: 1, b: 'x' }, metrics: { accuracy: 0.9 } }),
      makeRun({ parameters: { a: 2, b: 'x' }, metrics: { accuracy: 0.9 } })
    ]);
    expect(rows.map(r => [r.section, r.name, r.different])).toEqual([
      ['parameters', 'a', true],
      ['parameters', 'b', false],
      ['metrics', 'accuracy', false]
    ]);
    expect(rows[0].values).toEqual(['1', '2']);
  });

  it('compares exact values, not the rounded text', () => {
    const [row] = compareRows([
      makeRun({ parameters: {}, metrics: { accuracy: 0.97368 } }),
      makeRun({ parameters: {}, metrics: { accuracy: 0.97371 } })
    ]);
    expect(row.values).toEqual(['0.9737', '0.9737']);
    expect(row.different).toBe(true);
  });
});
