/**
 * Wire models of the Deployments routes (docs/contract.md, "Deployments").
 * They mirror the server's JSON exactly, so field names stay snake_case.
 */
import type { JSONValue } from './runModels';
import type { Assert, Covers, Extends, Same } from './schema';
import type * as wire from './schema';

/** Where a deployment is. */
export type DeploymentStatus = 'deploying' | 'running' | 'failed' | 'stopped';

/** Where replicas run; `auto` lets the server pick (docker when an engine answers). */
export type DeploymentTargetChoice = 'auto' | 'docker' | 'local';

/** The targets a request may name, in the order the UI offers them. */
export const DEPLOYMENT_TARGETS: readonly DeploymentTargetChoice[] = [
  'auto',
  'docker',
  'local'
];

/** The steps of an operation, in the order they run. */
export const OPERATION_STEPS = [
  'build',
  'start',
  'ready',
  'switch',
  'drain',
  'done'
] as const;

export type OperationStep = (typeof OPERATION_STEPS)[number];

export type OperationAction = 'deploy' | 'update' | 'rollback' | 'down';

export type OperationStatus = 'running' | 'succeeded' | 'failed';

/** One line of an operation's progress. */
export type OperationMessage = {
  at: string;
  step: OperationStep;
  message: string;
};

export type OperationError = {
  code: string;
  message: string;
  /** The failing replica's own log lines (a model that does not load, say). */
  log: string[];
};

/** A deploy, update, rollback or down of one deployment. */
export type Operation = {
  /** `op-` and 10 hex digits. */
  id: string;
  /** The deployment's name. */
  deployment: string;
  action: OperationAction;
  /** `MODEL@vN`; null for a down. */
  version: string | null;
  status: OperationStatus;
  step: OperationStep;
  messages: OperationMessage[];
  error: OperationError | null;
  started_at: string;
  finished_at: string | null;
  by: string;
};

export type ReplicaState =
  'starting' | 'ready' | 'unhealthy' | 'restarting' | 'exited';

/** One process or container running one version behind the gateway. */
export type DeploymentReplica = {
  id: string;
  /** `MODEL@vN` */
  version: string;
  /** `host:port` the gateway sends requests to. */
  address: string;
  state: ReplicaState;
  started_at: string;
  restarts: number;
};

export type DeploymentEventAction =
  | 'create'
  | 'deploy'
  | 'update'
  | 'rollback'
  | 'down'
  | 'reconcile'
  | 'restart';

/** One entry of a deployment's history: who did what, when, and how it went. */
export type DeploymentEvent = {
  id: number;
  deployment: string;
  at: string;
  by: string;
  action: DeploymentEventAction;
  version: string | null;
  outcome: 'succeeded' | 'failed';
  detail: { [key: string]: JSONValue } | null;
};

/** A stable endpoint in front of replicas of one version, on one target. */
export type Deployment = {
  /** `[a-z0-9-]`, at most 63; the model's name by default. */
  name: string;
  project: string;
  model: string;
  /** The target the replicas run on (`docker` or `local`). */
  target: string;
  status: DeploymentStatus;
  /** `MODEL@vN` serving now, or null before the first version took traffic. */
  version: string | null;
  /** `MODEL@vN` a rollback goes back to, or null. */
  previous_version: string | null;
  /** `http://127.0.0.1:PORT`, or null while stopped. */
  endpoint: string | null;
  port: number;
  replica_count: number;
  replicas: DeploymentReplica[];
  gateway: { running: boolean };
  /**
   * When the endpoint first served (its deployment came up), or null while
   * stopped: updates and rollbacks keep it, as the endpoint keeps serving.
   */
  live_since: string | null;
  settings: { max_batch: number | null; workers: number | null };
  /** A copy of the API key readable only by its owner, outside the project. */
  api_key_file: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  /** The running operation, or the last one. */
  operation: Operation | null;
  /** Newest first (at most 100); only from `GET /deployments/<name>`. */
  events?: DeploymentEvent[];
};

/** `GET /jupyter-deploy/deployments?project=P`, by name. */
export type DeploymentList = {
  deployments: Deployment[];
};

