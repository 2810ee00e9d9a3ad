import { ServerConnection } from '@jupyterlab/services';

import {
  ApiError,
  DeployClient,
  type Build,
  type Deployment,
  type DeploymentMetrics,
  type Operation,
  type DoctorCheck,
  type DoctorReport,
  type ModelVersion,
  type NotebookParameters,
  type Run,
  type Sweep
} from '../api';
import { BuildsModel, followVersions } from '../models/builds';
import type { VersionsModel } from '../models/versions';

export const BASE_URL = 'http://localhost:8888/base/';

/** What a fake route answers: a JSON body (or raw text) and a status. */
export type FakeAnswer = { status?: number; json?: unknown; text?: string };

export interface IFakeServer {
  settings: ServerConnection.ISettings;
  /** Every request that reached the network boundary. */
  requests: Request[];
}

/**
 * Connection settings whose fetch answers from `route` instead of the
 * network: the only thing the tests replace.
 */
export function fakeServer(
  route: (request: Request) => FakeAnswer | Promise<FakeAnswer> | Error
): IFakeServer {
  const requests: Request[] = [];
  const fetch = async (input: RequestInfo | URL): Promise<Response> => {
    const request = input as Request;
    requests.push(request);
    const answer = await route(request);
    if (answer instanceof Error) {
      throw answer;
    }
    const body =
      answer.text !== undefined ? answer.text : JSON.stringify(answer.json);
    return new Response(body, { status: answer.status ?? 200 });
  };
  const settings = ServerConnection.makeSettings({
    baseUrl: BASE_URL,
    fetch
  });
  return { settings, requests };
}

export function makeCheck(overrides: Partial<DoctorCheck> = {}): DoctorCheck {
  return {
    id: 'python',
    label: 'Python',
    status: 'ok',
    value: '3.11.2',
    detail: 'Python 3.11.2 runs the server.',
    hint: null,
    ...overrides
  };
}

export function makeReport(
  overrides: Partial<DoctorReport> = {}
): DoctorReport {
  return {
    product: { name: 'jupyter_deploy', version: '0.1.0', api_version: 1 },
    generated_at: '2026-11-23T01:00:00+00:00',
    duration_ms: 312,
    status: 'ok',
    target: {
      name: 'docker',
      reason:
        'Docker engine 20.10.24 is reachable at unix:///var/run/docker.sock.'
    },
    project: {
      path: 'examples',
      config_file: 'examples/jupyter-deploy.yaml',
      valid: true,
      error: null,
      model: 'iris-classifier'
    },
    checks: [
      makeCheck({
        id: 'product',
        label: 'jupyter_deploy',
        value: '0.1.0',
        detail: 'Server extension 0.1.0, API version 1.'
      }),
      makeCheck(),
      makeCheck({
        id: 'docker',
        label: 'Docker engine',
        value: '20.10.24',
        detail: 'Docker engine 20.10.24 is reachable.'
      })
    ],
    identity: {
      name: 'Ada Lovelace',
      email: 'ada@example.org',
      source: 'git_config'
    },
    ...overrides
  };
}

export function makeRun(overrides: Partial<Run> = {}): Run {
  return {
    id: 'r-0000000001',
    sweep_id: null,
    project: 'examples',
    notebook: 'examples/train.ipynb',
    parameters: { max_depth: 3, n_estimators: 50 },
    status: 'succeeded',
    created_at: '2026-11-23T01:00:00+00:00',
    started_at: '2026-11-23T01:00:01+00:00',
    finished_at: '2026-11-23T01:00:06+00:00',
    duration_s: 5,
    created_by: 'anonymous',
    progress: { cell: 9, total: 9 },
    output_notebook: 'examples/deploy-runs/r-0000000001/train.ipynb',
    metrics: { accuracy: 0.9, f1_macro: 0.89 },
    files: [],
    environment: null,
    error: null,
    cell_timeout: 600,
    time_limit: 3600,
    ...overrides
  };
}

export function makeSweep(overrides: Partial<Sweep> = {}): Sweep {
  return {
    id: 's-0000000001',
    project: 'examples',
    notebook: 'examples/train.ipynb',
    mode: 'grid',
    concurrency: 2,
    created_at: '2026-11-23T01:00:00+00:00',
    created_by: 'anonymous',
    total: 4,
    counts: {
      queued: 2,
      running: 2,
      succeeded: 0,
      failed: 0,
      cancelled: 0,
      interrupted: 0
    },
    eta_s: 10,
    ...overrides
  };
}

