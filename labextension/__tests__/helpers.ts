import { ServerConnection } from '@jupyterlab/services';

import type { DoctorCheck, DoctorReport } from '../api';

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
      error: null
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
    ...overrides
  };
}
