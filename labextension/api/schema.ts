/**
 * Types of the jupyter_deploy REST API, generated from docs/openapi.yaml by
 * scripts/openapi_types.py. Do not edit: change the document and run
 * `python scripts/openapi_types.py` (CI runs it with `--check`).
 */

/** Any JSON value. */
export type JSONValue =
  null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };

/** `true` when A and B accept exactly the same values (each is assignable to the other). */
export type Same<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? true
    : false
  : false;

/** `true` when every A is a B. */
export type Extends<A, B> = [A] extends [B] ? true : false;

/**
 * `true` when A and B have the same fields and every A is a B: B may accept
 * more per field (a frontend type also used for events or test fixtures).
 */
export type Covers<A, B> =
  Same<keyof A, keyof B> extends true ? Extends<A, B> : false;

/** Compiles only with `true`: `Assert<Same<Mine, Generated>>` fails the build on drift. */
export type Assert<T extends true> = T;

/** Body of every 4xx and 5xx answer; never a traceback */
export type ErrorBody = {
  error: {
    /** e.g. bad_request, not_found, conflict, unavailable, or the domain error's own code */
    code: string;
    message: string;
  };
};

export type VersionInfo = {
  name: string;
  version: string;
  api_version: number;
};

export type CheckStatus = 'ok' | 'warning' | 'error';

export type DoctorCheck = {
  id: string;
  label: string;
  status: CheckStatus;
  value: string | null;
  detail: string;
  hint: string | null;
};

/** The deployment target the server would pick, and why */
export type TargetChoice = {
  name: string;
  reason: string;
};

/** The project found at or above the folder (path null: none) */
export type ProjectInfo = {
  path: string | null;
  config_file: string | null;
  /** null when there is no project */
  valid: boolean | null;
  error: string | null;
  model: string | null;
};

export type IdentitySource =
  'jupyter' | 'git_env' | 'git_config' | 'os_user' | 'given';

/** Who runs, versions, stages, builds, deployments and version commits and tags made by this caller in this project are recorded as: a named Jupyter user (jupyter), else the project's git identity (git_env: GIT_AUTHOR_NAME/EMAIL; git_config: git config user.name/email), else the OS user at this host (os_user). Jupyter's made-up anonymous users are never recorded. */
export type RecordedIdentity = {
  name: string;
  email: string;
  source: IdentitySource;
};

/** See docs/contract.md */
export type DoctorReport = {
  product: VersionInfo;
  generated_at: string;
  duration_ms: number;
  status: CheckStatus;
  target: TargetChoice;
  project: ProjectInfo;
  checks: DoctorCheck[];
  identity: RecordedIdentity | null;
};

export type ProjectLookup = {
  /** the folder asked about, as sent */
  path: string;
  /** the project holding it, relative to the Jupyter root; null: none */
  project: string | null;
};

/** finite; at most 30 days */
export type Seconds = number;

export type ParameterType =
  'int' | 'float' | 'str' | 'bool' | 'list' | 'dict' | 'any';

export type Parameter = {
  name: string;
  type: ParameterType;
  default: JSONValue;
  /** the comment next to the default */
  help: string | null;
};

export type NotebookParameters = {
  notebook: string;
  /** project folder relative to the Jupyter root */
  project: string;
  parameters: Parameter[];
};

export type RunStatus =
  'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

/** Which cell the notebook is at (`cell` of `total`; 0 of 0 before it starts) */
export type RunProgress = {
  cell: number;
  total: number;
};

export type RunFile = {
  path: string;
  size: number;
  sha256: string;
};

/** The Python and packages of the run's kernel */
export type RunEnvironment = {
  python: string;
  executable: string;
  packages: {
    [key: string]: string;
  };
};

export type RunErrorKind =
  | 'cell_error'
  | 'cell_timeout'
  | 'dead_kernel'
  | 'time_limit'
  | 'interrupted'
  | 'internal';

export type RunError = {
  kind: RunErrorKind;
  cell_index: number | null;
  ename: string;
  evalue: string;
};

export type Run = {
  id: string;
  sweep_id: string | null;
  project: string;
  notebook: string;
  parameters: {
    [key: string]: JSONValue;
  };
  status: RunStatus;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_s: number | null;
  created_by: string;
  progress: RunProgress;
  /** executed notebook, relative to the Jupyter root */
  output_notebook: string | null;
  /** flattened from the project's metrics JSON */
  metrics: {
    [key: string]: JSONValue;
  };
  files: RunFile[];
  environment: RunEnvironment | null;
  error: RunError | null;
  cell_timeout: number | null;
  time_limit: number | null;
  /** tags of the versions made from the run, oldest first (only in the runs listing) */
  promoted_to?: string[];
};

export type SweepMode = 'grid' | 'zip';

