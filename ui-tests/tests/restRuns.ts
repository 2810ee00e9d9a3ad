import { expect, type IJupyterLabPageFixture } from '@jupyterlab/galata';

/** The Jupyter root's copy of examples/ (see jupyter_server_test_config.py). */
export const PROJECT = 'examples';
const NOTEBOOK = 'examples/train.ipynb';

/** Two runs of the example notebook, one after the other (≈ 5 s each). */
export const RUNS_TIMEOUT = 90_000;

/** Header the server requires on API calls made outside the frontend's client. */
export const API_HEADERS = { 'X-Jupyter-Deploy-Api': '1' };

/**
 * Start a run through the REST API, as the run dialog does (runs.spec.ts
 * covers the dialog itself), and wait until it succeeded.
 */
export async function succeededRun(
  page: IJupyterLabPageFixture,
  parameters: Record<string, number>
): Promise<string> {
  const headers = API_HEADERS;
  const started = await page.request.post('/jupyter-deploy/runs', {
    headers,
    data: { notebook: NOTEBOOK, parameters }
  });
  expect(started.status()).toBe(201);
  const { id } = (await started.json()) as { id: string };
  await expect
    .poll(
      async () => {
        const run = await page.request.get(
          `/jupyter-deploy/runs/${id}?project=${PROJECT}`,
          { headers }
        );
        return ((await run.json()) as { status: string }).status;
      },
      { timeout: RUNS_TIMEOUT, intervals: [1000] }
    )
    .toBe('succeeded');
  return id;
}

/** A version of the example model, promoted through the REST API: its `vN`. */
export async function promotedVersion(
  page: IJupyterLabPageFixture,
  parameters: Record<string, number>
): Promise<string> {
  const runId = await succeededRun(page, parameters);
  const promoted = await page.request.post('/jupyter-deploy/versions', {
    headers: API_HEADERS,
    data: { project: PROJECT, run_id: runId }
  });
  expect(promoted.status()).toBe(201);
  return ((await promoted.json()) as { version: string }).version;
}
