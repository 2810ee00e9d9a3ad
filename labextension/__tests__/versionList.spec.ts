import {
  filterRows,
  keyMetricNames,
  metricDelta,
  versionRows
} from '../models/versionList';
import { makeHistory, makeVersion } from './helpers';

describe('keyMetricNames', () => {
  it('prefers metrics with a direction, then the most reported, up to three', () => {
    const versions = [
      makeVersion({
        metrics: { n_test: 38, accuracy: 0.9, f1_macro: 0.8, loss: 0.3 }
      }),
      makeVersion({ metrics: { accuracy: 0.8, rmse: 2, note: 'text' } })
    ];
    expect(keyMetricNames(versions)).toEqual(['accuracy', 'f1_macro', 'loss']);
  });

  it('falls back to metrics without a direction, never to text', () => {
    const versions = [makeVersion({ metrics: { n_test: 38, note: 'x' } })];
    expect(keyMetricNames(versions)).toEqual(['n_test']);
  });
});

describe('versionRows', () => {
  const versions = makeHistory(3, n => ({
    parameters: { max_depth: n === 2 ? 5 : 3, n_estimators: 50 },
    metrics: {
      accuracy: [0, 0.9, 0.95, 0.93][n],
      loss: [0, 0.4, 0.3, 0.3][n],
      epochs: 10
    },
    data:
      n === 3
        ? [
            {
              path: 'data/train.csv',
              md5: 'd'.repeat(32),
              size: 100,
              storage: 'dvc'
            }
          ]
        : []
  }));

  it('compares each version with the next older one and colours the change', () => {
    const [v3, v2, v1] = versionRows(versions);
    expect(v3.previous).toBe('v2');
    const accuracy3 = v3.metrics.find(m => m.name === 'accuracy')!;
    expect(accuracy3.value).toBe('0.93');
    expect(accuracy3.delta).toBeCloseTo(-0.02);
    expect(accuracy3.tone).toBe('worse');
    const loss2 = v2.metrics.find(m => m.name === 'loss')!;
    expect(loss2.delta).toBeCloseTo(-0.1);
    expect(loss2.tone).toBe('better');
    expect(v3.metrics.find(m => m.name === 'loss')!.tone).toBe('same');
    expect(v1.previous).toBeNull();
    expect(v1.metrics.every(m => m.delta === null)).toBe(true);
    // epochs has no direction: left to the details.
    expect(v3.metrics.map(m => m.name)).toEqual(['accuracy', 'loss']);
  });

  it('shows only the parameters that differ between versions', () => {
    const rows = versionRows(versions);
    expect(rows.map(row => row.parameters)).toEqual([
      [{ name: 'max_depth', value: '3' }],
      [{ name: 'max_depth', value: '5' }],
      [{ name: 'max_depth', value: '3' }]
    ]);
  });

  it('names the data by the first data file, else the first model file', () => {
    const [v3, v2] = versionRows(versions);
    expect(v3.dataHash).toBe('dddddddd');
    expect(v3.dataTitle).toContain(`data/train.csv  ${'d'.repeat(32)}`);
    expect(v3.dataTitle).toContain('model/model.joblib');
    expect(v2.dataHash).toBe('aaaaaaaa');
    expect(versionRows([makeVersion({ files: [] })])[0].dataHash).toBeNull();
  });

  it('computes a listing once', () => {
    expect(versionRows(versions)).toBe(versionRows(versions));
    expect(versionRows([...versions])).not.toBe(versionRows(versions));
  });

  it('gives no delta when either side lacks a number', () => {
    const a = makeVersion({ metrics: { accuracy: 0.9 } });
    const b = makeVersion({ metrics: { accuracy: 'n/a' } });
    expect(metricDelta('accuracy', a, b)).toBeNull();
    expect(metricDelta('accuracy', a, undefined)).toBeNull();
    expect(metricDelta('accuracy', a, a)).toBe(0);
  });
});

describe('filterRows', () => {
  it('keeps rows matching every word: version, stage, author, parameters', () => {
    const rows = versionRows(
      makeHistory(12, n => ({
        stages: n === 11 ? ['production'] : [],
        parameters: { max_depth: n % 3 }
      }))
    );
    const versions = (query: string) =>
      filterRows(rows, query).map(row => row.version.version);
    expect(versions('')).toHaveLength(12);
    expect(versions('PRODUCTION')).toEqual(['v11']);
    expect(versions('v1')).toEqual(['v12', 'v11', 'v10', 'v1']);
    expect(versions('max_depth=0 v1')).toEqual(['v12']);
    expect(versions('ada')).toHaveLength(12);
    expect(versions('nobody')).toEqual([]);
    expect(filterRows(rows, 'v1')).toBe(filterRows(rows, ' v1 '));
  });
});
