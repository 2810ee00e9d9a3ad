import {
  OPERATION_STEPS,
  type Deployment,
  type DeploymentStatus,
  type Operation,
  type OperationAction,
  type OperationStep,
  type ReplicaState
} from '../api';
import { parseTime } from '../format/time';
import type { StepState } from '../format/steps';

export const DEPLOYMENT_STATUS_LABELS: Record<DeploymentStatus, string> = {
  deploying: 'Deploying',
  running: 'Running',
  failed: 'Failed',
  stopped: 'Stopped'
};

export const OPERATION_STEP_LABELS: Record<OperationStep, string> = {
  build: 'Build',
  start: 'Start replicas',
  ready: 'Ready',
  switch: 'Switch traffic',
  drain: 'Drain old replicas',
  done: 'Done'
};

export const OPERATION_ACTION_LABELS: Record<OperationAction, string> = {
  deploy: 'Deploy',
  update: 'Update',
  rollback: 'Roll back',
  down: 'Stop'
};

export const REPLICA_STATE_LABELS: Record<ReplicaState, string> = {
  starting: 'starting',
  ready: 'ready',
  unhealthy: 'unhealthy',
  restarting: 'restarting',
  exited: 'exited'
};

/** Headings of the failures a person can act on. */
const ERROR_TITLES: Record<string, string> = {
  deploy_failed: 'The new version did not become ready',
  docker_unavailable: 'Docker is not available',
  conflict: 'Another operation on this deployment is running',
  invalid_input: 'The request was refused',
  not_found: 'Not found',
  interrupted: 'The operation was interrupted'
};

/** A heading for a deployment error code, if it has one. */
export function deploymentErrorTitle(code: string): string | null {
  return ERROR_TITLES[code] ?? null;
}

/** Whether an operation may still change. */
export function isActiveOperation(operation: Operation | null): boolean {
  return operation?.status === 'running';
}

/**
 * Whether `candidate` is at least as recent as `current`. Events and route
 * answers may cross: a later operation wins, and one operation never goes
 * back from ended to running, a step, or a message.
 */
export function isNewerOperation(
  candidate: Operation,
  current: Operation
): boolean {
  if (candidate.id !== current.id) {
    return (
      (parseTime(candidate.started_at) ?? 0) >=
      (parseTime(current.started_at) ?? 0)
    );
  }
  const ended = (op: Operation) => (op.status === 'running' ? 0 : 1);
  if (ended(candidate) !== ended(current)) {
    return ended(candidate) > ended(current);
  }
  return candidate.messages.length >= current.messages.length;
}

/** Put a pushed operation on its deployment, unless it is older than the one held. */
export function withOperation(
  deployment: Deployment,
  operation: Operation
): Deployment {
  const held = deployment.operation;
  if (held && !isNewerOperation(operation, held)) {
    return deployment;
  }
  return { ...deployment, operation };
}

/**
 * Whether `candidate` (a route's answer or a pushed copy) is at least as
 * recent as `current`, judged by its operation, then its update time.
 */
export function isNewerDeployment(
  candidate: Deployment,
  current: Deployment
): boolean {
  const a = candidate.operation;
  const b = current.operation;
  if (a && b && (a.id !== b.id || a.status !== b.status)) {
    return isNewerOperation(a, b);
  }
  if (!a && b) {
    return false;
  }
  return (
    (parseTime(candidate.updated_at) ?? 0) >=
    (parseTime(current.updated_at) ?? 0)
  );
}

/**
 * Take a newer copy of a deployment. The operation held stays when the copy
 * carries an older state of it, and the history when the copy has none
 * (listings and pushed copies come without `events`).
 */
export function mergeDeployment(
  current: Deployment | null,
  candidate: Deployment
): Deployment {
  if (!current) {
    return candidate;
  }
  if (!isNewerDeployment(candidate, current)) {
    return current;
  }
  let next = candidate;
  const held = current.operation;
  if (
    held &&
    candidate.operation &&
    !isNewerOperation(candidate.operation, held)
  ) {
    next = { ...next, operation: held };
  }
  if (next.events === undefined && current.events !== undefined) {
    next = { ...next, events: current.events };
  }
  return next;
}

