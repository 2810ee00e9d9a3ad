import { refreshIcon } from '@jupyterlab/ui-components';
import React from 'react';

export interface IRefreshButtonProps {
  /** A request is in flight: the icon spins. */
  loading: boolean;
  /** Tooltip: what pressing it does again. */
  title: string;
  onClick: () => void;
  disabled?: boolean;
}

/** The icon button that asks the server again, in a view's toolbar row. */
export function RefreshButton({
  loading,
  title,
  onClick,
  disabled
}: IRefreshButtonProps): JSX.Element {
  return (
    <button
      type="button"
      className={`jp-DeployIconButton${loading ? ' jp-mod-loading' : ''}`}
      aria-label="Refresh"
      title={title}
      disabled={disabled}
      onClick={onClick}
    >
      <refreshIcon.react tag="span" />
    </button>
  );
}
