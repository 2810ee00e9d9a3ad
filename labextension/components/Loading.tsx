import React from 'react';

/** A spinner and what is being waited for, announced to screen readers. */
export function Loading({
  children
}: {
  children: React.ReactNode;
}): JSX.Element {
  return (
    <div className="jp-DeployLoading" role="status">
      <span className="jp-DeployLoading-spinner" aria-hidden="true" />
      {children}
    </div>
  );
}