/** The parameters cell of examples/train.ipynb, as the server reports it. */
export function makeParameters(): NotebookParameters {
  return {
    notebook: 'examples/train.ipynb',
    project: 'examples',
    parameters: [
      {
        name: 'n_estimators',
        type: 'int',
        default: 50,
        help: 'number of trees'
      },
      { name: 'max_depth', type: 'int', default: 3, help: null },
      { name: 'test_size', type: 'float', default: 0.25, help: null },
      { name: 'random_state', type: 'int', default: 0, help: null },
      { name: 'criterion', type: 'str', default: 'gini', help: null }
    ]
  };
}

/** Let pending promises and timers of zero delay run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await Promise.resolve();
  }
  await new Promise(resolve => setTimeout(resolve, 0));
}

export function makeVersion(patch: Partial<ModelVersion> = {}): ModelVersion {
  return {
    model: 'iris-classifier',
    version: 'v1',
    tag: 'iris-classifier@v1',
    run_id: 'r-0123456789',
    sweep_id: null,
    notebook: 'train.ipynb',
    parameters: { max_depth: 3 },
    metrics: { accuracy: 0.97 },
    files: [{ path: 'model/model.joblib', md5: 'a'.repeat(32), size: 10 }],
    data: [],
    schema: null,
    environment: { python: '3.11.7' },
    author: { name: 'Ada', email: 'ada@example.org' },
    created_at: '2026-11-23T05:00:00+00:00',
    source_commit: 'b'.repeat(40),
    stages: [],
    ...patch
  };
}

/** Versions v1..vN, newest first, as the listing answers. */
export function makeHistory(
  count: number,
  patch: (n: number) => Partial<ModelVersion> = () => ({})
): ModelVersion[] {
  const versions: ModelVersion[] = [];
  for (let n = count; n >= 1; n--) {
    versions.push(
      makeVersion({
        version: `v${n}`,
        tag: `iris-classifier@v${n}`,
        run_id: `r-${String(n).padStart(10, '0')}`,
        created_at: new Date(Date.UTC(2026, 10, 1) + n * 60_000).toISOString(),
        ...patch(n)
      })
    );
  }
  return versions;
}

/** A build of iris-classifier@v1, succeeded unless patched. */
export function makeBuild(patch: Partial<Build> = {}): Build {
  return {
    id: 'b-0000000001',
    project: 'examples',
    model: 'iris-classifier',
    version: 'iris-classifier@v1',
    status: 'succeeded',
    step: null,
    steps: [
      {
        name: 'export',
        started_at: '2026-11-23T05:00:01+00:00',
        duration_s: 0.4
      },
      {
        name: 'smoke',
        started_at: '2026-11-23T05:00:02+00:00',
        duration_s: 2.1
      },
      {
        name: 'resolve',
        started_at: '2026-11-23T05:00:04+00:00',
        duration_s: 21
      },
      {
        name: 'dependencies',
        started_at: '2026-11-23T05:00:25+00:00',
        duration_s: 9.5
      },
      { name: 'image', started_at: '2026-11-23T05:00:35+00:00', duration_s: 3 }
    ],
    base_image: 'python:3.11-slim',
    created_at: '2026-11-23T05:00:00+00:00',
    created_by: 'anonymous',
    started_at: '2026-11-23T05:00:01+00:00',
    finished_at: '2026-11-23T05:00:38+00:00',
    duration_s: 37,
    image: {
      id: 'sha256:' + '3f'.repeat(32),
      tag: 'iris-classifier:v1',
      size: 412_000_000,
      dependency_image: 'jupyter-deploy-deps:0123456789ab',
      dependency_cached: false,
      lock_hash: '0123456789ab'
    },
    requirements: ['joblib==1.4.2', 'numpy==2.0.0', 'scikit-learn==1.5.0'],
    error: null,
    cancel_requested: false,
    ...patch
  };
}

