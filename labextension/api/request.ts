import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { ApiError } from './errors';

/** REST API version this frontend speaks. */
export const API_VERSION = 1;

/** Header carrying API_VERSION on every request (the server answers 409 on mismatch). */
export const API_VERSION_HEADER = 'X-Jupyter-Deploy-Api';

/** URL namespace of the server extension under the server's base URL. */
export const API_NAMESPACE = 'jupyter-deploy';

export interface IRequestOptions {
  /** Query parameters, URL-encoded for you. */
  query?: Record<string, string>;
  /** Connection settings; defaults to the page's. Tests pass their own fetch here. */
  settings?: ServerConnection.ISettings;
}

/**
 * Call a jupyter_deploy REST endpoint and return its parsed JSON body.
 *
 * Throws ApiError for any non-2xx answer (with the server's code and message)
 * and for network failures (status 0).
 */
export async function requestAPI<T>(
  endpoint: string,
  init: RequestInit = {},
  options: IRequestOptions = {}
): Promise<T> {
  const settings = options.settings ?? ServerConnection.makeSettings();
  const query = options.query ? URLExt.objectToQueryString(options.query) : '';
  const url = URLExt.join(settings.baseUrl, API_NAMESPACE, endpoint) + query;

  const headers = new Headers(init.headers);
  headers.set(API_VERSION_HEADER, String(API_VERSION));
  if (init.body !== undefined && !headers.has('Content-Type')) {
    headers.set('Content-Type', 'application/json');
  }

  let response: Response;
  try {
    response = await ServerConnection.makeRequest(
      url,
      { ...init, headers },
      settings
    );
  } catch (reason) {
    throw ApiError.network(reason);
  }

  const text = await response.text();
  if (!response.ok) {
    throw ApiError.fromResponse(response.status, response.statusText, text);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(
      response.status,
      'invalid_response',
      `The server answered ${url} with something that is not JSON.`
    );
  }
}
