import { UseSignal } from '@jupyterlab/ui-components';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';

import { DeployClient, type Run } from '../api';
import { RunsPanel } from '../components/RunsPanel';
import { RunsModel } from '../models/runs';
import { fakeServer, makeRun, makeSweep } from './helpers';

const RUNS = [
  makeRun({
    id: 'r-aaaaaaaaaa',
    created_at: '2026-11-23T01:00:04+00:00',
    parameters: { max_depth: 2, n_estimators: 10 },
    metrics: { accuracy: 0.92, f1_macro: 0.91 }
  }),
  makeRun({
    id: 'r-bbbbbbbbbb',
    created_at: '2026-11-23T01:00:03+00:00',
    parameters: { max_depth: 3, n_estimators: 10 },
    metrics: { accuracy: 0.97, f1_macro: 0.96 }
  }),
  makeRun({
    id: 'r-cccccccccc',
    created_at: '2026-11-23T01:00:02+00:00',
    status: 'failed',
    parameters: { max_depth: 2, n_estimators: 20 },
    metrics: {},
    error: {
      kind: 'cell_error',
      cell_index: 4,
      ename: 'ValueError',
      evalue: 'bad'
    }
  }),
  makeRun({
    id: 'r-dddddddddd',
    created_at: '2026-11-23T01:00:01+00:00',
    status: 'running',
    progress: { cell: 3, total: 9 },
    parameters: { max_depth: 3, n_estimators: 20 },
    metrics: {},
    duration_s: null,
    finished_at: null
  })
];

function renderPanel(runs: Run[] = RUNS) {
  const server = fakeServer(() => ({ json: { runs: [], sweeps: [] } }));
  const model = new RunsModel(new DeployClient(server.settings));
  model.setProject('examples');
  model.addRuns(runs);
  const onOpen = jest.fn();
  render(
    <UseSignal signal={model.changed}>
      {() => <RunsPanel model={model} onOpen={onOpen} />}
    </UseSignal>
  );
  return { model, onOpen, server };
}

function rowIds(): string[] {
  const table = screen.getByRole('table', { name: 'Runs' });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row => row.getAttribute('data-run-id') ?? '');
}

function header(name: string): HTMLElement {
  return screen.getByRole('columnheader', { name });
}

describe('RunsPanel', () => {
  it('shows one column per metric and the newest run first', () => {
    renderPanel();
    expect(header('accuracy')).toBeTruthy();
    expect(header('f1_macro')).toBeTruthy();
    expect(header('Created').getAttribute('aria-sort')).toBe('descending');
    expect(rowIds()).toEqual([
      'r-aaaaaaaaaa',
      'r-bbbbbbbbbb',
      'r-cccccccccc',
      'r-dddddddddd'
    ]);
    const running = screen
      .getAllByRole('row')
      .find(row => row.getAttribute('data-run-id') === 'r-dddddddddd')!;
    expect(running.textContent).toContain('cell 3 of 9');
    const failed = screen
      .getAllByRole('row')
      .find(row => row.getAttribute('data-run-id') === 'r-cccccccccc')!;
    expect(failed.textContent).toContain('cell error in cell 5');
  });

  it('sorts by a metric column header, best first, then flips', () => {
    renderPanel();
    fireEvent.click(within(header('accuracy')).getByRole('button'));
    expect(header('accuracy').getAttribute('aria-sort')).toBe('descending');
    expect(header('Created').getAttribute('aria-sort')).toBeNull();
    expect(rowIds().slice(0, 2)).toEqual(['r-bbbbbbbbbb', 'r-aaaaaaaaaa']);

    fireEvent.click(within(header('accuracy')).getByRole('button'));
    expect(header('accuracy').getAttribute('aria-sort')).toBe('ascending');
    expect(rowIds().slice(0, 2)).toEqual(['r-aaaaaaaaaa', 'r-bbbbbbbbbb']);
  });

  it('filters by status', () => {
    renderPanel();
    const select = screen.getByRole('combobox', { name: 'Status' });
    expect(within(select).getByRole('option', { name: 'Failed (1)' })).toBe(
      within(select).getAllByRole('option')[4]
    );
    fireEvent.change(select, { target: { value: 'failed' } });
    expect(rowIds()).toEqual(['r-cccccccccc']);
    fireEvent.change(select, { target: { value: 'cancelled' } });
    expect(rowIds()).toEqual([]);
    expect(screen.getByText('No run is cancelled.')).toBeTruthy();
  });

  it('compares the ticked runs and marks what differs', () => {
    renderPanel();
    const compare = screen.getByRole('button', { name: /^Compare/ });
    expect((compare as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Select r-aaaaaaaaaa' })
    );
    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Select r-bbbbbbbbbb' })
    );
    expect(compare.textContent).toBe('Compare (2)');
    fireEvent.click(compare);

    const view = screen.getByRole('region', { name: 'Compare runs' });
    const rows = within(view).getAllByRole('row');
    const row = (name: string) =>
      rows.find(r => r.querySelector('th')?.textContent?.startsWith(name))!;
    expect(row('max_depth').getAttribute('data-different')).toBe('true');
    expect(row('max_depth').textContent).toContain('differs');
    expect(row('n_estimators').getAttribute('data-different')).toBe('false');
    expect(row('accuracy').textContent).toContain('0.92');
    expect(row('accuracy').textContent).toContain('0.97');

    fireEvent.click(
      within(view).getByRole('button', { name: 'Back to all runs' })
    );
    expect(screen.getByRole('table', { name: 'Runs' })).toBeTruthy();
  });

  it('selects every shown run at once', () => {
    const { model } = renderPanel();
    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Select all runs shown' })
    );
    expect(model.state.selected).toHaveLength(4);
  });

  it('opens output notebooks and offers cancel only while active', () => {
    const { onOpen } = renderPanel();
    fireEvent.click(
      screen.getByRole('button', {
        name: 'Open output notebook of r-aaaaaaaaaa'
      })
    );
    expect(onOpen).toHaveBeenCalledWith(RUNS[0]);
    expect(screen.getAllByRole('button', { name: /^Cancel / })).toHaveLength(1);
    expect(
      screen.getByRole('button', { name: 'Cancel r-dddddddddd' })
    ).toBeTruthy();
    expect(screen.getAllByRole('button', { name: /^Re-run / })).toHaveLength(4);
  });

  it('summarises each active sweep', () => {
    const { model } = renderPanel([]);
    const sweep = makeSweep({
      counts: {
        queued: 0,
        running: 1,
        succeeded: 3,
        failed: 0,
        cancelled: 0,
        interrupted: 0
      },
      eta_s: 5
    });
    act(() => model.addRuns([makeRun({ sweep_id: sweep.id })], sweep));
    const line = screen.getByRole('listitem', { name: `Sweep ${sweep.id}` });
    expect(line.textContent).toContain('3/4 done · 1 running · ETA 5 s');
    const bar = within(line).getByRole('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBe('3');
    expect(bar.getAttribute('aria-valuemax')).toBe('4');
  });
});
