import { UseSignal } from '@jupyterlab/ui-components';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';

import { DeployClient } from '../api';
import { RunsPanel } from '../components/RunsPanel';
import { RunsModel } from '../models/runs';
import { fakeServer, makeRun } from './helpers';

function renderPanel(
  onPromote: (project: string, runId: string) => Promise<unknown>
) {
  const server = fakeServer(() => ({ json: { runs: [], sweeps: [] } }));
  const model = new RunsModel(new DeployClient(server.settings));
  model.setProject('examples');
  model.addRuns([
    makeRun({
      id: 'r-aaaaaaaaaa',
      created_at: '2026-11-23T01:00:02+00:00',
      promoted_to: ['iris-classifier@v1', 'iris-classifier@v3']
    }),
    makeRun({
      id: 'r-bbbbbbbbbb',
      created_at: '2026-11-23T01:00:01+00:00',
      promoted_to: []
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

function row(runId: string): HTMLElement {
  return document.querySelector(`tr[data-run-id="${runId}"]`) as HTMLElement;
}

function promoteButton(runId: string): HTMLButtonElement {
  return screen.getByRole('button', {
    name: `Promote ${runId}`
  }) as HTMLButtonElement;
}

function badges(runId: string): string[] {
  return Array.from(
    row(runId).querySelectorAll('.jp-DeployPromotedBadge'),
    badge => badge.textContent ?? ''
  );
}

describe('Promoted runs in the runs table', () => {
  it('shows the versions a run became and does not offer to promote it again', () => {
    renderPanel(jest.fn(() => Promise.resolve()));
    expect(badges('r-aaaaaaaaaa')).toEqual(['v1', 'v3']);
    expect(
      within(row('r-aaaaaaaaaa')).getByTitle('Promoted to iris-classifier@v1')
    ).toBeTruthy();
    const promoted = promoteButton('r-aaaaaaaaaa');
    expect(promoted.disabled).toBe(true);
    expect(promoted.title).toContain(
      'Already promoted to iris-classifier@v1, iris-classifier@v3'
    );
    expect(promoted.title).toContain(
      'jupyter deploy version create r-aaaaaaaaaa --copy'
    );

    expect(badges('r-bbbbbbbbbb')).toEqual([]);
    expect(promoteButton('r-bbbbbbbbbb').disabled).toBe(false);
  });

  it('marks a run as soon as its promotion answers with the version', async () => {
    const onPromote = jest.fn(() =>
      Promise.resolve({ tag: 'iris-classifier@v4', version: 'v4' })
    );
    renderPanel(onPromote);
    await act(async () => {
      fireEvent.click(promoteButton('r-bbbbbbbbbb'));
    });
    expect(onPromote).toHaveBeenCalledWith('examples', 'r-bbbbbbbbbb');
    expect(badges('r-bbbbbbbbbb')).toEqual(['v4']);
    expect(promoteButton('r-bbbbbbbbbb').disabled).toBe(true);
  });

  it('leaves a run unmarked when the promotion gives no version', async () => {
    renderPanel(() => Promise.resolve(null)); // refused: the command said why
    await act(async () => {
      fireEvent.click(promoteButton('r-bbbbbbbbbb'));
    });
    expect(badges('r-bbbbbbbbbb')).toEqual([]);
    expect(promoteButton('r-bbbbbbbbbb').disabled).toBe(false);
  });

  it('keeps the marks when an event brings the run without them', () => {
    const model = renderPanel(jest.fn(() => Promise.resolve()));
    act(() => {
      model.applyEvent({
        project: 'examples',
        run: makeRun({
          id: 'r-aaaaaaaaaa',
          created_at: '2026-11-23T01:00:02+00:00'
        }),
        sweep: null
      });
    });
    expect(badges('r-aaaaaaaaaa')).toEqual(['v1', 'v3']);
  });
});
