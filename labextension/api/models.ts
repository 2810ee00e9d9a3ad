/**
 * Wire models of the jupyter_deploy REST API (see docs/contract.md).
 * They mirror the server's JSON exactly, so field names stay snake_case.
 */
import type { Assert, Covers, Same } from './schema';
import type * as wire from './schema';

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
  /** null when there is no project. */
  valid: boolean | null;
  error: string | null;
  /** The project's model, when its config names one. */
  model: string | null;
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

// Checked against the types generated from docs/openapi.yaml (./schema.ts): `tsc`
// fails when a wire model here and the document drift apart. `Same`: exactly the
// document's type; `Covers`: the same fields, each accepting at least what the
// server sends; `Extends` (requests): everything sent is something the server accepts.
// Exported only because an unused type fails the build (noUnusedLocals).
export type MetaContractChecks = [
  Assert<Same<CheckStatus, wire.CheckStatus>>,
  Assert<Same<VersionInfo, wire.VersionInfo>>,
  Assert<Same<DoctorCheck, wire.DoctorCheck>>,
  Assert<Same<TargetChoice, wire.TargetChoice>>,
  Assert<Same<ProjectInfo, wire.ProjectInfo>>,
  Assert<Same<IdentitySource, wire.IdentitySource>>,
  Assert<Same<RecordedIdentity, wire.RecordedIdentity>>,
  Assert<Same<DoctorReport, wire.DoctorReport>>,
  // The server sends code and message only; errors.ts keeps any other key as a detail.
  Assert<Covers<wire.ErrorBody, ErrorBody>>
];