/** How many of the sweep's runs are in each status */
export type SweepCounts = {
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  interrupted: number;
};

export type Sweep = {
  id: string;
  project: string;
  notebook: string;
  mode: SweepMode;
  concurrency: number;
  total: number;
  created_at: string;
  created_by: string;
  counts: SweepCounts;
  /** seconds the sweep is expected still to need */
  eta_s: number | null;
};

export type RunList = {
  runs: Run[];
  sweeps: Sweep[];
};

export type StartedSweep = {
  sweep: Sweep;
  runs: Run[];
};

export type StartRunRequest = {
  /** relative to the Jupyter root, inside a project */
  notebook: string;
  /** name: value; unknown names and wrong types are refused */
  parameters?: {
    [key: string]: JSONValue;
  } | null;
  cell_timeout?: Seconds;
  time_limit?: Seconds;
};

export type StartSweepRequest = {
  notebook: string;
  parameters: {
    [key: string]: JSONValue[];
  };
  mode?: SweepMode;
  /** default: the number of cores */
  concurrency?: number;
  cell_timeout?: Seconds;
  time_limit?: Seconds;
};

export type ProjectRequest = {
  project: string;
};

export type PromoteRequest = {
  project: string;
  run_id: string;
  /** make a version of a run that already is one (refused with 409 naming that version otherwise) */
  copy?: boolean;
};

export type StageRequest = {
  project: string;
  version: string;
  stage: string;
};

/** dvc: a .dvc pointer in the version's commit; git: committed as is */
export type FileStorage = 'dvc' | 'git';

export type VersionFile = {
  path: string;
  md5: string;
  size: number;
  /** absent on versions made before data files were recorded */
  storage?: FileStorage;
};

/** A data file the run read (config `data:`), and where its bytes are kept */
export type DataFile = {
  path: string;
  md5: string;
  size: number;
  storage: FileStorage;
};

/** The serving API read from the `serve` cells */
export type ServingSchema = {
  function: string;
  /** JSON Schema of the request body */
  input: {
    [key: string]: JSONValue;
  };
  /** JSON Schema of the answer */
  output: {
    [key: string]: JSONValue;
  } | null;
  source: 'type hints' | 'input example';
  /** the run's input example, when small */
  example?: JSONValue;
};

/** The run's environment: one version gives every package, listings their count */
export type VersionEnvironment = {
  python?: string;
  executable?: string;
  packages?: {
    [key: string]: string;
  };
  package_count?: number;
};

export type Author = {
  name: string;
  email: string;
};

/** See docs/contract.md (Versions). One version (GET) has `schema`; listings have `stages` and no `schema`; the answer to a promotion has `commit`. */
export type Version = {
  model: string;
  /** vN */
  version: string;
  /** MODEL@vN */
  tag: string;
  run_id: string;
  sweep_id: string | null;
  notebook: string;
  parameters: {
    [key: string]: JSONValue;
  };
  metrics: {
    [key: string]: JSONValue;
  };
  /** model files (artifacts) */
  files: VersionFile[];
  /** data files the run read (config `data:`) */
  data: DataFile[];
  /** null when the `serve` cells define no predict */
  schema?: ServingSchema | null;
  environment: VersionEnvironment | null;
  author: Author;
  created_at: string;
  source_commit: string;
  /** stages on this version now (in listings) */
  stages?: string[];
  /** only in the answer to POST */
  commit?: string;
};

export type VersionList = {
  project: string;
  model: string;
  versions: Version[];
};

export type Change = {
  old: JSONValue;
  new: JSONValue;
  /** new - old, when both are numbers */
  delta?: number;
};

/** Old and new md5 of a file; null on the side that lacks it */
export type HashChange = {
  old: string | null;
  new: string | null;
};

export type SchemaChange = {
  side: 'input' | 'output';
  /** where in the schema, e.g. `sepal_length`; `(body)` for the whole */
  path: string;
  change: 'added' | 'removed' | 'retyped' | 'required';
  old: string | null;
  new: string | null;
  breaking: boolean;
};

export type SchemaChanges = {
  breaking: boolean;
  changes: SchemaChange[];
};

export type CellChange = {
  cell_id: string;
  change: 'added' | 'removed' | 'modified';
  /** unified diff of the cell's source */
  diff: string;
};

export type VersionDiff = {
  old: string;
  new: string;
  parameters: {
    [key: string]: Change;
  };
  metrics: {
    [key: string]: Change;
  };
  files: {
    [key: string]: HashChange;
  };
  data: {
    [key: string]: HashChange;
  };
  schema: SchemaChanges;
  cells: CellChange[];
};

export type RestoreAction = 'create' | 'overwrite' | 'unchanged';

