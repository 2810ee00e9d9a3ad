import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import { execFileSync } from 'child_process';

import {
  API_HEADERS,
  PROJECT,
  RUNS_TIMEOUT,
  promotedVersion
} from './restRuns';
import { saveScreenshot } from './screenshots';

const NOTEBOOK = 'examples/train.ipynb';
const MODEL = 'iris-classifier';
const SCREENSHOTS = 'screenshots-deployments';

/**
 * A first deploy builds the version's image (wheels resolved from the
 * index, the dependency image built) before its replica starts.
 */
const DEPLOY_TIMEOUT = 240_000;
/** A version whose dependencies are cached rebuilds only its last layers. */
const UPDATE_TIMEOUT = 180_000;
/** A rollback reuses the image it left: seconds. */
const ROLLBACK_TIMEOUT = 60_000;

/** Requests the test sends to the endpoint. */
const REQUESTS = 20;

/**
 * Record every state the operation steps show, so the test can tell they
 * advanced live however fast the operation was.
 */
async function traceSteps(page: IJupyterLabPageFixture): Promise<void> {
  await page.evaluate(() => {
    const trace: string[] = [];
    const record = () => {
      document
        .querySelectorAll('.jp-DeployOperation [data-step][data-state]')
        .forEach(step => {
          const entry = `${step.getAttribute('data-step')}:${step.getAttribute('data-state')}`;
          if (!trace.includes(entry)) {
            trace.push(entry);
          }
        });
    };
    new MutationObserver(record).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-state']
    });
    Object.assign(window, { deployTrace: trace });
  });
}

async function readTrace(page: IJupyterLabPageFixture): Promise<string[]> {
  return page.evaluate(
    () => (window as unknown as { deployTrace: string[] }).deployTrace
  );
}

/** The version the panel's header shows (`vN`). */
function shownVersion(panel: Locator): Locator {
  return panel.locator('[data-fact="version"] dd');
}

async function requestCount(panel: Locator): Promise<number> {
  const text = await panel.getByTestId('deployment-requests').textContent();
  return Number(/^(\d+)/.exec(text ?? '')?.[1] ?? -1);
}

