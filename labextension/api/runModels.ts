/**
 * Wire models of the Runs routes (docs/contract.md, "Runs").
 * They mirror the server's JSON exactly, so field names stay snake_case.
 */

/** Where a run is in its life. */
export type RunStatus =
  'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

/** Every run status, in life-cycle order. */
export const RUN_STATUSES: readonly RunStatus[] = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'interrupted'
];

/** Statuses of a run that has not finished yet (it can be cancelled). */
export const ACTIVE_STATUSES: readonly RunStatus[] = ['queued', 'running'];

/** A JSON value, as parameters and metrics travel. */
export type JSONValue =
  null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };

/** Type of a parameter, inferred from its literal default. */
export type ParameterType =
  'int' | 'float' | 'str' | 'bool' | 'list' | 'dict' | 'any';

/** One name of the notebook's `parameters` cell. */
export type NotebookParameter = {
  name: string;
  type: ParameterType;
  default: JSONValue;
  /** The comment next to the default, or null. */
  help: string | null;
};

/** `GET /jupyter-deploy/parameters?path=...` */
export type NotebookParameters = {
  notebook: string;
  /** Project folder relative to the Jupyter root. */
  project: string;
  parameters: NotebookParameter[];
};

/** Which cell a running notebook is at (1-based `cell` of `total`). */
export type RunProgress = {
  cell: number;
  total: number;
};

/** A file a run produced. */
export type RunFile = {
  path: string;
  size: number;
  sha256: string;
};

/** Python and package versions a run used. */
export type RunEnvironment = {
  python: string;
  packages: Record<string, string>;
};

/** Why a run failed. */
export type RunErrorKind =
  'cell_error' | 'cell_timeout' | 'dead_kernel' | 'time_limit' | 'internal';

export type RunError = {
  kind: RunErrorKind;
  cell_index: number | null;
  ename: string | null;
  evalue: string | null;
};

/** One execution of a notebook with parameters. */
export type Run = {
  id: string;
  sweep_id: string | null;
  project: string;
  notebook: string;
  parameters: Record<string, JSONValue>;
  status: RunStatus;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_s: number | null;
  created_by: string;
  progress: RunProgress | null;
  output_notebook: string | null;
  metrics: Record<string, JSONValue>;
  files: RunFile[];
  environment: RunEnvironment | null;
  error: RunError | null;
  cell_timeout: number | null;
  time_limit: number | null;
  /**
   * Tags of the versions made from the run, oldest first. Only the runs
   * listing says; events and single runs leave it out (unknown, not none).
   */
  promoted_to?: string[];
};

/** Count of a sweep's runs per status. */
export type SweepCounts = Record<RunStatus, number>;

/** How a sweep combines the values of its parameters. */
export type SweepMode = 'grid' | 'zip';

/** A batch of runs started together. */
export type Sweep = {
  id: string;
  project: string;
  notebook: string;
  mode: SweepMode;
  concurrency: number;
  created_at: string;
  created_by: string;
  total: number;
  counts: SweepCounts;
  /** Seconds the server expects the sweep still needs, or null. */
  eta_s: number | null;
};

/** Limits shared by runs and sweeps (server defaults when left out). */
export type RunLimits = {
  cell_timeout?: number;
  time_limit?: number;
};

/** Body of `POST /jupyter-deploy/runs` */
export type StartRunRequest = RunLimits & {
  notebook: string;
  parameters: Record<string, JSONValue>;
};

/** Body of `POST /jupyter-deploy/sweeps` */
export type StartSweepRequest = RunLimits & {
  notebook: string;
  parameters: Record<string, JSONValue[]>;
  mode: SweepMode;
  concurrency: number;
};

/** Answer of `POST /jupyter-deploy/sweeps` */
export type StartedSweep = {
  sweep: Sweep;
  runs: Run[];
};

/** Answer of `GET /jupyter-deploy/runs?project=...`, newest first. */
export type RunList = {
  runs: Run[];
  sweeps: Sweep[];
};
