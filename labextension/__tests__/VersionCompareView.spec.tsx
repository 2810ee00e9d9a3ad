import { fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';

import { DeployClient, type VersionDiff } from '../api';
import {
  compareTitle,
  VersionCompareView
} from '../components/VersionCompareView';
import { VersionCompareModel } from '../models/versionCompare';
import { diffLines } from '../models/unifiedDiff';
import { fakeServer, makeVersion } from './helpers';

const OLD = makeVersion({
  parameters: { max_depth: 1, n_estimators: 50 },
  metrics: { accuracy: 0.6, log_loss: 0.5, n_test: 38 },
  files: [
    { path: 'model/model.joblib', md5: 'a'.repeat(32), size: 10 },
    { path: 'model/input_example.json', md5: 'e'.repeat(32), size: 3 }
  ],
  data: [
    { path: 'data/iris.csv', md5: 'd'.repeat(32), size: 100, storage: 'dvc' }
  ]
});

const NEW = makeVersion({
  version: 'v3',
  tag: 'iris-classifier@v3',
  parameters: { max_depth: 3, n_estimators: 50 },
  metrics: { accuracy: 0.97, log_loss: 0.7, n_test: 38 },
  files: [
    { path: 'model/model.joblib', md5: 'b'.repeat(32), size: 10 },
    { path: 'model/input_example.json', md5: 'e'.repeat(32), size: 3 }
  ],
  data: [
    { path: 'data/iris.csv', md5: 'd'.repeat(32), size: 100, storage: 'dvc' }
  ]
});

function makeDiff(patch: Partial<VersionDiff> = {}): VersionDiff {
  return {
    old: OLD.tag,
    new: NEW.tag,
    parameters: { max_depth: { old: 1, new: 3 } },
    metrics: {
      accuracy: { old: 0.6, new: 0.97, delta: 0.37 },
      log_loss: { old: 0.5, new: 0.7, delta: 0.2 }
    },
    files: {
      'model/model.joblib': { old: 'a'.repeat(32), new: 'b'.repeat(32) }
    },
    data: {},
    schema: { breaking: false, changes: [] },
    cells: [
      {
        cell_id: 'injected-parameters',
        change: 'modified',
        diff: '--- old\n+++ new\n@@ -1,2 +1,2 @@\n # Parameters\n-max_depth = 1\n+max_depth = 3\n'
      }
    ],
    ...patch
  };
}

async function loaded(diff: VersionDiff) {
  const server = fakeServer(request => {
    const url = new URL(request.url);
    if (url.pathname.endsWith('/diff')) {
      return { json: diff };
    }
    return { json: url.pathname.endsWith('%40v1') ? OLD : NEW };
  });
  const model = new VersionCompareModel(
    new DeployClient(server.settings),
    'examples',
    OLD.tag,
    NEW.tag
  );
  await model.refresh();
  return model;
}

function section(name: string): HTMLElement {
  return screen.getByRole('region', { name });
}

function row(region: HTMLElement, name: string): HTMLElement {
  return region.querySelector(`tr[data-name="${name}"]`)!;
}

describe('VersionCompareView', () => {
  it('titles the pair by version', () => {
    expect(compareTitle(OLD.tag, NEW.tag)).toBe('v1 ↔ v3');
  });

  it('shows parameters, metrics with coloured deltas, files and cells', async () => {
    const model = await loaded(makeDiff());
    render(<VersionCompareView state={model.state} onRefresh={jest.fn()} />);
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe(
      'iris-classifier v1 ↔ v3'
    );
    expect(screen.queryByText('Breaking API change')).toBeNull();

    const parameters = section('Parameters');
    expect(row(parameters, 'max_depth').className).toContain(
      'jp-mod-different'
    );
    expect(row(parameters, 'max_depth').textContent).toBe('max_depth13');
    expect(row(parameters, 'n_estimators').className).not.toContain(
      'jp-mod-different'
    );

    const metrics = section('Metrics');
    const tone = (name: string) =>
      row(metrics, name)
        .querySelector('.jp-DeployDelta')
        ?.getAttribute('data-tone');
    expect(tone('accuracy')).toBe('better');
    expect(tone('log_loss')).toBe('worse');
    expect(tone('n_test')).toBe('same');
    expect(metrics.textContent).toContain('2 changed');

    const files = section('Model files');
    expect(files.textContent).toContain('1 of 2 changed');
    expect(row(files, 'model/model.joblib').textContent).toContain(
      'aaaaaaaabbbbbbbbchanged'
    );
    expect(row(files, 'model/input_example.json').textContent).toContain(
      'unchanged'
    );
    expect(section('Data files').textContent).toContain('all unchanged');
    expect(section('Serving API').textContent).toContain('unchanged');

    const cell = within(section('Notebook')).getByText('injected parameters')
      .parentElement!.parentElement as HTMLDetailsElement;
    expect(cell.open).toBe(true);
    expect(
      cell.querySelector('.jp-mod-removed.jp-DeployCellDiff-line')!.textContent
    ).toBe('-max_depth = 1\n');
    expect(
      cell.querySelector('.jp-mod-added.jp-DeployCellDiff-line')!.textContent
    ).toBe('+max_depth = 3\n');
    fireEvent.click(cell.querySelector('summary')!);
    expect(cell.open).toBe(false);
  });

  it('flags a breaking API change prominently', async () => {
    const model = await loaded(
      makeDiff({
        schema: {
          breaking: true,
          changes: [
            {
              side: 'input',
              path: 'petal_width',
              change: 'removed',
              old: 'number',
              new: null,
              breaking: true
            },
            {
              side: 'output',
              path: 'probability',
              change: 'added',
              old: null,
              new: 'number',
              breaking: false
            }
          ]
        }
      })
    );
    render(<VersionCompareView state={model.state} onRefresh={jest.fn()} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Breaking API change');
    expect(alert.textContent).toContain('input petal_width removed');
    expect(alert.textContent).not.toContain('probability');
    const api = section('Serving API');
    expect(api.textContent).toContain('breaking');
    expect(api.querySelectorAll('tr.jp-mod-breaking')).toHaveLength(1);
  });

  it('shows a failure with a retry', async () => {
    const server = fakeServer(() => ({
      status: 404,
      json: { error: { code: 'not_found', message: 'no version v9' } }
    }));
    const model = new VersionCompareModel(
      new DeployClient(server.settings),
      'examples',
      'm@v1',
      'm@v9'
    );
    await model.refresh();
    const onRefresh = jest.fn();
    render(<VersionCompareView state={model.state} onRefresh={onRefresh} />);
    expect(screen.getByRole('alert').textContent).toContain('no version v9');
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRefresh).toHaveBeenCalled();
    model.dispose();
  });
});

describe('diffLines', () => {
  it('drops the file header and classifies lines', () => {
    expect(
      diffLines(
        '--- old\n+++ new\n@@ -1 +1 @@\n a\n-b\n+c\n\\ No newline at end of file\n'
      )
    ).toEqual([
      { kind: 'hunk', text: '@@ -1 +1 @@' },
      { kind: 'context', text: ' a' },
      { kind: 'removed', text: '-b' },
      { kind: 'added', text: '+c' }
    ]);
  });
});
