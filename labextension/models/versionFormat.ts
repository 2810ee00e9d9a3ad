import type { ModelVersion, VersionFile } from '../api';

/** `vN` → N, for ordering versions; 0 when the name has no number. */
export function versionNumber(version: string): number {
  const match = /(\d+)$/.exec(version);
  return match ? Number(match[1]) : 0;
}

/** The files of a version whose hash names its data: data first, then model files. */
export function hashedFiles(version: ModelVersion): VersionFile[] {
  return [...(version.data ?? []), ...version.files];
}

/** Number of packages recorded in a version's environment, if any. */
export function packageCount(version: ModelVersion): number | null {
  const environment = version.environment;
  if (environment?.packages) {
    return Object.keys(environment.packages).length;
  }
  return environment?.package_count ?? null;
}
