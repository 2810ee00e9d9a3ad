import type { Build } from './buildModels';
import type { Deployment, Operation } from './deploymentModels';
import { isRecord } from './json';
import type { Run, Sweep } from './runModels';

/** Schema id of the run events on Jupyter Server's event bus. */
export const RUN_EVENT_SCHEMA =
  'https://events.jupyter.org/jupyter_deploy/run/v1';

/** A run event, its JSON strings parsed. */
export interface IRunEvent {
  project: string;
  run: Run;
  /** The run's sweep as it is now, or null for a single run. */
  sweep: Sweep | null;
}

/**
 * Read a run event from an event-bus emission (its data fields sit next to
 * `schema_id`). Returns null for other schemas and for malformed events.
 */
export function parseRunEvent(emission: {
  readonly [key: string]: unknown;
}): IRunEvent | null {
  if (emission.schema_id !== RUN_EVENT_SCHEMA || emission.kind !== 'run') {
    return null;
  }
  const { project } = emission;
  if (typeof project !== 'string') {
    return null;
  }
  const run = parseObject(emission.run);
  if (!run || typeof run.id !== 'string' || typeof run.status !== 'string') {
    return null;
  }
  const sweep = parseObject(emission.sweep);
  return {
    project,
    run: run as Run,
    sweep: sweep && typeof sweep.id === 'string' ? (sweep as Sweep) : null
  };
}

/** Schema id of the build events on Jupyter Server's event bus. */
export const BUILD_EVENT_SCHEMA =
  'https://events.jupyter.org/jupyter_deploy/build/v1';

/** A build event: the build as it is now, or new lines of its log. */
export type BuildEvent =
  | { kind: 'build'; project: string; build: Build }
  | {
      kind: 'log';
      project: string;
      buildId: string;
      /** Line number of the first of `lines` in the build's log. */
      offset: number | null;
      /** New log lines, in order. */
      lines: string[];
    };

/**
 * Read a build event from an event-bus emission (data fields next to
 * `schema_id`). Returns null for other schemas and for malformed events.
 */
export function parseBuildEvent(emission: {
  readonly [key: string]: unknown;
}): BuildEvent | null {
  if (emission.schema_id !== BUILD_EVENT_SCHEMA) {
    return null;
  }
  const { project } = emission;
  if (typeof project !== 'string') {
    return null;
  }
  if (emission.kind === 'build') {
    const build = parseObject(emission.build);
    if (
      !build ||
      typeof build.id !== 'string' ||
      typeof build.status !== 'string' ||
      typeof build.version !== 'string'
    ) {
      return null;
    }
    return { kind: 'build', project, build: build as Build };
  }
  if (emission.kind === 'log' && typeof emission.build_id === 'string') {
    const lines = parseJSON(emission.lines);
    if (
      !Array.isArray(lines) ||
      !lines.every(line => typeof line === 'string')
    ) {
      return null;
    }
    const offset =
      typeof emission.offset === 'number' && emission.offset >= 0
        ? emission.offset
        : null;
    return { kind: 'log', project, buildId: emission.build_id, offset, lines };
  }
  return null;
}

/** Schema id of the deployment events on Jupyter Server's event bus. */
export const DEPLOYMENT_EVENT_SCHEMA =
  'https://events.jupyter.org/jupyter_deploy/deployment/v1';

/**
 * A deployment event: an operation's progress (every step and message), or
 * the deployment as it is once an operation ended.
 */
export type DeploymentBusEvent =
  | { kind: 'operation'; project: string; name: string; operation: Operation }
  | {
      kind: 'deployment';
      project: string;
      name: string;
      deployment: Deployment;
    };

/**
 * Read a deployment event from an event-bus emission (data fields next to
 * `schema_id`). Returns null for other schemas and for malformed events.
 */
export function parseDeploymentEvent(emission: {
  readonly [key: string]: unknown;
}): DeploymentBusEvent | null {
  if (emission.schema_id !== DEPLOYMENT_EVENT_SCHEMA) {
    return null;
  }
  const { project, name } = emission;
  if (typeof project !== 'string' || typeof name !== 'string') {
    return null;
  }
  if (emission.kind === 'operation') {
    const operation = parseObject(emission.operation);
    if (
      !operation ||
      typeof operation.id !== 'string' ||
      typeof operation.status !== 'string' ||
      typeof operation.step !== 'string' ||
      !Array.isArray(operation.messages)
    ) {
      return null;
    }
    return {
      kind: 'operation',
      project,
      name,
      operation: operation as Operation
    };
  }
  if (emission.kind === 'deployment') {
    const deployment = parseObject(emission.deployment);
    if (
      !deployment ||
      deployment.name !== name ||
      typeof deployment.status !== 'string' ||
      !Array.isArray(deployment.replicas)
    ) {
      return null;
    }
    return {
      kind: 'deployment',
      project,
      name,
      deployment: deployment as Deployment
    };
  }
  return null;
}

function parseObject(text: unknown): Record<string, unknown> | null {
  const value = parseJSON(text);
  return isRecord(value) ? value : null;
}

/** A JSON string's value; undefined for anything else. */
function parseJSON(text: unknown): unknown {
  if (typeof text !== 'string' || text === '') {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
