import { isRecord } from './json';
import type { ErrorBody } from './models';

/** Code used when the server could not be reached at all. */
export const NETWORK_ERROR = 'network_error';

/**
 * An error answered by (or on the way to) the jupyter_deploy server.
 *
 * `status` is the HTTP status, or 0 when no answer arrived.
 * `code` is the server's snake_case error code (or a synthetic one).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** The error body's other fields (a build's `traceback`, say); often none. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    status: number,
    code: string,
    message: string,
    details: Record<string, unknown> = {}
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** Build the error for a failed HTTP response from its body text. */
  static fromResponse(
    status: number,
    statusText: string,
    body: string
  ): ApiError {
    const parsed = parseErrorBody(body);
    if (parsed) {
      const { code, message, ...details } = parsed.error;
      return new ApiError(status, code, message, details);
    }
    if (status === 404) {
      return new ApiError(
        status,
        'not_found',
        'The jupyter_deploy server extension did not answer. Check that it is ' +
          'installed and enabled (`jupyter server extension list`), then restart JupyterLab.'
      );
    }
    const text = body.trim() || statusText || 'no details';
    return new ApiError(
      status,
      `http_${status}`,
      `The server answered ${status}: ${text}`
    );
  }

  /** Build the error for a request that never got an answer. */
  static network(reason: unknown): ApiError {
    const detail = reason instanceof Error ? reason.message : String(reason);
    return new ApiError(
      0,
      NETWORK_ERROR,
      `Cannot reach the Jupyter server (${detail}). Check that it is still running.`
    );
  }
}

/** Return the contract's error body if `text` is one, else null. */
export function parseErrorBody(text: string): ErrorBody | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(data) || !isRecord(data.error)) {
    return null;
  }
  const { code, message } = data.error;
  if (typeof code !== 'string' || typeof message !== 'string') {
    return null;
  }
  return { error: { ...data.error, code, message } };
}

/** Any failure as an ApiError, so views can show it. */
export function asApiError(reason: unknown): ApiError {
  return reason instanceof ApiError
    ? reason
    : new ApiError(0, 'unexpected', String(reason));
}