test.describe('Deployments', () => {
  test.use({ viewport: { width: 1400, height: 1000 } });

  test('deploys from the notebook toolbar, serves requests, updates and rolls back', async ({
    page
  }, testInfo) => {
    test.setTimeout(
      RUNS_TIMEOUT * 2 +
        DEPLOY_TIMEOUT +
        UPDATE_TIMEOUT +
        ROLLBACK_TIMEOUT +
        120_000
    );
    const first = await promotedVersion(page, { max_depth: 2 });
    const second = await promotedVersion(page, { max_depth: 3 });
    // A name of its own: a server reused between runs keeps its deployments.
    const name = `ui-${Date.now().toString(36)}`;

    try {
      await page.notebook.openByPath(NOTEBOOK);
      await page.notebook.activate(NOTEBOOK.split('/').pop()!);
      await page
        .locator('.jp-NotebookPanel-toolbar')
        .getByRole('button', { name: 'Deploy', exact: true })
        .click();

      // The dialog: the latest version, auto, one replica, the model's name.
      const dialog = page.getByRole('dialog');
      await expect(dialog).toBeVisible();
      const version = dialog.getByRole('combobox', { name: 'Version' });
      await expect(version).toHaveValue(`${MODEL}@${second}`);
      await expect(version.locator('option').first()).toHaveText(
        new RegExp(`^${second} \\(latest\\)`)
      );
      await expect(dialog.getByRole('radio', { name: 'auto' })).toHaveAttribute(
        'aria-checked',
        'true'
      );
      await expect(
        dialog.getByRole('textbox', { name: 'Replicas' })
      ).toHaveValue('1');
      const nameField = dialog.getByRole('textbox', { name: 'Name' });
      await expect(nameField).toHaveValue(MODEL);
      await nameField.fill(name);
      await expect(dialog.getByTestId('deploy-mode')).toContainText(
        'Creates a new deployment'
      );
      await saveScreenshot(
        dialog.locator('.jp-Dialog-content'),
        testInfo,
        SCREENSHOTS,
        'deploy-dialog.png'
      );
      await traceSteps(page);
      await dialog.getByRole('button', { name: 'Deploy', exact: true }).click();

      // The panel opens and follows the operation to a running deployment.
      const panel = page.getByRole('region', { name: `Deployment ${name}` });
      await expect(panel).toBeVisible({ timeout: 30_000 });
      await expect(panel).toHaveAttribute('data-status', 'running', {
        timeout: DEPLOY_TIMEOUT
      });
      const operation = panel.getByRole('region', { name: 'Operation' });
      await expect(operation).toHaveAttribute('data-status', 'succeeded');
      await expect(operation.locator('[data-step="done"]')).toHaveAttribute(
        'data-state',
        'done'
      );
      const trace = await readTrace(page);
      // Seen running before done: pushed live, not only at the end.
      expect(trace.some(entry => entry.endsWith(':running'))).toBe(true);
      expect(trace).toContain('done:done');
      await expect(shownVersion(panel)).toHaveText(second);
      const endpoint = (
        await panel.getByTestId('deployment-endpoint').textContent()
      )?.trim();
      expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await expect(
        panel.getByRole('region', { name: 'Replicas' }).locator('tbody tr')
      ).toHaveCount(1);

      // The key, shown once.
      const key = (
        await panel.getByTestId('deployment-api-key').textContent()
      )?.trim();
      expect(key).toBeTruthy();

      // Requests to the endpoint, with the body the panel's example shows.
      const curl = await panel
        .getByRole('region', { name: 'Call it' })
        .getByLabel('curl example', { exact: true })
        .textContent();
      const body = /-d '([^']*)'/.exec(curl ?? '')?.[1];
      expect(body).toBeTruthy();
      for (let i = 0; i < REQUESTS; i++) {
        const answer = await fetch(`${endpoint}/predict`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${key}`,
            'Content-Type': 'application/json'
          },
          body
        });
        expect(answer.status).toBe(200);
      }
      // The copyable command works as it stands (its key from the key file).
      const output = execFileSync('sh', ['-c', curl!], {
        encoding: 'utf8',
        // The endpoint is on loopback: no proxy of the environment in between.
        env: { ...process.env, no_proxy: '*', NO_PROXY: '*' }
      });
      const predictions: unknown = JSON.parse(output);
      expect(Array.isArray(predictions)).toBe(true);

      await expect
        .poll(() => requestCount(panel), { timeout: 30_000 })
        .toBeGreaterThanOrEqual(REQUESTS + 1);
      const traffic = panel.getByRole('region', { name: 'Traffic' });
      await expect(
        traffic.locator('[data-metric="request-rate"] .jp-DeployChart-line')
      ).toHaveCount(1);
      await expect(
        traffic.locator('[data-metric="p50"] .jp-DeployChart-value')
      ).toHaveText(/(µs|ms|s)$/);
      await panel.getByRole('button', { name: 'Dismiss' }).click();
      await expect(panel.getByTestId('deployment-api-key')).toHaveCount(0);
      await saveScreenshot(
        page.locator('.jp-DeployDeploymentTab'),
        testInfo,
        SCREENSHOTS,
        'deployment-running.png'
      );

      // Update to the first version, then roll back to the second.
      await panel.getByRole('button', { name: 'Update to…' }).click();
      await panel
        .getByRole('combobox', { name: 'Version to update to' })
        .selectOption(`${MODEL}@${first}`);
      await panel.getByRole('button', { name: 'Update', exact: true }).click();
      await expect(operation).toHaveAttribute('data-action', 'update');
      await expect(shownVersion(panel)).toHaveText(first, {
        timeout: UPDATE_TIMEOUT
      });
      await expect(operation).toHaveAttribute('data-status', 'succeeded');
      const rollback = panel.getByRole('button', {
        name: `Roll back to ${second}`
      });
      await expect(rollback).toBeEnabled();
      await rollback.click();
      await expect(operation).toHaveAttribute('data-action', 'rollback');
      await expect(shownVersion(panel)).toHaveText(second, {
        timeout: ROLLBACK_TIMEOUT
      });
      await expect(operation).toHaveAttribute('data-status', 'succeeded');
      await expect(panel).toHaveAttribute('data-status', 'running');
      const history = panel
        .getByRole('region', { name: 'History' })
        .locator('tbody tr');
      await expect(history.first()).toHaveAttribute('data-action', 'rollback');
      await expect(
        panel.getByRole('button', { name: `Roll back to ${first}` })
      ).toBeEnabled();
      // Requests still answered, by the version rolled back to.
      const after = await fetch(`${endpoint}/predict`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${key}`,
          'Content-Type': 'application/json'
        },
        body
      });
      expect(after.status).toBe(200);
      // Every request counted, though the update and the rollback replaced
      // the replicas between two looks of the panel.
      await expect
        .poll(() => requestCount(panel), { timeout: 30_000 })
        .toBe(REQUESTS + 2);
      await saveScreenshot(
        page.locator('.jp-DeployDeploymentTab'),
        testInfo,
        SCREENSHOTS,
        'deployment-rolled-back.png'
      );

      // The versions sidebar marks the version served, and opens the panel.
      await page.filebrowser.openDirectory(PROJECT);
      await page
        .getByRole('tab', { name: 'Model versions', exact: true })
        .click();
      const sidebar = page.locator('#jupyter-deploy-versions');
      const row = sidebar
        .getByRole('list', { name: 'Versions' })
        .getByRole('listitem', { name: second, exact: true });
      const badge = row.getByRole('button', { name: `deployed: ${name}` });
      await expect(badge).toBeVisible();
      await expect(
        sidebar
          .getByRole('listitem', { name: first, exact: true })
          .getByRole('button', { name: `deployed: ${name}` })
      ).toHaveCount(0);
      await saveScreenshot(
        sidebar,
        testInfo,
        SCREENSHOTS,
        'versions-deployed.png'
      );
      // Closed, then opened again from the badge: the charts come back at
      // once with the minutes before (the server kept them), not empty.
      await page
        .locator('.lm-DockPanel-tabBar .lm-TabBar-tab', { hasText: name })
        .locator('.lm-TabBar-tabCloseIcon')
        .click();
      await expect(panel).toHaveCount(0);
      await badge.click();
      await expect(panel).toBeVisible();
      await expect
        .poll(() => requestCount(panel), { timeout: 30_000 })
        .toBe(REQUESTS + 2);
      const line = await panel
        .getByRole('region', { name: 'Traffic' })
        .locator('[data-metric="request-rate"] .jp-DeployChart-line')
        .getAttribute('d');
      // A panel of its own would have one window at most by now.
      expect((line ?? '').split('L').length).toBeGreaterThan(5);

      // Stop, after a confirmation.
      await panel.getByRole('button', { name: 'Stop', exact: true }).click();
      const confirm = page.getByRole('dialog');
      await expect(confirm).toContainText(`Stop ${name}?`);
      await confirm.getByRole('button', { name: 'Stop', exact: true }).click();
      await expect(panel).toHaveAttribute('data-status', 'stopped', {
        timeout: 60_000
      });
      await expect(panel.getByRole('button', { name: 'Start' })).toBeEnabled();
    } finally {
      // Leave no gateway or replica running whatever failed above.
      await page.request.post(`/jupyter-deploy/deployments/${name}/down`, {
        headers: API_HEADERS,
        data: { project: PROJECT }
      });
    }
  });
});
