/**
 * Wire models of the Builds routes (docs/contract.md, "Builds").
 * They mirror the server's JSON exactly, so field names stay snake_case.
 */
import type { Assert, Extends, Same } from './schema';
import type * as wire from './schema';

/** Where a build is in its life. */
export type BuildStatus =
  'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

/** The steps of a build, in the order they run. */
export const BUILD_STEPS = [
  'export',
  'smoke',
  'resolve',
  'dependencies',
  'image'
] as const;

export type BuildStepName = (typeof BUILD_STEPS)[number];

/** A step that has started; `duration_s` stays null until it ends. */
export type BuildStepRecord = {
  name: string;
  started_at: string;
  duration_s: number | null;
};

/** The image a succeeded build made. */
export type BuiltImage = {
  /** `sha256:…` */
  id: string;
  tag: string;
  /** Bytes. */
  size: number;
  /** The image holding only the locked wheels, named by the lock's hash. */
  dependency_image: string;
  /** The dependency image already existed and was reused. */
  dependency_cached: boolean;
  /** Hash of the locked wheels, which names the dependency image. */
  lock_hash: string;
};

export type BuildError = {
  code: string;
  message: string;
  /** For `smoke_test_failed`: the notebook's own traceback. */
  traceback: string | null;
};

/** A build of one version's container image. */
export type Build = {
  /** `b-` and 10 hex digits. */
  id: string;
  project: string;
  model: string;
  /** `MODEL@vN` */
  version: string;
  status: BuildStatus;
  /** The step running (or where the build stopped); null before the first. */
  step: BuildStepName | null;
  steps: BuildStepRecord[];
  base_image: string;
  created_at: string;
  created_by: string;
  started_at: string | null;
  finished_at: string | null;
  duration_s: number | null;
  image: BuiltImage | null;
  /** The pinned requirements the smoke test found, once it ran. */
  requirements: string[] | null;
  error: BuildError | null;
  cancel_requested: boolean;
};

/** Body of `POST /jupyter-deploy/builds`. */
export type StartBuildRequest = {
  project: string;
  /** `MODEL@vN` */
  version: string;
  /** Defaults to the project's configured base image. */
  base_image?: string;
};

/** `GET /jupyter-deploy/builds?project=...`, newest first. */
export type BuildList = {
  builds: Build[];
  /** Older builds exist beyond the listing's limit. */
  has_more: boolean;
};

/** `GET /jupyter-deploy/builds/<id>/log?project=...&offset=N` */
export type BuildLogPage = {
  lines: string[];
  /** Index of the line after the last one sent: the next request's offset. */
  offset: number;
};

// Checked against the types generated from docs/openapi.yaml (./schema.ts): `tsc`
// fails when a wire model here and the document drift apart. `Same`: exactly the
// document's type; `Covers`: the same fields, each accepting at least what the
// server sends; `Extends` (requests): everything sent is something the server accepts.
// Exported only because an unused type fails the build (noUnusedLocals).
export type BuildContractChecks = [
  Assert<Same<BuildStatus, wire.BuildStatus>>,
  Assert<Same<BuildStepName, wire.BuildStepName>>,
  Assert<Same<BuildStepRecord, wire.BuildStepRecord>>,
  Assert<Same<BuiltImage, wire.BuiltImage>>,
  Assert<Same<BuildError, wire.BuildError>>,
  Assert<Same<Build, wire.Build>>,
  Assert<Same<BuildList, wire.BuildList>>,
  Assert<Same<BuildLogPage, wire.BuildLogPage>>,
  Assert<Extends<StartBuildRequest, wire.StartBuildRequest>>
];
