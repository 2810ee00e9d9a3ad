import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator, Request } from '@playwright/test';

import { PROJECT, RUNS_TIMEOUT, succeededRun } from './restRuns';
import { saveScreenshot } from './screenshots';

function isDeployRoute(request: Request, method: string, route: RegExp) {
  const url = new URL(request.url());
  return (
    request.method() === method &&
    route.test(url.pathname.replace(/^.*\/jupyter-deploy\//, ''))
  );
}

/** A run's row in the runs table. */
function runRow(runs: Locator, runId: string): Locator {
  return runs.locator(`tr[data-run-id="${runId}"]`);
}

/** The Run cell of a run's row: the run id, then a `vN` badge per version. */
function runCell(runs: Locator, runId: string): Locator {
  return runRow(runs, runId)
    .getByRole('cell')
    .filter({ has: runs.page().getByText(runId, { exact: true }) });
}

/** The version badges next to a run's id. */
function promotedBadges(runs: Locator, runId: string): Locator {
  return runCell(runs, runId).getByTitle(/^Promoted to /);
}

/**
 * Press Promote on a run and read the version from the notification; the
 * run's row then shows the version's badge and offers no second promotion.
 */
async function promote(
  page: IJupyterLabPageFixture,
  runs: Locator,
  runId: string
): Promise<string> {
  const button = runRow(runs, runId).getByRole('button', {
    name: `Promote ${runId}`
  });
  await expect(button).toBeEnabled();
  await expect(promotedBadges(runs, runId)).toHaveCount(0);
  await button.click();
  const toast = page
    .locator('.Toastify__toast')
    .filter({ hasText: `Promoted run ${runId} to iris-classifier@v` });
  await expect(toast).toBeVisible({ timeout: 30_000 });
  const text = (await toast.textContent()) ?? '';
  const version = /iris-classifier@(v\d+)/.exec(text)![1];
  const tag = `iris-classifier@${version}`;
  await expect(promotedBadges(runs, runId)).toHaveText([version]);
  await expect(
    runCell(runs, runId).getByTitle(`Promoted to ${tag}`, { exact: true })
  ).toBeVisible();
  await expect(button).toBeDisabled();
  await expect(button).toHaveAttribute(
    'title',
    new RegExp(
      `^Already promoted to ${tag}\\b.*jupyter deploy version create ${runId} --copy`
    )
  );
  return version;
}

test.describe('Model versions', () => {
  test.use({ viewport: { width: 1400, height: 1000 } });

  test('promotes two runs, compares them, and asks before a restore', async ({
    page
  }, testInfo) => {
    test.setTimeout(RUNS_TIMEOUT * 2 + 60_000);
    const requests: Request[] = [];
    page.on('request', request => requests.push(request));

    // A shallow forest and a deeper one: different parameters and accuracy.
    const shallow = await succeededRun(page, { max_depth: 1, n_estimators: 5 });
    const deep = await succeededRun(page, { max_depth: 3, n_estimators: 50 });

    await page.filebrowser.openDirectory(PROJECT);
    await page.getByRole('tab', { name: 'Deploy', exact: true }).click();
    await page
      .locator('#jupyter-deploy-sidebar')
      .getByRole('button', { name: 'Runs', exact: true })
      .click();
    const runs = page
      .locator('#jupyter-deploy-runs')
      .getByRole('table', { name: 'Runs' });
    await expect(runs.locator(`tr[data-run-id="${deep}"]`)).toHaveAttribute(
      'data-status',
      'succeeded'
    );
    // Only succeeded runs can be promoted (other specs leave failed and
    // cancelled runs in the project).
    await expect(
      runs
        .locator('tbody tr:not([data-status="succeeded"])')
        .getByRole('button', { name: /^Promote/ })
    ).toHaveCount(0);

    // The first promotion, then "Show versions" from its notification.
    const older = await promote(page, runs, shallow);
    await page
      .locator('.Toastify__toast')
      .filter({ hasText: shallow })
      .getByRole('button', { name: 'Show versions' })
      .click();
    await expect(
      page.getByRole('tab', { name: 'Model versions', exact: true })
    ).toHaveAttribute('aria-selected', 'true');
    const sidebar = page.locator('#jupyter-deploy-versions');
    await expect(sidebar.locator('.jp-DeployVersions-toolbar')).toContainText(
      `iris-classifier in ${PROJECT}`
    );
    const list = sidebar.getByRole('list', { name: 'Versions' });
    const row = (version: string) =>
      list.getByRole('listitem', { name: version, exact: true });
    await expect(row(older)).toBeVisible();
    await expect(row(older).locator('[data-metric="accuracy"]')).toContainText(
      /accuracy 0\.\d+/
    );
    await expect(row(older)).toContainText('max_depth=1');

    // The second promotion shows up in the open sidebar, with its change.
    const newer = await promote(page, runs, deep);
    await expect(list.getByRole('listitem').first()).toHaveAttribute(
      'data-version',
      newer
    );
    const delta = row(newer).locator(
      '[data-metric="accuracy"] .jp-DeployDelta'
    );
    await expect(delta).toHaveAttribute('data-tone', 'better');
    await expect(delta).toHaveAttribute('title', `vs ${older}: better`);
    await expect(delta).toHaveText(/^▲\+0\.\d+/);
    await expect(row(newer)).toContainText('max_depth=3');
    await expect(row(newer)).toContainText('n_estimators=50');
    await expect(row(newer).locator('.jp-DeployVersionRow-hash')).toHaveText(
      /^(data|model) [0-9a-f]{8}$/
    );

    // Both promoted runs carry their version in the runs table, in either
    // theme.
    await expect(promotedBadges(runs, shallow)).toHaveText([older]);
    await expect(promotedBadges(runs, deep)).toHaveText([newer]);
    await saveScreenshot(
      runs,
      testInfo,
      'screenshots-versions',
      'runs-promoted.png'
    );
    const body = page.locator('body');
    await page.theme.setDarkTheme();
    await expect(body).toHaveAttribute('data-jp-theme-light', 'false');
    await expect(promotedBadges(runs, deep)).toHaveText([newer]);
    await saveScreenshot(
      runs,
      testInfo,
      'screenshots-versions',
      'runs-promoted-dark.png'
    );
    await page.theme.setLightTheme();
    await expect(body).toHaveAttribute('data-jp-theme-light', 'true');

    // Tick both, compare: a main-area tab titled by the pair.
    await sidebar
      .getByRole('checkbox', { name: `Select ${older} to compare` })
      .check();
    await sidebar
      .getByRole('checkbox', { name: `Select ${newer} to compare` })
      .check();
    await sidebar.getByRole('button', { name: 'Compare (2/2)' }).click();
    const title = `${older} ↔ ${newer}`;
    await expect(
      page.getByRole('tab', { name: title, exact: true })
    ).toHaveAttribute('aria-selected', 'true');
    const compare = page.getByRole('region', { name: `Compare ${title}` });
    const parameters = compare.getByRole('region', { name: 'Parameters' });
    await expect(parameters.locator('tr[data-name="max_depth"]')).toHaveText(
      'max_depth13'
    );
    await expect(parameters.locator('tr[data-name="max_depth"]')).toHaveClass(
      /jp-mod-different/
    );
    const metrics = compare.getByRole('region', { name: 'Metrics' });
    await expect(
      metrics.locator('tr[data-name="accuracy"] .jp-DeployDelta')
    ).toHaveAttribute('data-tone', 'better');
    await expect(
      compare.getByRole('region', { name: 'Model files' })
    ).toContainText('model/model.joblib');
    await expect(
      compare.getByRole('region', { name: 'Notebook' })
    ).toContainText('+max_depth = 3');
    await expect(compare.getByRole('alert')).toHaveCount(0);
    await saveScreenshot(
      compare,
      testInfo,
      'screenshots-versions',
      'versions-compare.png'
    );

    // Details of the older version, then Restore…: a plan, then a choice.
    await row(older).getByRole('button').click();
    const details = sidebar.getByRole('region', {
      name: `Details of ${older}`
    });
    await expect(
      details.getByRole('region', { name: 'Metrics' })
    ).toContainText('accuracy');
    await expect(details.getByRole('region', { name: 'Files' })).toContainText(
      'model/model.joblib'
    );
    await expect(
      details
        .getByRole('region', { name: 'Serving API' })
        .getByRole('group', { name: 'Input' })
    ).toContainText('sepal_length — number, required');
    await expect(
      details.getByRole('region', { name: 'Provenance' })
    ).toContainText(shallow);
    await saveScreenshot(
      sidebar,
      testInfo,
      'screenshots-versions',
      'versions-details.png'
    );

    await details.getByRole('button', { name: 'Restore…' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText(`Restore iris-classifier@${older}?`);
    await expect(dialog).toContainText(
      /No existing file is overwritten\.|existing files? will be overwritten/
    );
    const files = dialog.getByRole('table', { name: 'Files' });
    await expect(files).toContainText('model/model.joblib');
    await expect(files).toContainText('model/input_example.json');
    for (const action of await files
      .locator('.jp-DeployRestore-action')
      .allTextContents()) {
      expect(['create', 'overwrite', 'unchanged']).toContain(action);
    }
    await saveScreenshot(
      dialog.locator('.jp-Dialog-content'),
      testInfo,
      'screenshots-versions',
      'versions-restore.png'
    );
    await dialog
      .locator('.jp-Dialog-footer')
      .getByRole('button', { name: 'Cancel' })
      .click();
    await expect(dialog).toBeHidden();
    expect(
      requests.filter(r => isDeployRoute(r, 'GET', /\/restore$/))
    ).toHaveLength(1);
    expect(
      requests.filter(r => isDeployRoute(r, 'POST', /\/restore$/))
    ).toHaveLength(0);

    // The executed notebook of the version opens, read from its tag.
    await details
      .getByRole('button', { name: 'Open executed notebook' })
      .click();
    await expect(
      page.locator(
        `.lm-DockPanel-tabBar [role="tab"][title*="iris-classifier@${older}"]`
      )
    ).toHaveAttribute('aria-selected', 'true');

    // Put the newer version in production: its row carries the stage.
    await details.getByRole('button', { name: 'All versions' }).click();
    await row(newer).getByRole('button').click();
    const newerDetails = sidebar.getByRole('region', {
      name: `Details of ${newer}`
    });
    await newerDetails
      .getByRole('combobox', { name: 'Stage' })
      .selectOption('production');
    await newerDetails.getByRole('button', { name: 'Set stage' }).click();
    await expect(
      page
        .locator('.Toastify__toast')
        .filter({ hasText: `iris-classifier@${newer} is now in production` })
    ).toBeVisible();
    await expect(
      newerDetails.locator('.jp-DeployStage[data-stage="production"]')
    ).toBeVisible();
    await expect(
      newerDetails.getByRole('button', { name: 'Set stage' })
    ).toBeDisabled();
    await newerDetails.getByRole('button', { name: 'All versions' }).click();
    await expect(
      row(newer).locator('.jp-DeployStage[data-stage="production"]')
    ).toHaveText('production');
    await expect(row(older).locator('.jp-DeployStage')).toHaveCount(0);
    await saveScreenshot(
      sidebar,
      testInfo,
      'screenshots-versions',
      'versions-list.png'
    );
  });
});