export type RestoreFile = {
  path: string;
  md5: string;
  size: number;
  storage?: FileStorage;
  action: RestoreAction;
  current_md5: string | null;
  /** after POST: md5 under which the overwritten file was saved */
  saved_as?: string;
};

export type RestorePlan = {
  version: string;
  files: RestoreFile[];
};

export type VersionNotebook = {
  /** the read-only copy, relative to the Jupyter root */
  path: string;
};

export type StageAssignment = {
  stage: string;
  /** vN */
  version: string;
  /** the GTO stage tag, MODEL#STAGE#N */
  tag: string;
  number: number;
  author: Author;
  assigned_at: string;
};

export type Stages = {
  /** stage: vN */
  current: {
    [key: string]: string;
  };
  /** oldest first */
  history: StageAssignment[];
};

export type BuildStatus =
  'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

export type BuildStepName =
  'export' | 'smoke' | 'resolve' | 'dependencies' | 'image';

export type BuildStepRecord = {
  name: string;
  started_at: string;
  duration_s: number | null;
};

export type BuiltImage = {
  id: string;
  tag: string;
  size: number;
  dependency_image: string;
  dependency_cached: boolean;
  lock_hash: string;
};

export type BuildError = {
  code: string;
  message: string;
  /** the smoke test's or the worker's own traceback */
  traceback: string | null;
};

/** See docs/contract.md (Builds) */
export type Build = {
  id: string;
  project: string;
  model: string;
  /** MODEL@vN */
  version: string;
  status: BuildStatus;
  step: BuildStepName | null;
  steps: BuildStepRecord[];
  base_image: string;
  created_at: string;
  created_by: string;
  started_at: string | null;
  finished_at: string | null;
  duration_s: number | null;
  image: BuiltImage | null;
  requirements: string[] | null;
  error: BuildError | null;
  cancel_requested: boolean;
};

export type BuildList = {
  builds: Build[];
  has_more: boolean;
};

export type BuildLogPage = {
  lines: string[];
  /** the line after the last one sent: the next request's offset */
  offset: number;
};

export type StartBuildRequest = {
  project: string;
  /** MODEL@vN */
  version: string;
  /** first image layer (default: base_image in the project config) */
  base_image?: string;
};

export type DeploymentStatus = 'deploying' | 'running' | 'failed' | 'stopped';

export type ReplicaState =
  'starting' | 'ready' | 'unhealthy' | 'restarting' | 'exited';

export type DeploymentReplica = {
  id: string;
  version: string;
  /** host:port the gateway sends requests to */
  address: string;
  state: ReplicaState;
  started_at: string;
  restarts: number;
};

export type DeploymentEvent = {
  id: number;
  deployment: string;
  at: string;
  by: string;
  action:
    | 'create'
    | 'deploy'
    | 'update'
    | 'rollback'
    | 'down'
    | 'reconcile'
    | 'restart';
  version: string | null;
  outcome: 'succeeded' | 'failed';
  detail: {
    [key: string]: JSONValue;
  } | null;
};

export type DeploymentSettings = {
  max_batch: number;
  workers: number;
};

/** See docs/contract.md (Deployments) */
export type Deployment = {
  name: string;
  project: string;
  model: string;
  /** the target the replicas run on: docker or local (targets are pluggable) */
  target: string;
  status: DeploymentStatus;
  version: string | null;
  previous_version: string | null;
  endpoint: string | null;
  port: number;
  replica_count: number;
  replicas: DeploymentReplica[];
  gateway: {
    running: boolean;
  };
  /** when the endpoint first served; updates and rollbacks keep it (the uptime counts from it) */
  live_since: string | null;
  settings: DeploymentSettings;
  /** a copy of the API key readable only by its owner, outside the project */
  api_key_file: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  /** the running operation, or the last one */
  operation: Operation | null;
  /** newest first (at most 100); only from GET /deployments/{name} */
  events?: DeploymentEvent[];
};

export type DeploymentList = {
  deployments: Deployment[];
};

export type OperationAction = 'deploy' | 'update' | 'rollback' | 'down';

export type OperationStatus = 'running' | 'succeeded' | 'failed';

export type OperationStep =
  'build' | 'start' | 'ready' | 'switch' | 'drain' | 'done';

export type OperationMessage = {
  at: string;
  step: OperationStep;
  message: string;
};

export type OperationError = {
  code: string;
  message: string;
  /** the failing replica's own last log lines */
  log: string[];
};

export type Operation = {
  id: string;
  deployment: string;
  action: OperationAction;
  version: string | null;
  status: OperationStatus;
  step: OperationStep;
  messages: OperationMessage[];
  error: OperationError | null;
  started_at: string;
  finished_at: string | null;
  by: string;
};

