import { failureText, progressText } from '../models/runFormat';
import { makeRun } from './helpers';

describe('run formatting', () => {
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
            ename: '',
            evalue: ''
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
