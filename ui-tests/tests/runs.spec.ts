import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator, Request, TestInfo } from '@playwright/test';

/** The example notebook of the Jupyter root's copy of examples/. */
const NOTEBOOK = 'examples/train.ipynb';

/** A 4-run sweep of the example notebook (≈ 5 s a run, 2 at a time). */
const SWEEP_TIMEOUT = 120_000;

async function saveScreenshot(
  target: Locator,
  testInfo: TestInfo,
  name: string
): Promise<void> {
  const path = testInfo.outputPath(name);
  await target.screenshot({ path, animations: 'disabled' });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** Every request the page sends to a jupyter_deploy route. */
function recordDeployRequests(page: IJupyterLabPageFixture): Request[] {
  const requests: Request[] = [];
  page.on('request', request => {
    if (new URL(request.url()).pathname.includes('/jupyter-deploy/')) {
      requests.push(request);
    }
  });
  return requests;
}

function routeOf(request: Request): string {
  return `${request.method()} ${new URL(request.url()).pathname.replace(/^.*\/jupyter-deploy\//, '')}`;
}

async function openRunDialog(page: IJupyterLabPageFixture): Promise<Locator> {
  await page.notebook.openByPath(NOTEBOOK);
  await page.notebook.activate(NOTEBOOK.split('/').pop()!);
  // Opening the notebook updates its kernel metadata; runs use the saved file.
  await page.notebook.save();
  await page
    .locator('.jp-NotebookPanel-toolbar')
    .getByRole('button', { name: 'Run with parameters' })
    .click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('table', { name: 'Parameters' })).toBeVisible();
  return dialog;
}

