import { Dialog } from '@jupyterlab/apputils';
import {
  fireEvent,
  render,
  screen,
  waitFor,
  within
} from '@testing-library/react';
import React from 'react';

import type { RestorePlan } from '../api';
import { confirmRestore, RestorePlanView } from '../components/RestoreDialog';
import { restoredMessage } from '../models/restorePlan';

const PLAN: RestorePlan = {
  version: 'iris-classifier@v1',
  files: [
    {
      path: 'model/model.joblib',
      md5: '46325aa697cbf0dd25aa566f56a0736b',
      size: 46635,
      action: 'overwrite',
      current_md5: '50c28888df58a8687416be7f15adb956'
    },
    {
      path: 'model/input_example.json',
      md5: 'a0f4fb6c85c43b1ab3768f88ae1860aa',
      size: 321,
      action: 'unchanged',
      current_md5: 'a0f4fb6c85c43b1ab3768f88ae1860aa'
    },
    {
      path: 'data/iris.csv',
      md5: 'd'.repeat(32),
      size: 4096,
      action: 'create',
      current_md5: null
    }
  ]
};

describe('RestorePlanView', () => {
  it('lists each file with its action and size, and names what is overwritten', () => {
    render(<RestorePlanView plan={PLAN} />);
    const note = screen.getByRole('note');
    expect(note.textContent).toBe(
      '1 existing file will be overwritten: model/model.joblib. Their current ' +
        'contents are saved to the DVC cache first, so they can be recovered by their md5.'
    );
    const rows = within(screen.getByRole('table', { name: 'Files' }))
      .getAllByRole('row')
      .slice(1)
      .map(row =>
        within(row)
          .getAllByRole('cell')
          .map(cell => cell.textContent)
      );
    expect(rows).toEqual([
      ['model/model.joblibnow 50c28888 → 46325aa6', 'overwrite', '46 KB'],
      ['model/input_example.json', 'unchanged', '321 B'],
      ['data/iris.csv', 'create', '4.0 KB']
    ]);
    expect(document.body.textContent).toContain(
      'Restoring v1 copies its stored files into the project folder: ' +
        '1 to create, 1 to overwrite, 1 unchanged.'
    );
  });

  it('says so when no existing file is overwritten', () => {
    render(<RestorePlanView plan={{ ...PLAN, files: [PLAN.files[2]] }} />);
    expect(document.body.textContent).toContain(
      'into the project folder: 1 to create. No existing file is overwritten.'
    );
    expect(screen.queryByRole('note')).toBeNull();
  });

  it('says when nothing would change', () => {
    render(<RestorePlanView plan={{ ...PLAN, files: [PLAN.files[1]] }} />);
    expect(document.body.textContent).toContain(
      'Every file of v1 is already in place'
    );
    expect(screen.queryByRole('note')).toBeNull();
  });
});

/** The dialog once its title, body and buttons are all rendered. */
async function openDialog(): Promise<HTMLElement> {
  return waitFor(() => {
    const found = document.querySelector<HTMLElement>('dialog.jp-Dialog');
    expect(found?.querySelector('.jp-Dialog-header')?.textContent).toMatch(
      /^Restore /
    );
    expect(found!.querySelector('.jp-Dialog-footer button')).not.toBeNull();
    return found!;
  });
}

function buttons(node: HTMLElement): string[] {
  return [...node.querySelectorAll('.jp-Dialog-footer button')].map(
    button => button.textContent ?? ''
  );
}

describe('confirmRestore', () => {
  afterEach(() => Dialog.flush());

  it('restores only when the warning button is pressed', async () => {
    const answer = confirmRestore(PLAN);
    const node = await openDialog();
    expect(node.textContent).toContain('Restore iris-classifier@v1?');
    expect(node.textContent).toContain('will be overwritten');
    expect(buttons(node)).toEqual(['Cancel', 'Overwrite and restore v1']);
    fireEvent.click(node.querySelector('.jp-Dialog-footer .jp-mod-warn')!);
    await expect(answer).resolves.toBe(true);
  });

  it('does nothing when cancelled', async () => {
    const answer = confirmRestore(PLAN);
    const node = await openDialog();
    fireEvent.click(node.querySelector('.jp-Dialog-footer .jp-mod-reject')!);
    await expect(answer).resolves.toBe(false);
  });

  it('offers only Close when nothing would change', async () => {
    const answer = confirmRestore({ ...PLAN, files: [PLAN.files[1]] });
    const node = await openDialog();
    expect(buttons(node)).toEqual(['Close']);
    fireEvent.click(node.querySelector('.jp-Dialog-footer button')!);
    await expect(answer).resolves.toBe(false);
  });
});

describe('restoredMessage', () => {
  it('counts what was done and where overwritten files went', () => {
    const done: RestorePlan = {
      ...PLAN,
      files: PLAN.files.map(file =>
        file.action === 'overwrite'
          ? { ...file, saved_as: '50c28888df58a8687416be7f15adb956' }
          : file
      )
    };
    expect(restoredMessage(done, 'iris-classifier@v1')).toBe(
      'Restored iris-classifier@v1: 1 file overwritten, 1 file created, 1 file unchanged. ' +
        'Previous contents saved in the DVC cache: model/model.joblib → 50c28888.'
    );
    expect(restoredMessage({ ...PLAN, files: [PLAN.files[1]] }, 'm@v1')).toBe(
      'm@v1: every file already matched, nothing was written.'
    );
  });
});
