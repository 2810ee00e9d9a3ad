import React from 'react';

/** Names of the deployments serving a version, each opening its panel. */
export function DeployedBadges({
  names,
  onOpen
}: {
  names: readonly string[] | undefined;
  onOpen?: (name: string) => void;
}): JSX.Element | null {
  if (!names || names.length === 0) {
    return null;
  }
  return (
    <span className="jp-DeployDeployedBadges">
      {names.map(name => (
        <button
          key={name}
          type="button"
          className="jp-DeployDeployedBadge"
          title={`This version serves the deployment ${name}: open it`}
          disabled={!onOpen}
          onClick={() => onOpen?.(name)}
        >
          deployed: {name}
        </button>
      ))}
    </span>
  );
}
