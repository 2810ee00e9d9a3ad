import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator, TestInfo } from '@playwright/test';

/** Time for the first doctor report (it probes git, DVC and Docker). */
const REPORT_TIMEOUT = 30_000;

/** The JupyterLab application, exposed by Galata's server config. */
type WindowWithApp = Window & {
  jupyterapp: {
    commands: { execute(id: string, args?: object): Promise<unknown> };
  };
};

async function openDeploySidebar(
  page: IJupyterLabPageFixture
): Promise<Locator> {
  await page.getByRole('tab', { name: 'Deploy', exact: true }).click();
  const sidebar = page
    .getByRole('region', { name: 'side panel content' })
    .filter({
      has: page.locator('.jp-DeployDoctor')
    });
  await expect(sidebar).toBeVisible();
  return page.locator('#jupyter-deploy-sidebar');
}

function checkRow(sidebar: Locator, id: string): Locator {
  return sidebar
    .getByRole('list', { name: 'Checks' })
    .getByRole('listitem')
    .and(sidebar.locator(`[data-check-id="${id}"]`));
}

async function execute(page: IJupyterLabPageFixture, id: string, args: object) {
  await page.evaluate(
    ({ id, args }) =>
      (window as unknown as WindowWithApp).jupyterapp.commands.execute(
        id,
        args
      ),
    { id, args }
  );
}

async function saveScreenshot(
  sidebar: Locator,
  testInfo: TestInfo,
  name: string
) {
  const path = testInfo.outputPath(name);
  await sidebar.screenshot({ path, animations: 'disabled' });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

test.describe('Deploy sidebar', () => {
  // Tall enough for the whole report to show in the screenshots.
  test.use({ viewport: { width: 1024, height: 1300 } });

  test('reports the example project, Docker and the product version', async ({
    page
  }, testInfo) => {
    await page.filebrowser.openDirectory('examples');
    const sidebar = await openDeploySidebar(page);

    const checks = sidebar.getByRole('list', { name: 'Checks' });
    await expect(checks).toBeVisible({ timeout: REPORT_TIMEOUT });
    await expect(
      sidebar.getByRole('heading', { name: 'Deploy', exact: true })
    ).toBeVisible();

    const summary = sidebar.getByRole('region', { name: 'Summary' });
    await expect(summary).toContainText(
      'Deployments will use the docker target —'
    );
    await expect(summary).toContainText('examples/jupyter-deploy.yaml');
    await expect(
      sidebar.getByRole('region', { name: 'No project' })
    ).toHaveCount(0);
    // Galata signs in as a made-up anonymous user: the project's git identity is recorded.
    await expect(summary).toContainText(
      'Recorded as: Ada Lovelace <ada@example.org> (from git config)'
    );
    await expect(summary).not.toContainText('Anonymous');

    await expect(checkRow(sidebar, 'product')).toContainText('0.1.0');
    await expect(
      sidebar.getByText(/^jupyter_deploy 0\.1\.0 · checked at/)
    ).toBeVisible();

    const docker = checks.getByRole('listitem', {
      name: 'Docker engine',
      exact: true
    });
    await expect(docker).toHaveAttribute('data-status', 'ok');
    await expect(docker.getByRole('img', { name: 'OK' })).toBeVisible();
    await expect(docker).toContainText(/reachable/i);
    await expect(docker.locator('.jp-DeployCheck-value')).toHaveText(
      /^\d+\.\d+/
    );

    await expect(checkRow(sidebar, 'target')).toContainText('docker');

    const project = checkRow(sidebar, 'project');
    await expect(project).toHaveAttribute('data-status', 'ok');
    await expect(project.locator('.jp-DeployCheck-detail')).toHaveText(
      /^valid\b|\bis valid\b/i
    );

    await saveScreenshot(sidebar, testInfo, 'sidebar.png');
  });

  test('looks native in the dark theme', async ({ page }, testInfo) => {
    await page.filebrowser.openDirectory('examples');
    const sidebar = await openDeploySidebar(page);
    await expect(sidebar.getByRole('list', { name: 'Checks' })).toBeVisible({
      timeout: REPORT_TIMEOUT
    });

    await execute(page, 'apputils:change-theme', { theme: 'JupyterLab Dark' });
    await expect(page.locator('body')).toHaveAttribute(
      'data-jp-theme-name',
      'JupyterLab Dark'
    );
    await expect(page.locator('body')).toHaveAttribute(
      'data-jp-theme-light',
      'false'
    );
    await expect(sidebar.getByRole('list', { name: 'Checks' })).toBeVisible();

    // The panel follows the theme's variables: a dark background, light text.
    const colours = await sidebar.locator('.jp-DeployDoctor').evaluate(node => {
      const style = getComputedStyle(node);
      return { background: style.backgroundColor, text: style.color };
    });
    const luminance = (rgb: string) => {
      const [r, g, b] = (rgb.match(/\d+/g) ?? ['255', '255', '255']).map(
        Number
      );
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    expect(luminance(colours.background)).toBeLessThan(80);
    expect(luminance(colours.text)).toBeGreaterThan(150);

    await saveScreenshot(sidebar, testInfo, 'sidebar-dark.png');
  });

  test('explains a folder without a project, then follows the file browser', async ({
    page
  }, testInfo) => {
    // Galata starts in a fresh folder of the Jupyter root, outside examples/.
    const sidebar = await openDeploySidebar(page);
    const empty = sidebar.getByRole('region', { name: 'No project' });
    await expect(empty).toBeVisible({ timeout: REPORT_TIMEOUT });
    await expect(empty).toContainText('No jupyter-deploy.yaml was found in');
    await saveScreenshot(sidebar, testInfo, 'sidebar-empty.png');

    // Navigating while the sidebar is shown refreshes the report.
    await execute(page, 'filebrowser:go-to-path', {
      path: '/examples',
      dontShowBrowser: true
    });
    await expect(empty).toHaveCount(0, { timeout: REPORT_TIMEOUT });
    await expect(
      sidebar.getByRole('region', { name: 'Summary' })
    ).toContainText('examples/jupyter-deploy.yaml');
  });

  test('can be opened from the command palette command', async ({ page }) => {
    await execute(page, 'jupyter-deploy:open-sidebar', {});
    await expect(
      page.getByRole('tab', { name: 'Deploy', exact: true })
    ).toHaveAttribute('aria-selected', 'true');
    await expect(
      page
        .locator('#jupyter-deploy-sidebar')
        .getByRole('button', { name: 'Refresh' })
    ).toBeVisible();
  });
});
