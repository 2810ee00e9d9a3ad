import React from 'react';

import { NETWORK_ERROR, type ApiError } from '../api';

/** A short title for an API error, from its status. */
export function errorTitle(error: ApiError): string {
  if (error.status === 0 || error.code === NETWORK_ERROR) {
    return 'Cannot reach the server';
  }
  switch (error.status) {
    case 401:
    case 403:
      return 'Not allowed';
    case 404:
      return 'Deploy server extension not found';
    case 409:
      return 'Version mismatch';
    default:
      return error.status >= 500 ? 'The server failed' : 'Request failed';
  }
}

export interface IErrorStateProps {
  error: ApiError;
  /** Offer a Retry button calling this. */
  onRetry?: () => void;
  /** Heading; defaults to one chosen from the HTTP status. */
  title?: string;
}

/** Why a request failed, with a way to try again. */
export function ErrorState({
  error,
  onRetry,
  title
}: IErrorStateProps): JSX.Element {
  return (
    <section className="jp-DeployError" role="alert">
      <h3 className="jp-DeployError-title">{title ?? errorTitle(error)}</h3>
      <p className="jp-DeployError-message">{error.message}</p>
      <p className="jp-DeployError-code">
        {error.status > 0 ? `HTTP ${error.status} · ` : ''}
        {error.code}
      </p>
      {onRetry && (
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-accept"
          onClick={onRetry}
        >
          Retry
        </button>
      )}
    </section>
  );
}
