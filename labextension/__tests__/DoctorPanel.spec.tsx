import { fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';

import { ApiError } from '../api';
import { DoctorPanel } from '../components/DoctorPanel';
import type { IDoctorState } from '../models/doctor';
import { makeCheck, makeReport } from './helpers';

function state(patch: Partial<IDoctorState> = {}): IDoctorState {
  return {
    path: 'examples',
    loading: false,
    report: makeReport(),
    error: null,
    versionWarning: null,
    ...patch
  };
}

function renderPanel(patch: Partial<IDoctorState> = {}) {
  const onRefresh = jest.fn();
  const view = render(
    <DoctorPanel state={state(patch)} onRefresh={onRefresh} />
  );
  return { ...view, onRefresh };
}

describe('DoctorPanel', () => {
  it('shows each check as a named row with its status, value and detail', () => {
    const report = makeReport({
      status: 'error',
      checks: [
        makeCheck({ id: 'git', label: 'git', value: '2.39.5' }),
        makeCheck({
          id: 'dvc',
          label: 'DVC',
          status: 'warning',
          value: null,
          detail: 'DVC is not installed.',
          hint: 'Run `pip install dvc` in the server environment.'
        }),
        makeCheck({
          id: 'docker',
          label: 'Docker engine',
          status: 'error',
          value: null,
          detail: 'No Docker engine answers at unix:///var/run/docker.sock.',
          hint: 'Start Docker, then refresh.'
        })
      ]
    });
    renderPanel({ report });

    const rows = within(
      screen.getByRole('list', { name: 'Checks' })
    ).getAllByRole('listitem');
    expect(rows).toHaveLength(3);

    const git = screen.getByRole('listitem', { name: 'git' });
    expect(within(git).getByRole('img', { name: 'OK' })).toBeTruthy();
    expect(git.textContent).toContain('2.39.5');
    expect(git.dataset.status).toBe('ok');

    const dvc = screen.getByRole('listitem', { name: 'DVC' });
    expect(within(dvc).getByRole('img', { name: 'Warning' })).toBeTruthy();
    expect(dvc.textContent).toContain('DVC is not installed.');

    const docker = screen.getByRole('listitem', { name: 'Docker engine' });
    expect(within(docker).getByRole('img', { name: 'Error' })).toBeTruthy();
    expect(docker.dataset.status).toBe('error');
  });

  it('shows the server hint as an actionable line with commands as code', () => {
    const report = makeReport({
      checks: [
        makeCheck({
          id: 'dvc',
          label: 'DVC',
          status: 'warning',
          hint: 'Run `pip install dvc` in the server environment.'
        }),
        makeCheck({ id: 'git', label: 'git', hint: null })
      ]
    });
    renderPanel({ report });
    const dvc = screen.getByRole('listitem', { name: 'DVC' });
    const hint = dvc.querySelector('.jp-DeployCheck-hint');
    expect(hint?.textContent).toBe(
      'FixRun pip install dvc in the server environment.'
    );
    expect(hint?.querySelector('code')?.textContent).toBe('pip install dvc');
    const git = screen.getByRole('listitem', { name: 'git' });
    expect(git.querySelector('.jp-DeployCheck-hint')).toBeNull();
  });

  it('summarises the overall status and the chosen target', () => {
    renderPanel();
    const summary = screen.getByRole('region', { name: 'Summary' });
    expect(summary.textContent).toContain('Ready to deploy');
    expect(summary.textContent).toContain(
      'Deployments will use the docker target — Docker engine 20.10.24 is reachable'
    );
    expect(summary.textContent).toContain('examples/jupyter-deploy.yaml');
    expect(screen.queryByRole('region', { name: 'No project' })).toBeNull();
  });

  it('says which identity runs and versions are recorded as, and where it came from', () => {
    renderPanel();
    const summary = screen.getByRole('region', { name: 'Summary' });
    expect(summary.textContent).toContain(
      'Recorded as: Ada Lovelace <ada@example.org> (from git config)'
    );

    const jupyter = makeReport({
      identity: { name: 'Grace', email: 'grace@hub', source: 'jupyter' }
    });
    const { container } = renderPanel({ report: jupyter });
    expect(
      container.querySelector('.jp-DeploySummary-identity')?.textContent
    ).toBe('Recorded as: Grace <grace@hub> (from your Jupyter sign-in)');
  });

  it('shows no identity line when the server names none', () => {
    renderPanel({ report: makeReport({ identity: null }) });
    const summary = screen.getByRole('region', { name: 'Summary' });
    expect(summary.textContent).not.toContain('Recorded as');
  });

  it('counts problems and warnings in the summary', () => {
    const report = makeReport({
      status: 'error',
      checks: [
        makeCheck({ id: 'a', label: 'A', status: 'error' }),
        makeCheck({ id: 'b', label: 'B', status: 'error' }),
        makeCheck({ id: 'c', label: 'C', status: 'warning' })
      ]
    });
    renderPanel({ report });
    expect(
      screen.getByRole('region', { name: 'Summary' }).textContent
    ).toContain('2 problems to fix, 1 warning');
  });

  it('shows the empty state when no project is found', () => {
    const report = makeReport({
      status: 'warning',
      project: {
        path: null,
        config_file: null,
        valid: false,
        error: null,
        model: null
      }
    });
    renderPanel({ report, path: 'scratch/notes' });
    const empty = screen.getByRole('region', { name: 'No project' });
    expect(empty.textContent).toContain(
      'No jupyter-deploy.yaml was found in scratch/notes or in any folder above it.'
    );
    expect(empty.textContent).toContain('notebook: train.ipynb');
    // Environment checks are still listed under it.
    expect(screen.getAllByRole('listitem')).toHaveLength(3);
  });

  it('shows an invalid project config with its error', () => {
    const report = makeReport({
      status: 'error',
      project: {
        path: 'examples',
        config_file: 'examples/jupyter-deploy.yaml',
        valid: false,
        error: "replicas must be an integer from 1 to 32, got 'many'",
        model: null
      }
    });
    renderPanel({ report });
    expect(
      screen.getByRole('region', { name: 'Summary' }).textContent
    ).toContain(
      "is not valid: replicas must be an integer from 1 to 32, got 'many'"
    );
  });

  it.each([
    [403, 'forbidden', 'You may not read the doctor report.', 'Not allowed'],
    [
      409,
      'api_version_mismatch',
      'Server API 2, page API 1.',
      'Version mismatch'
    ],
    [
      0,
      'network_error',
      'Cannot reach the Jupyter server.',
      'Cannot reach the server'
    ]
  ])(
    'shows a %i error with its message and a Retry',
    (status, code, message, title) => {
      const { onRefresh } = renderPanel({
        report: null,
        error: new ApiError(status, code, message)
      });
      const alert = screen.getByRole('alert');
      expect(within(alert).getByRole('heading').textContent).toBe(title);
      expect(alert.textContent).toContain(message);
      expect(alert.textContent).toContain(code);
      fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
      expect(onRefresh).toHaveBeenCalledTimes(1);
      expect(screen.queryByRole('list', { name: 'Checks' })).toBeNull();
    }
  );

  it('shows a loading state before the first report', () => {
    renderPanel({ report: null, loading: true });
    expect(screen.getByRole('status').textContent).toContain(
      'Checking your environment'
    );
    expect(screen.queryByRole('list')).toBeNull();
  });

  it('warns when the frontend and server versions differ', () => {
    renderPanel({
      versionWarning:
        'The Deploy panel is version 0.1.0 but the server extension is 0.2.0.'
    });
    expect(screen.getByRole('status').textContent).toContain('0.2.0');
  });

  it('refreshes when the Refresh button is pressed', () => {
    const { onRefresh } = renderPanel();
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(onRefresh).toHaveBeenCalledTimes(1);
  });
});
