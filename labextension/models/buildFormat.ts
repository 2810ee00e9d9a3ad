import {
  BUILD_STEPS,
  type Build,
  type BuildStatus,
  type BuildStepName
} from '../api';
import { formatSize } from '../format/text';
import { parseTime } from '../format/time';
import type { StepState } from '../format/steps';
import { LIFECYCLE_RANK, mergeNewestFirst } from './newestFirst';

/** A build step as a word for people. */
export const STEP_LABELS: Record<BuildStepName, string> = {
  export: 'Export',
  smoke: 'Smoke test',
  resolve: 'Resolve wheels',
  dependencies: 'Dependency image',
  image: 'Image'
};

export const BUILD_STATUS_LABELS: Record<BuildStatus, string> = {
  queued: 'Queued',
  running: 'Building',
  succeeded: 'Built',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted'
};

/** Headings of the failures a person can act on. */
const ERROR_TITLES: Record<string, string> = {
  invalid_notebook: 'The notebook cannot be served',
  smoke_test_failed: 'The smoke test failed',
  resolve_failed: 'The wheels could not be resolved',
  image_build_failed: 'Docker could not build the image',
  base_image_missing: 'The base image is not available',
  docker_unavailable: 'Docker is not available',
  worker_failed: 'The build process stopped unexpectedly',
  conflict: 'A build of this version is already running'
};

/** A heading for a build's (or a build request's) error code, if it has one. */
export function buildErrorTitle(code: string): string | null {
  return ERROR_TITLES[code] ?? null;
}

/** Whether a build may still change. */
export function isActiveBuild(build: Build): boolean {
  return build.status === 'queued' || build.status === 'running';
}

const STATUS_RANK: Record<BuildStatus, number> = LIFECYCLE_RANK;

function progressKey(build: Build): number[] {
  return [
    STATUS_RANK[build.status] ?? 0,
    build.step === null ? -1 : BUILD_STEPS.indexOf(build.step),
    build.steps.filter(step => step.duration_s !== null).length,
    build.cancel_requested ? 1 : 0
  ];
}

/**
 * Whether `candidate` is at least as recent as `current`. Pushed events and
 * route answers may cross; a build never goes back in its life cycle, a
 * step, or on a cancel request.
 */
export function isNewerBuild(candidate: Build, current: Build): boolean {
  const a = progressKey(candidate);
  const b = progressKey(current);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      return a[i] > b[i];
    }
  }
  return true;
}

/** Insert or update a build, keeping the list newest first. */
export function mergeBuild(builds: Build[], build: Build): Build[] {
  return mergeNewestFirst(builds, build, isNewerBuild);
}

export interface IStepView {
  name: BuildStepName;
  label: string;
  state: StepState;
  /** How long it took, or has taken so far; null when it did not start. */
  seconds: number | null;
}

/** Where each step of a build is, at time `now` (ms). */
export function stepViews(build: Build, now: number): IStepView[] {
  const active = isActiveBuild(build);
  const end = active ? now : (parseTime(build.finished_at) ?? now);
  const stopped: StepState = build.status === 'failed' ? 'failed' : 'stopped';
  return BUILD_STEPS.map(name => {
    const record = build.steps.find(step => step.name === name);
    const started = parseTime(record?.started_at);
    const seconds =
      record?.duration_s ??
      (started === null ? null : Math.max(0, (end - started) / 1000));
    const endedHere =
      !active &&
      build.status !== 'succeeded' &&
      (build.step === name || record?.duration_s === null);
    let state: StepState;
    if (endedHere) {
      state = stopped;
    } else if (!record) {
      state = active ? 'pending' : 'skipped';
    } else if (record.duration_s === null && build.step === name) {
      state = 'running';
    } else {
      state = 'done';
    }
    return { name, label: STEP_LABELS[name], state, seconds };
  });
}

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** "412 MB": decimal units, as `docker images` shows image sizes. */
export function formatImageSize(bytes: number): string {
  return formatSize(bytes, 1000, DECIMAL_UNITS);
}

/** The 12 hex digits `docker images` shows for an image id. */
export function shortImageId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** Tags of the versions with a succeeded build among `builds`. */
export function builtVersions(builds: readonly Build[]): Set<string> {
  return new Set(
    builds.filter(b => b.status === 'succeeded').map(b => b.version)
  );
}
