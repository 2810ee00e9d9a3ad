import {
  failureText,
  formatDuration,
  formatValue,
  progressText
} from '../models/runFormat';
import { makeRun } from './helpers';

describe('run formatting', () => {
  it('shows durations to the tenth below 10 s, then whole units', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(4.26)).toBe('4.2 s');
    expect(formatDuration(4.26, false)).toBe('4 s');
    expect(formatDuration(42.4)).toBe('42 s');
    expect(formatDuration(185)).toBe('3 min 5 s');
    expect(formatDuration(3720)).toBe('1 h 2 min');
  });

  it('rounds metrics to four significant digits', () => {
    expect(formatValue(0.973684)).toBe('0.9737');
    expect(formatValue(112)).toBe('112');
    expect(formatValue(undefined)).toBe('—');
    expect(formatValue('gini')).toBe('gini');
    expect(formatValue([1, 2])).toBe('[1,2]');
  });

  it('says where a run is', () => {
    expect(progressText(makeRun({ status: 'queued' }))).toBe(
      'waiting for a slot'
    );
    expect(
      progressText(
        makeRun({ status: 'running', progress: { cell: 0, total: 14 } })
      )
    ).toBe('starting');
    expect(
      progressText(
        makeRun({ status: 'running', progress: { cell: 3, total: 14 } })
      )
    ).toBe('cell 3 of 14');
    expect(progressText(makeRun({ status: 'succeeded' }))).toBeNull();
  });

  it('says why a run failed', () => {
    expect(
      failureText(
        makeRun({
          status: 'failed',
          error: {
            kind: 'cell_timeout',
            cell_index: 4,
            ename: null,
            evalue: null
          }
        })
      )
    ).toBe('cell timeout in cell 5');
    expect(
      failureText(
        makeRun({
          status: 'failed',
          error: {
            kind: 'cell_error',
            cell_index: 2,
            ename: 'ValueError',
            evalue: 'bad'
          }
        })
      )
    ).toBe('cell error in cell 3 — ValueError: bad');
    expect(failureText(makeRun())).toBeNull();
  });
});