/** Body of `POST /jupyter-deploy/deployments`: deploy, or update an existing one. */
export type DeployRequest = {
  project: string;
  /** `MODEL@vN` */
  version: string;
  /** Default: the model's name. */
  name?: string;
  /** 1 to 32. */
  replicas?: number;
  target?: DeploymentTargetChoice;
  /** 1 to 1024. */
  max_batch?: number;
};

/** 202 answer of a rollback or a down: the deployment and its new operation. */
export type OperationStarted = {
  deployment: Deployment;
  operation: Operation;
};

/** 202 answer of `POST /jupyter-deploy/deployments`. */
export type DeployStarted = OperationStarted & {
  /** Only when the deployment was created: shown once, never sent again. */
  api_key?: string;
};

/** `GET .../deployments/<name>/logs?tail=N` */
export type DeploymentLogs = {
  /** Oldest first, each prefixed with its replica's short id. */
  lines: string[];
};

/** A Prometheus-style latency histogram, in seconds. */
export type LatencyHistogram = {
  /** Upper bounds of the finite buckets, increasing. */
  bounds: number[];
  /** Cumulative count at or under each bound; the last entry is +Inf. */
  counts: number[];
  sum: number;
  count: number;
};

/**
 * One point of the server's recent history of a deployment: what happened
 * in the window that ends at `at` (since the point before).
 */
export type MetricsPoint = {
  /** Unix seconds. */
  at: number;
  /** Requests per second. */
  request_rate: number;
  /** Fraction of the window's requests answered 5xx; null without requests. */
  error_rate: number | null;
  /** Latency quantiles in seconds; null without requests. */
  p50: number | null;
  p99: number | null;
};

/**
 * `GET .../deployments/<name>/metrics`: totals since the deployment came up,
 * exact across updates, rollbacks and restarted replicas (the server keeps
 * them beside the deployment).
 */
export type DeploymentMetrics = {
  /** Unix seconds. */
  at: number;
  /** Replicas scraped for this sample. */
  replicas: number;
  /** Predict and V2 infer requests. */
  requests: number;
  /** 5xx answers. */
  errors: number;
  /** 4xx answers. */
  rejected: number;
  /** Records predicted. */
  predictions: number;
  in_flight: number;
  latency: LatencyHistogram;
  /** Requests per `MODEL@vN`. */
  by_version: Record<string, number>;
  /**
   * The server's recent points, oldest first (a few minutes, bounded), kept
   * while anyone looks: a panel opened again draws them at once.
   */
  history?: MetricsPoint[];
};

// Checked against the types generated from docs/openapi.yaml (./schema.ts): `tsc`
// fails when a wire model here and the document drift apart. `Same`: exactly the
// document's type; `Covers`: the same fields, each accepting at least what the
// server sends; `Extends` (requests): everything sent is something the server accepts.
// Exported only because an unused type fails the build (noUnusedLocals).
export type DeploymentContractChecks = [
  Assert<Same<DeploymentStatus, wire.DeploymentStatus>>,
  Assert<Same<OperationStep, wire.OperationStep>>,
  Assert<Same<OperationAction, wire.OperationAction>>,
  Assert<Same<OperationStatus, wire.OperationStatus>>,
  Assert<Same<OperationMessage, wire.OperationMessage>>,
  Assert<Same<OperationError, wire.OperationError>>,
  Assert<Same<Operation, wire.Operation>>,
  Assert<Same<ReplicaState, wire.ReplicaState>>,
  Assert<Same<DeploymentReplica, wire.DeploymentReplica>>,
  Assert<Same<DeploymentEvent, wire.DeploymentEvent>>,
  // settings may be null here: the frontend's fixtures leave max_batch unset.
  Assert<Covers<wire.Deployment, Deployment>>,
  Assert<Covers<wire.DeploymentList, DeploymentList>>,
  Assert<Covers<wire.OperationStarted, DeployStarted>>,
  Assert<Same<DeploymentLogs, wire.DeploymentLogs>>,
  Assert<Same<LatencyHistogram, wire.LatencyHistogram>>,
  Assert<Same<MetricsPoint, wire.MetricsPoint>>,
  // history is optional here: the frontend's fixtures and event samples may lack it.
  Assert<Covers<wire.DeploymentMetrics, DeploymentMetrics>>,
  Assert<Extends<DeployRequest, wire.DeployRequest>>
];