export interface IOperationStepView {
  name: OperationStep;
  label: string;
  state: StepState;
  /** The last message of the step, if any. */
  message: string | null;
}

/** The steps a kind of operation goes through. */
function stepsOf(action: OperationAction): readonly OperationStep[] {
  return action === 'down' ? ['drain', 'done'] : OPERATION_STEPS;
}

/**
 * Where each step of an operation is. `build` runs only when the image (or
 * folder) is missing: passed without a message of its own, it was not needed.
 */
export function operationSteps(operation: Operation): IOperationStepView[] {
  const steps = stepsOf(operation.action);
  const active = operation.status === 'running';
  const current = Math.max(0, steps.indexOf(operation.step));
  const heard = new Set(operation.messages.map(m => m.step));
  return steps.map((name, index) => {
    const messages = operation.messages.filter(m => m.step === name);
    const message =
      messages.length > 0 ? messages[messages.length - 1].message : null;
    let state: StepState;
    if (operation.status === 'succeeded') {
      state = name === 'build' && !heard.has('build') ? 'skipped' : 'done';
    } else if (index < current) {
      state = name === 'build' && !heard.has('build') ? 'skipped' : 'done';
    } else if (index === current) {
      state = active ? 'running' : 'failed';
    } else {
      state = active ? 'pending' : 'skipped';
    }
    return { name, label: OPERATION_STEP_LABELS[name], state, message };
  });
}

/** `[a-z0-9-]`, 1 to 63, starting and ending with a letter or digit. */
const NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Why a deployment name is refused, or null when it is fine. */
export function deploymentNameError(name: string): string | null {
  if (name === '') {
    return 'Give the deployment a name.';
  }
  if (name.length > 63) {
    return 'At most 63 characters.';
  }
  return NAME.test(name)
    ? null
    : 'Lowercase letters, digits and dashes, not starting or ending with a dash.';
}

/** Seconds the current version has taken traffic; null when it does not. */
export function uptimeSeconds(
  deployment: Deployment,
  now: number
): number | null {
  if (deployment.status !== 'running') {
    return null;
  }
  const since = parseTime(deployment.live_since);
  return since === null ? null : Math.max(0, (now - since) / 1000);
}

/**
 * Deployment names per version tag, for the versions sidebar: the versions
 * running now.
 */
export function deployedVersions(
  deployments: readonly Deployment[]
): Map<string, string[]> {
  const tags = new Map<string, string[]>();
  for (const deployment of deployments) {
    if (deployment.status === 'running' && deployment.version) {
      const names = tags.get(deployment.version) ?? [];
      names.push(deployment.name);
      tags.set(deployment.version, names);
    }
  }
  return tags;
}

/** "12.3/s", "0.05/s", "0/s" */
export function formatRate(perSecond: number | null): string {
  if (perSecond === null) {
    return '—';
  }
  if (perSecond === 0) {
    return '0/s';
  }
  const digits = perSecond >= 100 ? 0 : perSecond >= 1 ? 1 : 2;
  return `${perSecond.toFixed(digits)}/s`;
}

/** "0%", "0.5%", "12%" */
export function formatShare(fraction: number | null): string {
  if (fraction === null) {
    return '—';
  }
  const percent = fraction * 100;
  if (percent === 0) {
    return '0%';
  }
  return percent >= 10 ? `${percent.toFixed(0)}%` : `${percent.toFixed(1)}%`;
}

/** A latency in seconds as people read it: "850 µs", "4.2 ms", "1.3 s". */
export function formatLatency(seconds: number | null): string {
  if (seconds === null) {
    return '—';
  }
  if (seconds < 0.001) {
    return `${Math.round(seconds * 1_000_000)} µs`;
  }
  if (seconds < 1) {
    const ms = seconds * 1000;
    return `${ms >= 10 ? ms.toFixed(0) : ms.toFixed(1)} ms`;
  }
  return `${seconds.toFixed(seconds >= 10 ? 0 : 1)} s`;
}

/** A replica's id as `docker ps` shows it. */
export function shortReplicaId(id: string): string {
  return id.length > 12 ? id.slice(0, 12) : id;
}