/** A finished deploy of iris-classifier@v2, unless patched. */
export function makeOperation(patch: Partial<Operation> = {}): Operation {
  return {
    id: 'op-0000000001',
    deployment: 'iris-classifier',
    action: 'deploy',
    version: 'iris-classifier@v2',
    status: 'succeeded',
    step: 'done',
    messages: [
      {
        at: '2026-11-23T06:00:01+00:00',
        step: 'start',
        message: 'starting 1 replica of iris-classifier@v2'
      },
      {
        at: '2026-11-23T06:00:03+00:00',
        step: 'ready',
        message: 'replica 3f2a1b0c9d8e is ready'
      },
      {
        at: '2026-11-23T06:00:03+00:00',
        step: 'switch',
        message: 'gateway points at iris-classifier@v2'
      },
      {
        at: '2026-11-23T06:00:04+00:00',
        step: 'done',
        message: 'serving iris-classifier@v2'
      }
    ],
    error: null,
    started_at: '2026-11-23T06:00:00+00:00',
    finished_at: '2026-11-23T06:00:04+00:00',
    by: 'ada',
    ...patch
  };
}

/** The deployment iris-classifier serving v2 (v1 before it), unless patched. */
export function makeDeployment(patch: Partial<Deployment> = {}): Deployment {
  return {
    name: 'iris-classifier',
    project: 'examples',
    model: 'iris-classifier',
    target: 'docker',
    status: 'running',
    version: 'iris-classifier@v2',
    previous_version: 'iris-classifier@v1',
    endpoint: 'http://127.0.0.1:18080',
    port: 18080,
    replica_count: 1,
    replicas: [
      {
        id: '3f2a1b0c9d8e7f6a',
        version: 'iris-classifier@v2',
        address: '127.0.0.1:49153',
        state: 'ready',
        started_at: '2026-11-23T06:00:01+00:00',
        restarts: 0
      }
    ],
    gateway: { running: true },
    live_since: '2026-11-23T06:00:03+00:00',
    settings: { max_batch: null, workers: 2 },
    api_key_file: '/home/ada/.local/share/jupyter-deploy/keys/iris-classifier',
    created_at: '2026-11-23T05:30:00+00:00',
    created_by: 'ada',
    updated_at: '2026-11-23T06:00:04+00:00',
    operation: makeOperation(),
    events: [
      {
        id: 2,
        deployment: 'iris-classifier',
        at: '2026-11-23T06:00:04+00:00',
        by: 'ada',
        action: 'update',
        version: 'iris-classifier@v2',
        outcome: 'succeeded',
        detail: { from: 'iris-classifier@v1', seconds: 4.1 }
      },
      {
        id: 1,
        deployment: 'iris-classifier',
        at: '2026-11-23T05:30:05+00:00',
        by: 'ada',
        action: 'create',
        version: 'iris-classifier@v1',
        outcome: 'succeeded',
        detail: {}
      }
    ],
    ...patch
  };
}

/** Latency buckets of the model server (jupyter_deploy/runtime/metrics.py). */
export const LATENCY_BOUNDS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
];

/**
 * A metrics sample at `at` (unix seconds). `perBucket`: observations per
 * bucket (not cumulative), the last one +Inf; all zero by default.
 */
export function makeMetrics(
  at: number,
  patch: Partial<DeploymentMetrics> = {},
  perBucket: number[] = []
): DeploymentMetrics {
  const counts: number[] = [];
  let total = 0;
  for (let i = 0; i <= LATENCY_BOUNDS.length; i++) {
    total += perBucket[i] ?? 0;
    counts.push(total);
  }
  return {
    at,
    replicas: 1,
    requests: total,
    errors: 0,
    rejected: 0,
    predictions: total,
    in_flight: 0,
    latency: { bounds: LATENCY_BOUNDS, counts, sum: 0, count: total },
    by_version: {},
    ...patch
  };
}

/** A builds model following `versions`, on a server with no builds. */
export function idleBuilds(versions: VersionsModel): BuildsModel {
  const server = fakeServer(() => ({ json: { builds: [] } }));
  const builds = new BuildsModel({ client: new DeployClient(server.settings) });
  followVersions(builds, versions);
  return builds;
}

/** The ApiError a request fails with (the test fails if it succeeds). */
export async function caught(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the request to fail');
}
