import { UseSignal } from '@jupyterlab/ui-components';
import { act, fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import { DeployClient } from '../api';
import { RunsPanel } from '../components/RunsPanel';
import { RunsModel } from '../models/runs';
import { fakeServer, makeRun } from './helpers';

function renderPanel(
  onPromote?: (project: string, runId: string) => Promise<unknown>
) {
  const server = fakeServer(() => ({ json: { runs: [], sweeps: [] } }));
  const model = new RunsModel(new DeployClient(server.settings));
  model.setProject('examples');
  model.addRuns([
    makeRun({ id: 'r-aaaaaaaaaa', created_at: '2026-11-23T01:00:02+00:00' }),
    makeRun({
      id: 'r-bbbbbbbbbb',
      status: 'failed',
      created_at: '2026-11-23T01:00:01+00:00'
    })
  ]);
  render(
    <UseSignal signal={model.changed}>
      {() => (
        <RunsPanel model={model} onOpen={jest.fn()} onPromote={onPromote} />
      )}
    </UseSignal>
  );
  return model;
}

function promoteButton(runId: string): HTMLButtonElement | null {
  return screen.queryByRole('button', { name: `Promote ${runId}` });
}

describe('Promote in the runs panel', () => {
  it('is offered on succeeded runs only, when the app can promote', () => {
    renderPanel(jest.fn(() => Promise.resolve()));
    expect(promoteButton('r-aaaaaaaaaa')).not.toBeNull();
    expect(promoteButton('r-bbbbbbbbbb')).toBeNull();
  });

  it('is absent without a promote action', () => {
    renderPanel();
    expect(promoteButton('r-aaaaaaaaaa')).toBeNull();
  });

  it('is busy while the promotion runs and cannot start a second one', async () => {
    let finish: () => void = () => undefined;
    const onPromote = jest.fn(
      (_project: string, _runId: string) =>
        new Promise<void>(resolve => {
          finish = resolve;
        })
    );
    renderPanel(onPromote);
    const button = promoteButton('r-aaaaaaaaaa')!;
    fireEvent.click(button);
    fireEvent.click(button);
    expect(onPromote).toHaveBeenCalledTimes(1);
    expect(onPromote).toHaveBeenCalledWith('examples', 'r-aaaaaaaaaa');
    expect(button.disabled).toBe(true);
    expect(button.getAttribute('aria-busy')).toBe('true');
    expect(button.querySelector('.jp-DeployLoading-spinner')).not.toBeNull();
    // Re-run waits too: one action per run at a time.
    expect(
      (
        screen.getByRole('button', {
          name: 'Re-run r-aaaaaaaaaa'
        }) as HTMLButtonElement
      ).disabled
    ).toBe(true);
    await act(async () => finish());
    expect(button.disabled).toBe(false);
    expect(button.getAttribute('aria-busy')).toBe('false');
  });

  it('shows a failure of the promote command as a notice', async () => {
    const model = renderPanel(() => Promise.reject(new Error('no command')));
    await act(async () => {
      fireEvent.click(promoteButton('r-aaaaaaaaaa')!);
    });
    expect(model.state.notice).toContain('Could not promote r-aaaaaaaaaa');
    expect(screen.getByRole('alert').textContent).toContain('no command');
  });
});