export type OperationStarted = {
  deployment: Deployment;
  operation: Operation;
  /** only when the deployment was created: shown once, never sent again */
  api_key?: string;
};

export type DeployRequest = {
  project: string;
  /** MODEL@vN */
  version: string;
  /** default: the model's name */
  name?: string;
  replicas?: number;
  target?: 'auto' | 'docker' | 'local';
  max_batch?: number;
};

export type DeploymentLogs = {
  /** oldest first, each prefixed with its replica's short id */
  lines: string[];
};

/** A Prometheus-style latency histogram, in seconds */
export type LatencyHistogram = {
  /** upper bounds of the finite buckets, increasing */
  bounds: number[];
  /** cumulative count at or under each bound; the last is +Inf */
  counts: number[];
  sum: number;
  count: number;
};

/** What happened in the window that ends at `at` (since the point before) */
export type MetricsPoint = {
  at: number;
  request_rate: number;
  error_rate: number | null;
  p50: number | null;
  p99: number | null;
};

export type DeploymentMetrics = {
  /** Unix seconds */
  at: number;
  /** replicas scraped for this sample */
  replicas: number;
  requests: number;
  /** 5xx answers */
  errors: number;
  /** 4xx answers */
  rejected: number;
  predictions: number;
  in_flight: number;
  latency: LatencyHistogram;
  by_version: {
    [key: string]: number;
  };
  /** the server's recent points, oldest first (at most 200): one per window between two samples */
  history: MetricsPoint[];
};

/** Each route's answers by status, as `'METHOD /path'`. */
export type ApiResponses = {
  'GET /jupyter-deploy/version': {
    200: VersionInfo;
    403: ErrorBody;
    409: ErrorBody;
  };
  'GET /jupyter-deploy/doctor': {
    200: DoctorReport;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
  };
  'GET /jupyter-deploy/project': {
    200: ProjectLookup;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
  };
  'GET /jupyter-deploy/parameters': {
    200: NotebookParameters;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
  };
  'GET /jupyter-deploy/runs': {
    200: RunList;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
  };
  'POST /jupyter-deploy/runs': {
    201: Run;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
  };
  'POST /jupyter-deploy/sweeps': {
    201: StartedSweep;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
  };
  'GET /jupyter-deploy/runs/{run_id}': {
    200: Run;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
  };
  'POST /jupyter-deploy/runs/{run_id}/cancel': {
    202: Run;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
  };
  'POST /jupyter-deploy/runs/{run_id}/rerun': {
    201: Run;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
  };
  'GET /jupyter-deploy/versions': {
    200: VersionList;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
  };
  'POST /jupyter-deploy/versions': {
    201: Version;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
  };
  'GET /jupyter-deploy/versions/{version}': {
    200: Version;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
  };
  'GET /jupyter-deploy/versions/diff': {
    200: VersionDiff;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
  };
  'GET /jupyter-deploy/versions/{version}/restore': {
    200: RestorePlan;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
  };
  'POST /jupyter-deploy/versions/{version}/restore': {
    200: RestorePlan;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
  };
  'POST /jupyter-deploy/versions/{version}/notebook': {
    200: VersionNotebook;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
  };
  'GET /jupyter-deploy/stages': {
    200: Stages;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
  };
  'POST /jupyter-deploy/stages': {
    201: StageAssignment;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
  };
  'GET /jupyter-deploy/builds': {
    200: BuildList;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
  };
  'POST /jupyter-deploy/builds': {
    201: Build;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
    503: ErrorBody;
  };
  'GET /jupyter-deploy/builds/{build_id}': {
    200: Build;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
  };
  'GET /jupyter-deploy/builds/{build_id}/log': {
    200: BuildLogPage;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
  };
  'POST /jupyter-deploy/builds/{build_id}/cancel': {
    202: Build;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
  };
  'GET /jupyter-deploy/deployments': {
    200: DeploymentList;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
    503: ErrorBody;
  };
  'POST /jupyter-deploy/deployments': {
    202: OperationStarted;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
    503: ErrorBody;
  };
  'GET /jupyter-deploy/deployments/{name}': {
    200: Deployment;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
    503: ErrorBody;
  };
  'POST /jupyter-deploy/deployments/{name}/rollback': {
    202: OperationStarted;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
    503: ErrorBody;
  };
  'POST /jupyter-deploy/deployments/{name}/down': {
    202: OperationStarted;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
    503: ErrorBody;
  };
  'GET /jupyter-deploy/deployments/{name}/logs': {
    200: DeploymentLogs;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
    503: ErrorBody;
  };
  'GET /jupyter-deploy/deployments/{name}/metrics': {
    200: DeploymentMetrics;
    400: ErrorBody;
    403: ErrorBody;
    404: ErrorBody;
    409: ErrorBody;
    503: ErrorBody;
  };
};
