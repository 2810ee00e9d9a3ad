import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';

import { PROJECT, RUNS_TIMEOUT, promotedVersion } from './restRuns';
import { saveScreenshot } from './screenshots';

/**
 * A cold build resolves wheels from the package index and builds the
 * dependency image; a warm one takes seconds.
 */
const BUILD_TIMEOUT = 180_000;

/**
 * Record every state the build steps show and every length the log
 * reaches, so the test can tell they advanced however fast the build was.
 */
async function traceBuild(page: IJupyterLabPageFixture): Promise<void> {
  await page.evaluate(() => {
    const trace: string[] = [];
    const logLengths: number[] = [];
    const root = document.getElementById('jupyter-deploy-versions')!;
    const record = () => {
      root.querySelectorAll('[data-step]').forEach(step => {
        const entry = `${step.getAttribute('data-step')}:${step.getAttribute('data-state')}`;
        if (!trace.includes(entry)) {
          trace.push(entry);
        }
      });
      const log = root.querySelector('[role="log"]');
      const length = log?.textContent?.split('\n').length ?? 0;
      if (length !== logLengths[logLengths.length - 1]) {
        logLengths.push(length);
      }
    };
    new MutationObserver(record).observe(root, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ['data-state']
    });
    Object.assign(window, { buildTrace: { trace, logLengths } });
  });
}

async function readTrace(
  page: IJupyterLabPageFixture
): Promise<{ trace: string[]; logLengths: number[] }> {
  return page.evaluate(
    () =>
      (
        window as unknown as {
          buildTrace: { trace: string[]; logLengths: number[] };
        }
      ).buildTrace
  );
}

test.describe('Image builds', () => {
  test.use({ viewport: { width: 1400, height: 1000 } });

  test('builds a version from the sidebar, then cancels another build', async ({
    page
  }, testInfo) => {
    test.setTimeout(RUNS_TIMEOUT * 2 + BUILD_TIMEOUT + 120_000);
    const first = await promotedVersion(page, { max_depth: 2 });
    const second = await promotedVersion(page, { max_depth: 4 });

    await page.filebrowser.openDirectory(PROJECT);
    await page
      .getByRole('tab', { name: 'Model versions', exact: true })
      .click();
    const sidebar = page.locator('#jupyter-deploy-versions');
    const list = sidebar.getByRole('list', { name: 'Versions' });
    const row = (version: string) =>
      list.getByRole('listitem', { name: version, exact: true });
    await expect(row(first)).toBeVisible();

    // The first version: no image yet, then a build followed live.
    await row(first).getByRole('button').click();
    const details = sidebar.getByRole('region', {
      name: `Details of ${first}`
    });
    const image = details.getByRole('region', { name: 'Container image' });
    await expect(image).toContainText('No image built yet.');
    const build = image.getByRole('button', { name: 'Build image' });
    await expect(build).toHaveAttribute(
      'title',
      'Build a container image of this version'
    );
    await traceBuild(page);
    await build.click();

    const steps = image.getByRole('list', { name: 'Build steps' });
    await expect(image).toHaveAttribute('data-status', 'succeeded', {
      timeout: BUILD_TIMEOUT
    });
    for (const step of [
      'export',
      'smoke',
      'resolve',
      'dependencies',
      'image'
    ]) {
      await expect(steps.locator(`[data-step="${step}"]`)).toHaveAttribute(
        'data-state',
        'done'
      );
    }
    const { trace, logLengths } = await readTrace(page);
    // The smoke test (a fresh interpreter loading the model) lasts long
    // enough to be seen running, between pending and done.
    expect(trace).toEqual(
      expect.arrayContaining(['smoke:pending', 'smoke:running', 'smoke:done'])
    );
    expect(trace.indexOf('smoke:running')).toBeLessThan(
      trace.indexOf('smoke:done')
    );
    // The log grew while the build ran, not only at its end.
    expect(logLengths.filter(length => length > 1).length).toBeGreaterThan(2);

    const facts = image.getByRole('group', { name: 'Image' });
    // Named per project: jupyter-deploy/<project id>/<model>:vN.
    await expect(facts.locator('.jp-DeployBuild-tag')).toHaveText(
      new RegExp(`^jupyter-deploy/[0-9a-f]{12}/iris-classifier:${first}$`)
    );
    await expect(facts).toContainText(/[0-9a-f]{12} · \d+(\.\d)? (MB|GB) · /);
    await expect(facts).toContainText(
      /dependencies (cached|built) · \d+ packages · on python:/
    );
    await expect(image.getByRole('status')).toContainText('Built');
    await expect(image.getByRole('button', { name: 'Rebuild' })).toBeEnabled();

    // The log of a success is folded; it holds the whole build.
    await image.locator('.jp-DeployBuildLog-summary').click();
    const log = image.getByRole('log', { name: 'Build log' });
    await expect(log).toContainText('── smoke');
    await expect(log).toContainText('Successfully tagged');
    await image.locator('.jp-DeployBuildLog-summary').click();
    await saveScreenshot(
      sidebar,
      testInfo,
      'screenshots-builds',
      'builds-success.png'
    );

    // The list marks the version with an image.
    await details.getByRole('button', { name: 'All versions' }).click();
    await expect(row(first).locator('.jp-DeployVersionRow-image')).toHaveText(
      'image'
    );
    await expect(row(second).locator('.jp-DeployVersionRow-image')).toHaveCount(
      0
    );

    // The second version: build, then cancel while it runs.
    await row(second).getByRole('button').click();
    const secondImage = sidebar
      .getByRole('region', { name: `Details of ${second}` })
      .getByRole('region', { name: 'Container image' });
    await secondImage.getByRole('button', { name: 'Build image' }).click();
    // Cancelled once its worker runs (a warm build lasts a few seconds).
    await expect(secondImage).toHaveAttribute('data-status', 'running', {
      timeout: 30_000
    });
    await secondImage.getByRole('button', { name: 'Cancel' }).click();
    await expect(secondImage).toHaveAttribute('data-status', 'cancelled', {
      timeout: 30_000
    });
    await expect(secondImage.getByRole('status')).toContainText('Cancelled');
    // Cancelled through the route, or the worker heard it first.
    await expect(secondImage).toContainText(
      /Cancelled by .+\.|The build was cancelled\./
    );
    await expect(
      secondImage.locator('[data-state="stopped"], [data-state="skipped"]')
    ).not.toHaveCount(0);
    await expect(
      secondImage.getByRole('button', { name: 'Build image' })
    ).toBeEnabled();
    await saveScreenshot(
      sidebar,
      testInfo,
      'screenshots-builds',
      'builds-cancelled.png'
    );
  });
});
