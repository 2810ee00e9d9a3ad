import {
  checkRunForm,
  initialFormValues,
  type IRunFormValues
} from '../models/runForm';
import {
  countRuns,
  MAX_SWEEP_RUNS,
  runCountText,
  sweepParameters
} from '../models/sweepPlan';
import { makeParameters } from './helpers';

const { parameters } = makeParameters();

function form(patch: Partial<IRunFormValues> = {}): IRunFormValues {
  const initial = initialFormValues(parameters, 2);
  return {
    ...initial,
    ...patch,
    values: { ...initial.values, ...(patch.values ?? {}) }
  };
}

describe('countRuns', () => {
  const fields = (...lengths: number[]) =>
    lengths.map((length, i) => ({ name: `p${i}`, length }));

  it('multiplies the lengths in grid mode', () => {
    expect(countRuns(fields(2, 2, 1), 'grid')).toEqual({
      count: 4,
      error: null
    });
    expect(countRuns(fields(3, 5), 'grid').count).toBe(15);
    expect(countRuns([], 'grid').count).toBe(1);
  });

  it('pairs equal lengths in zip mode; single values apply to all', () => {
    expect(countRuns(fields(3, 3, 1), 'zip')).toEqual({
      count: 3,
      error: null
    });
    expect(countRuns(fields(1, 1), 'zip').count).toBe(1);
  });

  it('refuses zip lists of different lengths and names them', () => {
    const result = countRuns(
      [
        { name: 'max_depth', length: 2 },
        { name: 'n_estimators', length: 3 }
      ],
      'zip'
    );
    expect(result.count).toBe(0);
    expect(result.error).toContain('max_depth has 2, n_estimators has 3');
  });

  it(`refuses more than ${MAX_SWEEP_RUNS} runs`, () => {
    expect(countRuns(fields(16, 16), 'grid').error).toBeNull();
    const result = countRuns(fields(16, 17), 'grid');
    expect(result.count).toBe(0);
    expect(result.error).toContain('272 runs');
  });

  it('reads as a sentence', () => {
    expect(runCountText(1)).toBe('1 run will start');
    expect(runCountText(4)).toBe('4 runs will start');
  });
});

describe('sweepParameters', () => {
  it('repeats single values to the zip length only', () => {
    const lists = { a: [1, 2, 3], b: ['x'] };
    expect(sweepParameters(lists, 'zip', 3)).toEqual({
      a: [1, 2, 3],
      b: ['x', 'x', 'x']
    });
    expect(sweepParameters(lists, 'grid', 3)).toEqual(lists);
  });
});

describe('checkRunForm', () => {
  it('starts from the defaults, which are valid', () => {
    const check = checkRunForm(parameters, form());
    expect(check.fieldErrors).toEqual({});
    expect(check.request).toEqual({
      kind: 'run',
      parameters: {
        n_estimators: 50,
        max_depth: 3,
        test_size: 0.25,
        random_state: 0,
        criterion: 'gini'
      },
      limits: {}
    });
  });

  it('sends limits only when given, and refuses ones that are not seconds', () => {
    const limited = checkRunForm(
      parameters,
      form({ cellTimeout: ' 30 ', timeLimit: '' })
    );
    expect(limited.request).toMatchObject({ limits: { cell_timeout: 30 } });
    expect(limited.request?.limits).not.toHaveProperty('time_limit');

    for (const bad of ['0', '-5', 'soon']) {
      const check = checkRunForm(
        parameters,
        form({ mode: 'sweep', timeLimit: bad })
      );
      expect(check.limitErrors.timeLimit).toBe(
        'Seconds above 0, or empty for no limit'
      );
      expect(check.request).toBeNull();
    }
  });

  it('refuses a string where an integer is expected: no request', () => {
    const check = checkRunForm(
      parameters,
      form({ values: { max_depth: 'abc' } })
    );
    expect(check.fieldErrors).toEqual({
      max_depth: "Expected an integer, got 'abc'"
    });
    expect(check.request).toBeNull();
    expect(check.count).toBe(0);
  });

  it('builds a grid sweep of every combination', () => {
    const check = checkRunForm(
      parameters,
      form({
        mode: 'sweep',
        values: { max_depth: '2,3', n_estimators: '10, 20' }
      })
    );
    expect(check.count).toBe(4);
    expect(check.request).toEqual({
      kind: 'sweep',
      mode: 'grid',
      concurrency: 2,
      limits: {},
      parameters: {
        n_estimators: [10, 20],
        max_depth: [2, 3],
        test_size: [0.25],
        random_state: [0],
        criterion: ['gini']
      }
    });
  });

  it('refuses a zip of unequal lengths', () => {
    const check = checkRunForm(
      parameters,
      form({
        mode: 'sweep',
        combine: 'zip',
        values: { max_depth: '2,3', n_estimators: '10,20,30' }
      })
    );
    expect(check.planError).toContain('max_depth has 2');
    expect(check.request).toBeNull();
  });

  it('reports a wrong value inside a sweep list', () => {
    const check = checkRunForm(
      parameters,
      form({ mode: 'sweep', values: { test_size: '0.2, big' } })
    );
    expect(check.fieldErrors.test_size).toBe(
      "Value 2: expected a number, got 'big'"
    );
    expect(check.request).toBeNull();
  });

  it.each(['0', '-1', 'two', ''])('refuses concurrency %j', concurrency => {
    const check = checkRunForm(
      parameters,
      form({ mode: 'sweep', concurrency })
    );
    expect(check.concurrencyError).not.toBeNull();
    expect(check.request).toBeNull();
  });

  it('offers the number of cores as concurrency', () => {
    expect(initialFormValues(parameters).concurrency).toBe(
      String(navigator.hardwareConcurrency || 2)
    );
  });
});
