/**
 * Wire models of the jupyter_deploy REST API (see docs/contract.md).
 * They mirror the server's JSON exactly, so field names stay snake_case.
 */

/** Outcome of one doctor check, and of the report as a whole. */
export type CheckStatus = 'ok' | 'warning' | 'error';

/** `GET /jupyter-deploy/version` */
export type VersionInfo = {
  name: string;
  version: string;
  api_version: number;
};

/** One row of the doctor report. */
export type DoctorCheck = {
  id: string;
  label: string;
  status: CheckStatus;
  value: string | null;
  detail: string;
  hint: string | null;
};

/** The deployment target the server would pick, and why. */
export type TargetChoice = {
  name: string;
  reason: string;
};

/** The project found at or above the requested folder (path null: none). */
export type ProjectInfo = {
  path: string | null;
  config_file: string | null;
  valid: boolean;
  error: string | null;
};

/** Where a recorded identity came from, best first. */
export type IdentitySource =
  'jupyter' | 'git_env' | 'git_config' | 'os_user' | 'given';

/** Who runs, versions and deployments made here are recorded as. */
export type RecordedIdentity = {
  name: string;
  email: string;
  source: IdentitySource;
};

/** `GET /jupyter-deploy/doctor?path=...` */
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

/** Body of every 4xx/5xx answer. */
export type ErrorBody = {
  error: {
    code: string;
    message: string;
    /** Facts some routes add, e.g. a build's `traceback`. */
    [detail: string]: unknown;
  };
};
