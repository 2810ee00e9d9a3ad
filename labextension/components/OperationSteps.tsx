import React from 'react';

import type { Operation } from '../api';
import { STEP_STATE_LABELS } from '../format/steps';
import { operationSteps } from '../models/deploymentFormat';
import { StepMark } from './StepMark';

/** The steps of a deployment operation, each with its state and last message. */
export function OperationSteps({
  operation
}: {
  operation: Operation;
}): JSX.Element {
  return (
    <ol className="jp-DeployOperationSteps" aria-label="Operation steps">
      {operationSteps(operation).map(step => {
        const state = STEP_STATE_LABELS[step.state];
        return (
          <li
            key={step.name}
            className="jp-DeployOperationStep"
            data-step={step.name}
            data-state={step.state}
            title={`${step.label}: ${state}`}
          >
            <StepMark state={step.state} />
            <span className="jp-DeployOperationStep-label">{step.label}</span>
            <span className="jp-DeployVisuallyHidden">{state}</span>
            {step.message && (
              <span className="jp-DeployOperationStep-message">
                {step.message}
              </span>
            )}
          </li>
        );
      })}
    </ol>
  );
}
