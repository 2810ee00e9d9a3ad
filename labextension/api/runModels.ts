/**
 * Wire models of the Runs routes (docs/contract.md, "Runs").
 * They mirror the server's JSON exactly, so field names stay snake_case.
 */
import type { Assert, Extends, Same } from './schema';
import type * as wire from './schema';

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
  /** The kernel's interpreter. */
  executable: string;
  packages: Record<string, string>;
};

/** Why a run failed. */
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
  progress: RunProgress;
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

// Checked against the types generated from docs/openapi.yaml (./schema.ts): `tsc`
// fails when a wire model here and the document drift apart. `Same`: exactly the
// document's type; `Covers`: the same fields, each accepting at least what the
// server sends; `Extends` (requests): everything sent is something the server accepts.
// Exported only because an unused type fails the build (noUnusedLocals).
export type RunContractChecks = [
  Assert<Same<RunStatus, wire.RunStatus>>,
  Assert<Same<JSONValue, wire.JSONValue>>,
  Assert<Same<ParameterType, wire.ParameterType>>,
  Assert<Same<NotebookParameter, wire.Parameter>>,
  Assert<Same<NotebookParameters, wire.NotebookParameters>>,
  Assert<Same<RunProgress, wire.RunProgress>>,
  Assert<Same<RunFile, wire.RunFile>>,
  Assert<Same<RunEnvironment, wire.RunEnvironment>>,
  Assert<Same<RunErrorKind, wire.RunErrorKind>>,
  Assert<Same<RunError, wire.RunError>>,
  Assert<Same<Run, wire.Run>>,
  Assert<Same<SweepCounts, wire.SweepCounts>>,
  Assert<Same<SweepMode, wire.SweepMode>>,
  Assert<Same<Sweep, wire.Sweep>>,
  Assert<Same<StartedSweep, wire.StartedSweep>>,
  Assert<Same<RunList, wire.RunList>>,
  Assert<Extends<StartRunRequest, wire.StartRunRequest>>,
  Assert<Extends<StartSweepRequest, wire.StartSweepRequest>>
];
