import React from 'react';

/** A version's stages as small coloured labels (production stands out most). */
export function StageBadges({
  stages
}: {
  stages?: string[];
}): JSX.Element | null {
  if (!stages || stages.length === 0) {
    return null;
  }
  return (
    <span className="jp-DeployStages">
      {stages.map(stage => (
        <span key={stage} className="jp-DeployStage" data-stage={stage}>
          {stage}
        </span>
      ))}
    </span>
  );
}