test.describe('Runs', () => {
  test.use({ viewport: { width: 1400, height: 900 } });

  test('launches a 4-run sweep from the notebook toolbar and sorts it by accuracy', async ({
    page
  }, testInfo) => {
    test.setTimeout(SWEEP_TIMEOUT + 60_000);
    const requests = recordDeployRequests(page);
    const dialog = await openRunDialog(page);

    // Pre-filled from the notebook's parameters cell, with inferred types.
    const field = (name: string) => dialog.getByRole('textbox', { name });
    await expect(field('n_estimators')).toHaveValue('50');
    await expect(field('max_depth')).toHaveValue('3');
    await expect(field('test_size')).toHaveValue('0.25');
    await expect(field('random_state')).toHaveValue('0');
    await expect(field('criterion')).toHaveValue('gini');
    const row = (name: string) =>
      dialog.locator(`.jp-DeployRunForm-row[data-name="${name}"]`);
    await expect(row('max_depth')).toContainText('int');
    await expect(row('test_size')).toContainText('float');
    await expect(row('criterion')).toContainText('str');

    // A string where an integer is expected: inline error, Start disabled.
    await field('max_depth').fill('abc');
    await expect(
      row('max_depth').getByText("Expected an integer, got 'abc'")
    ).toBeVisible();
    await expect(field('max_depth')).toHaveAttribute('aria-invalid', 'true');
    const start = dialog.getByRole('button', { name: /^Start/ });
    await expect(start).toHaveText('Start run');
    await expect(start).toBeDisabled();
    // Enter in the field does not start anything either.
    await field('max_depth').press('Enter');
    await expect(dialog).toBeVisible();
    await saveScreenshot(
      dialog.locator('.jp-Dialog-content'),
      testInfo,
      'run-dialog-error.png'
    );

    // A grid sweep: 2 × 2 values.
    await dialog.getByRole('radio', { name: 'Sweep' }).click();
    await expect(dialog.getByRole('radio', { name: 'Grid' })).toBeChecked();
    await field('max_depth').fill('2,3');
    await field('n_estimators').fill('10,20');
    await expect(dialog.getByRole('status')).toHaveText(/^4 runs will start/);
    await expect(start).toHaveText('Start 4 runs');
    await expect(start).toBeEnabled();
    await saveScreenshot(
      dialog.locator('.jp-Dialog-content'),
      testInfo,
      'run-dialog-sweep.png'
    );
    expect(requests.filter(r => r.method() === 'POST')).toEqual([]);
    await start.click();
    await expect(dialog).toBeHidden();
    expect(requests.filter(r => r.method() === 'POST').map(routeOf)).toEqual([
      'POST sweeps'
    ]);

    // The Runs panel opens and follows the sweep.
    await expect(
      page.getByRole('tab', { name: 'Runs', exact: true })
    ).toHaveAttribute('aria-selected', 'true');
    const panel = page.locator('#jupyter-deploy-runs');
    const sweepLine = panel
      .getByRole('list', { name: 'Sweeps' })
      .getByRole('listitem', { name: /^Sweep s-/ });
    await expect(sweepLine).toHaveCount(1);
    const sweepId = (await sweepLine.getAttribute('aria-label'))!.replace(
      'Sweep ',
      ''
    );
    await expect(sweepLine).toContainText(/\d\/4 done/);
    await expect(sweepLine).toContainText('4/4 succeeded', {
      timeout: SWEEP_TIMEOUT
    });
    await expect(sweepLine.getByRole('progressbar')).toHaveAttribute(
      'aria-valuenow',
      '4'
    );

    const table = panel.getByRole('table', { name: 'Runs' });
    const sweepRows = table.locator(`tbody tr[data-sweep-id="${sweepId}"]`);
    await expect(sweepRows).toHaveCount(4);
    await expect(
      sweepRows.and(page.locator('[data-status="succeeded"]'))
    ).toHaveCount(4);
    const accuracyCells = sweepRows.locator('td[data-metric="accuracy"]');
    await expect(accuracyCells).toHaveText(Array(4).fill(/^0\.\d+$/));

    // Progress came from the event bus: the list was fetched once, on open.
    expect(requests.filter(r => routeOf(r) === 'GET runs').length).toBe(1);

    // Sort by accuracy: best first, then the other way round.
    const accuracies = async () =>
      (await accuracyCells.allTextContents()).map(Number);
    const ids = async () =>
      sweepRows.evaluateAll(rows =>
        rows.map(row => row.getAttribute('data-run-id'))
      );
    const before = await accuracies();
    expect(new Set(before).size).toBeGreaterThan(1);
    const header = table.getByRole('columnheader', {
      name: 'accuracy',
      exact: true
    });
    await header.getByRole('button').click();
    await expect(header).toHaveAttribute('aria-sort', 'descending');
    const descending = [...before].sort((a, b) => b - a);
    await expect.poll(accuracies).toEqual(descending);
    if (before.join() !== descending.join()) {
      expect(await accuracies()).not.toEqual(before);
    }
    const descendingIds = await ids();

    await header.getByRole('button').click();
    await expect(header).toHaveAttribute('aria-sort', 'ascending');
    await expect.poll(accuracies).toEqual([...before].sort((a, b) => a - b));
    expect(await ids()).not.toEqual(descendingIds);

    await header.getByRole('button').click();
    await expect(header).toHaveAttribute('aria-sort', 'descending');
    await page.sidebar.close('left');
    await saveScreenshot(panel, testInfo, 'runs-panel.png');

    // A run's output notebook opens in JupyterLab.
    const best = sweepRows.first();
    const runId = (await best.getAttribute('data-run-id'))!;
    await best
      .getByRole('button', { name: `Open output notebook of ${runId}` })
      .click();
    // Its tab names the file inside the run's own folder.
    await expect(
      page.locator(`.lm-DockPanel-tabBar [role="tab"][title*="${runId}"]`)
    ).toHaveAttribute('aria-selected', 'true');
  });

  test('the Deploy sidebar opens the runs of its project', async ({ page }) => {
    await page.filebrowser.openDirectory('examples');
    await page.getByRole('tab', { name: 'Deploy', exact: true }).click();
    const sidebar = page.locator('#jupyter-deploy-sidebar');
    await expect(
      sidebar.getByRole('region', { name: 'Summary' })
    ).toContainText('examples/jupyter-deploy.yaml', { timeout: 30_000 });
    await sidebar.getByRole('button', { name: 'Runs', exact: true }).click();
    const panel = page.locator('#jupyter-deploy-runs');
    await expect(panel.getByRole('heading', { name: /^Runs/ })).toHaveText(
      'Runs of examples'
    );
    await expect(panel.getByRole('combobox', { name: 'Status' })).toBeVisible();
  });

  test('cancels a run, re-runs it and filters by status', async ({ page }) => {
    test.setTimeout(SWEEP_TIMEOUT);
    const dialog = await openRunDialog(page);
    // Many trees: the run is still going when Cancel is pressed.
    await dialog.getByRole('textbox', { name: 'n_estimators' }).fill('3000');
    await dialog.getByRole('textbox', { name: 'test_size' }).fill('0.3');
    await dialog.getByRole('button', { name: 'Start run' }).click();
    await expect(dialog).toBeHidden();

    const panel = page.locator('#jupyter-deploy-runs');
    const rows = panel.getByRole('table', { name: 'Runs' }).locator('tbody tr');
    const cancelled = rows.first();
    const runId = (await cancelled.getAttribute('data-run-id'))!;
    await expect(cancelled).toContainText('n_estimators=3000');
    await cancelled.getByRole('button', { name: `Cancel ${runId}` }).click();
    await expect(cancelled).toHaveAttribute('data-status', 'cancelled', {
      timeout: 30_000
    });
    await expect(
      cancelled.getByRole('button', { name: `Cancel ${runId}` })
    ).toHaveCount(0);

    // Re-run: a new run with the same parameters, which succeeds.
    const before = await rows.count();
    await cancelled.getByRole('button', { name: `Re-run ${runId}` }).click();
    await expect(rows).toHaveCount(before + 1);
    const rerun = rows.first();
    await expect(rerun).not.toHaveAttribute('data-run-id', runId);
    await expect(rerun).toContainText('n_estimators=3000');
    await expect(rerun).toContainText('test_size=0.3');
    await expect(rerun).toHaveAttribute('data-status', 'succeeded', {
      timeout: SWEEP_TIMEOUT
    });

    const filter = panel.getByRole('combobox', { name: 'Status' });
    await filter.selectOption('cancelled');
    await expect(rows).not.toHaveCount(0);
    for (const row of await rows.all()) {
      await expect(row).toHaveAttribute('data-status', 'cancelled');
    }
    await expect(
      rows.and(page.locator(`[data-run-id="${runId}"]`))
    ).toHaveCount(1);
  });

  test('a time limit set under Limits stops a long run', async ({
    page
  }, testInfo) => {
    test.setTimeout(SWEEP_TIMEOUT);
    const dialog = await openRunDialog(page);
    await dialog.getByRole('textbox', { name: 'n_estimators' }).fill('3000');
    await dialog.getByText('Limits:').click();
    const limit = dialog.getByRole('textbox', { name: 'Time limit (s)' });
    await limit.fill('soon');
    await expect(dialog).toContainText(
      'Seconds above 0, or empty for no limit'
    );
    await expect(
      dialog.getByRole('button', { name: 'Start run' })
    ).toBeDisabled();
    await limit.fill('2');
    await expect(dialog.getByText('Limits:')).toHaveText('Limits: run 2 s');
    await expect(limit).toBeVisible(); // the fold stays open while editing
    await saveScreenshot(dialog, testInfo, 'run-dialog-limits.png');
    await dialog.getByRole('button', { name: 'Start run' }).click();
    await expect(dialog).toBeHidden();

    const panel = page.locator('#jupyter-deploy-runs');
    const row = panel
      .getByRole('table', { name: 'Runs' })
      .locator('tbody tr')
      .first();
    await expect(row).toContainText('n_estimators=3000');
    await expect(row).toHaveAttribute('data-status', 'failed', {
      timeout: 60_000
    });
    await expect(row).toContainText(/time limit/i);
  });
});
