/**
 * How the versions sidebar copes with a long history (issue 4: "the sidebar
 * stays responsive with 1,000 versions"), timed in real Chromium against the
 * real server. A benchmark, not a test: it prints figures and checks only
 * that the sidebar shows what it should. Run it with
 * `bash benchmarks/bench_sidebar.sh` (from the repository root).
 */
import { expect, test } from '@jupyterlab/galata';

import {
  API_HEADERS,
  PROJECT,
  RUNS_TIMEOUT,
  succeededRun
} from '../tests/restRuns';

const VERSIONS = Number(process.env.JD_BENCH_VERSIONS ?? 1000);
/** Promotions in flight at once; the server serialises them anyway. */
const PARALLEL = 4;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

test.use({ viewport: { width: 1400, height: 1000 } });

test(`the versions sidebar with ${VERSIONS} versions`, async ({ page }) => {
  test.setTimeout(RUNS_TIMEOUT + VERSIONS * 1000);
  const runId = await succeededRun(page, { max_depth: 2, n_estimators: 10 });

  const promoting = performance.now();
  let next = 0;
  const promoteSome = async () => {
    while (next < VERSIONS) {
      next += 1;
      const created = await page.request.post('/jupyter-deploy/versions', {
        headers: API_HEADERS,
        data: { project: PROJECT, run_id: runId }
      });
      expect(created.status()).toBe(201);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, promoteSome));
  const promoteS = (performance.now() - promoting) / 1000;

  const listing: number[] = [];
  for (let i = 0; i < 5; i++) {
    listing.push(
      await timed(async () => {
        const answer = await page.request.get(
          `/jupyter-deploy/versions?project=${PROJECT}`,
          { headers: API_HEADERS }
        );
        expect(answer.status()).toBe(200);
        await answer.body();
      })
    );
  }

  await page.filebrowser.openDirectory(PROJECT);
  const sidebar = page.locator('#jupyter-deploy-versions');
  const rows = sidebar
    .getByRole('list', { name: 'Versions' })
    .getByRole('listitem');
  const open = await timed(async () => {
    await page
      .getByRole('tab', { name: 'Model versions', exact: true })
      .click();
    await expect(rows.first()).toHaveAttribute('data-version', `v${VERSIONS}`);
    await expect(rows).toHaveCount(50);
  });

  const more = await timed(async () => {
    await sidebar.getByRole('button', { name: 'Show 50 more' }).click();
    await expect(rows).toHaveCount(100);
  });

  const filter = await timed(async () => {
    await sidebar
      .getByRole('searchbox', { name: 'Filter versions' })
      .fill(`v${VERSIONS - 1}`);
    await expect(rows.first()).toHaveAttribute(
      'data-version',
      `v${VERSIONS - 1}`
    );
  });

  const details = await timed(async () => {
    await rows.first().click();
    await expect(sidebar.getByText('Serving API')).toBeVisible();
  });

  const lines = [
    `# Versions sidebar with ${VERSIONS} versions (Chromium, real server)`,
    `promote ${VERSIONS} times through the API    ${promoteS.toFixed(1)} s` +
      `  (${((promoteS * 1000) / VERSIONS).toFixed(0)} ms each)`,
    `GET /versions (${VERSIONS} versions)          ${median(listing).toFixed(0)} ms median of 5` +
      `  [${listing.map(ms => ms.toFixed(0)).join(', ')}]`,
    `open the sidebar → first 50 rows            ${open.toFixed(0)} ms`,
    `"Show 50 more" → 100 rows                  ${more.toFixed(0)} ms`,
    `type a filter → matching rows              ${filter.toFixed(0)} ms`,
    `open a version's details                   ${details.toFixed(0)} ms`
  ];
  console.log(lines.join('\n'));
});
