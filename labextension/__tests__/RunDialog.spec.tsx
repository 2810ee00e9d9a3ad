import { Dialog } from '@jupyterlab/apputils';
import { fireEvent, waitFor, within } from '@testing-library/react';

import { DeployClient } from '../api';
import { showRunDialog } from '../components/RunDialog';
import {
  fakeServer,
  makeParameters,
  makeRun,
  makeSweep,
  type FakeAnswer
} from './helpers';

function posts(requests: Request[]): Request[] {
  return requests.filter(request => request.method === 'POST');
}

function open(route: (request: Request) => FakeAnswer) {
  const server = fakeServer(request =>
    new URL(request.url).pathname.endsWith('/parameters')
      ? { json: makeParameters() }
      : route(request)
  );
  const result = showRunDialog({
    client: new DeployClient(server.settings),
    notebook: 'examples/train.ipynb'
  });
  return { server, result };
}

/**
 * The open dialog. JupyterLab shows its <dialog> with CSS, which jsdom does
 * not load: mark it open so that it counts as visible.
 */
async function openDialog(): Promise<HTMLElement> {
  const node = await waitFor(() => {
    const found = document.querySelector<HTMLElement>('dialog.jp-Dialog');
    expect(found).not.toBeNull();
    return found!;
  });
  node.setAttribute('open', '');
  return node;
}

async function dialog(): Promise<HTMLElement> {
  const node = await openDialog();
  await within(node).findByRole('table', { name: 'Parameters' });
  return node;
}

function field(node: HTMLElement, name: string): HTMLInputElement {
  return within(node).getByRole('textbox', { name }) as HTMLInputElement;
}

function startButton(node: HTMLElement): HTMLButtonElement {
  return node.querySelector('.jp-Dialog-footer .jp-mod-accept')!;
}

describe('Run dialog', () => {
  afterEach(() => {
    // Close what a test left open, or the next dialog waits in the queue.
    Dialog.flush();
  });

  it('fills the form with the notebook defaults', async () => {
    open(() => ({ json: makeRun() }));
    const node = await dialog();
    expect(field(node, 'n_estimators').value).toBe('50');
    expect(field(node, 'test_size').value).toBe('0.25');
    expect(field(node, 'criterion').value).toBe('gini');
    expect(node.textContent).toContain('number of trees');
    expect(startButton(node).disabled).toBe(false);
    expect(startButton(node).textContent).toBe('Start run');
  });

  it('refuses a string where an integer is expected, sending nothing', async () => {
    const { server } = open(() => ({ json: makeRun() }));
    const node = await dialog();
    fireEvent.change(field(node, 'max_depth'), { target: { value: 'abc' } });
    expect(field(node, 'max_depth').getAttribute('aria-invalid')).toBe('true');
    expect(node.textContent).toContain("Expected an integer, got 'abc'");
    expect(startButton(node).disabled).toBe(true);

    fireEvent.click(startButton(node));
    fireEvent.keyDown(field(node, 'max_depth'), { key: 'Enter' });
    await new Promise(resolve => setTimeout(resolve, 10));
    expect(posts(server.requests)).toEqual([]);
    expect(document.querySelector('dialog.jp-Dialog')).not.toBeNull();
  });

  it('counts a grid sweep and starts it', async () => {
    const sweep = makeSweep();
    const { server, result } = open(() => ({
      status: 201,
      json: { sweep, runs: [makeRun({ sweep_id: sweep.id })] }
    }));
    const node = await dialog();
    fireEvent.click(within(node).getByRole('radio', { name: 'Sweep' }));
    fireEvent.change(field(node, 'max_depth'), { target: { value: '2,3' } });
    fireEvent.change(field(node, 'n_estimators'), {
      target: { value: '10,20' }
    });
    expect(node.textContent).toContain('4 runs will start');
    expect(startButton(node).textContent).toBe('Start 4 runs');

    fireEvent.click(within(node).getByRole('radio', { name: 'Zip' }));
    fireEvent.change(field(node, 'n_estimators'), {
      target: { value: '10,20,30' }
    });
    expect(node.textContent).toContain('n_estimators has 3, max_depth has 2');
    expect(startButton(node).disabled).toBe(true);

    fireEvent.click(within(node).getByRole('radio', { name: 'Grid' }));
    expect(node.textContent).toContain('6 runs will start');
    fireEvent.click(startButton(node));
    await expect(result).resolves.toEqual({
      project: 'examples',
      sweep,
      runs: [expect.objectContaining({ sweep_id: sweep.id })]
    });
    const body = JSON.parse(await posts(server.requests)[0].clone().text());
    expect(body).toMatchObject({
      notebook: 'examples/train.ipynb',
      mode: 'grid',
      parameters: { max_depth: [2, 3], n_estimators: [10, 20, 30] }
    });
  });

  it('sends the limits set under Limits, and refuses a bad one inline', async () => {
    const { server, result } = open(() => ({ status: 201, json: makeRun() }));
    const node = await dialog();
    const limits = node.querySelector('details.jp-DeployRunForm-limits')!;
    expect(limits.querySelector('summary')!.textContent).toBe('Limits: none');

    fireEvent.change(field(node, 'Time limit (s)'), {
      target: { value: 'later' }
    });
    expect(node.textContent).toContain(
      'Seconds above 0, or empty for no limit'
    );
    expect(limits.hasAttribute('open')).toBe(true);
    expect(startButton(node).disabled).toBe(true);

    fireEvent.change(field(node, 'Time limit (s)'), {
      target: { value: '600' }
    });
    fireEvent.change(field(node, 'Cell timeout (s)'), {
      target: { value: '30' }
    });
    expect(limits.querySelector('summary')!.textContent).toBe(
      'Limits: cells 30 s, run 600 s'
    );
    fireEvent.click(startButton(node));
    await expect(result).resolves.not.toBeNull();
    const body = JSON.parse(await posts(server.requests)[0].clone().text());
    expect(body).toMatchObject({ cell_timeout: 30, time_limit: 600 });
  });

  it('shows a refusal of the server in the dialog and stays open', async () => {
    const message = "max_depth: expected an integer, got 'abc'";
    const { server } = open(() => ({
      status: 400,
      json: { error: { code: 'invalid_input', message } }
    }));
    const node = await dialog();
    fireEvent.click(startButton(node));
    const alert = await within(node).findByRole('alert');
    expect(alert.textContent).toContain(message);
    expect(alert.textContent).toContain('invalid_input');
    expect(posts(server.requests)).toHaveLength(1);
    expect(document.querySelector('dialog.jp-Dialog')).not.toBeNull();
  });

  it('explains a notebook without a parameters cell', async () => {
    const server = fakeServer(() => ({
      status: 400,
      json: {
        error: {
          code: 'invalid_input',
          message: 'train.ipynb has no cell tagged parameters.'
        }
      }
    }));
    void showRunDialog({
      client: new DeployClient(server.settings),
      notebook: 'examples/train.ipynb'
    });
    const node = await openDialog();
    await waitFor(() =>
      expect(within(node).getByRole('alert').textContent).toContain(
        'no cell tagged parameters'
      )
    );
    expect(startButton(node).disabled).toBe(true);
  });

  it('resolves null when cancelled', async () => {
    const { result } = open(() => ({ json: makeRun() }));
    const node = await dialog();
    fireEvent.click(node.querySelector('.jp-Dialog-footer .jp-mod-reject')!);
    await expect(result).resolves.toBeNull();
  });
});
