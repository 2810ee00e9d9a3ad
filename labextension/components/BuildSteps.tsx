import React from 'react';

import type { Build } from '../api';
import { STEP_STATE_LABELS } from '../format/steps';
import { stepViews, type IStepView } from '../models/buildFormat';
import { formatDuration } from '../format/time';
import { StepMark } from './StepMark';

/** The steps of a build, each with its state and time. */
export function BuildSteps({
  build,
  now
}: {
  build: Build;
  now: number;
}): JSX.Element {
  const reused = build.image?.dependency_cached === true;
  return (
    <ol className="jp-DeployBuildSteps" aria-label="Build steps">
      {stepViews(build, now).map(step => {
        const time = stepTime(step, reused);
        const state = STEP_STATE_LABELS[step.state];
        return (
          <li
            key={step.name}
            className="jp-DeployBuildStep"
            data-step={step.name}
            data-state={step.state}
            title={`${step.label}: ${state}${time ? `, ${time}` : ''}`}
          >
            <StepMark state={step.state} />
            <span className="jp-DeployBuildStep-label">{step.label}</span>
            <span className="jp-DeployVisuallyHidden">{state}</span>
            {time && <span className="jp-DeployBuildStep-time">{time}</span>}
          </li>
        );
      })}
    </ol>
  );
}

function stepTime(step: IStepView, reused: boolean): string | null {
  if (step.name === 'dependencies' && step.state === 'done' && reused) {
    return 'cached';
  }
  if (step.seconds === null || step.state === 'skipped') {
    return null;
  }
  if (step.state !== 'running' && step.seconds < 0.1) {
    return '<0.1 s';
  }
  // A running step's clock ticks in whole seconds; ended ones are exact.
  return formatDuration(step.seconds, step.state !== 'running');
}
