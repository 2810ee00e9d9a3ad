import {
  asApiError,
  type ApiError,
  type DeployClient,
  type JSONValue,
  type ModelVersion,
  type VersionDiff,
  type VersionFile
} from '../api';
import { formatValue } from '../format/text';
import { deltaTone, type DeltaTone } from './metricDirection';
import { StateModel } from './stateModel';

/** A parameter or metric of two versions. */
export interface IValueRow {
  name: string;
  old: string;
  new: string;
  changed: boolean;
  delta: number | null;
  tone: DeltaTone;
}

export type FileStatus = 'added' | 'removed' | 'changed' | 'unchanged';

/** A stored file of two versions, by its hashes. */
export interface IFileRow {
  path: string;
  old: string | null;
  new: string | null;
  status: FileStatus;
  /** Where a data file's bytes are kept (absent for model files). */
  storage?: string;
}

/** Every name of either side, old and new values, changed ones marked. */
export function valueRows(
  old: Record<string, JSONValue>,
  next: Record<string, JSONValue>,
  metrics = false
): IValueRow[] {
  const names = [...new Set([...Object.keys(old), ...Object.keys(next)])].sort(
    (a, b) => a.localeCompare(b)
  );
  return names.map(name => {
    const before = old[name];
    const after = next[name];
    const delta =
      metrics && typeof before === 'number' && typeof after === 'number'
        ? after - before
        : null;
    return {
      name,
      old: formatValue(before),
      new: formatValue(after),
      changed:
        JSON.stringify(before ?? null) !== JSON.stringify(after ?? null) ||
        name in old !== name in next,
      delta,
      tone: metrics ? deltaTone(name, delta) : 'neutral'
    };
  });
}

/** Files of either side by path, with what happened to each. */
export function fileRows(
  old: readonly VersionFile[],
  next: readonly VersionFile[]
): IFileRow[] {
  const before = new Map(old.map(file => [file.path, file]));
  const after = new Map(next.map(file => [file.path, file]));
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort((a, b) =>
    a.localeCompare(b)
  );
  return paths.map(path => {
    const a = before.get(path);
    const b = after.get(path);
    const status: FileStatus = !a
      ? 'added'
      : !b
        ? 'removed'
        : a.md5 === b.md5
          ? 'unchanged'
          : 'changed';
    return {
      path,
      old: a?.md5 ?? null,
      new: b?.md5 ?? null,
      status,
      storage: (b ?? a)?.storage
    };
  });
}

/** What a comparison tab shows. */
export interface ICompareState {
  project: string;
  /** Tags, older first. */
  old: string;
  new: string;
  loading: boolean;
  error: ApiError | null;
  diff: VersionDiff | null;
  /** The two versions in full: unchanged values are shown too. */
  versions: { old: ModelVersion; new: ModelVersion } | null;
}

/** The comparison of two versions of a project. */
export class VersionCompareModel extends StateModel<ICompareState> {
  constructor(
    private readonly _client: DeployClient,
    project: string,
    old: string,
    next: string
  ) {
    super({
      project,
      old,
      new: next,
      loading: false,
      error: null,
      diff: null,
      versions: null
    });
  }

  async refresh(): Promise<void> {
    const { project, old, new: next } = this.state;
    const isCurrent = this.startRequest();
    this.update({ loading: true });
    try {
      const [diff, before, after] = await Promise.all([
        this._client.diffVersions(project, old, next),
        this._client.getVersion(project, old),
        this._client.getVersion(project, next)
      ]);
      if (isCurrent()) {
        this.update({
          loading: false,
          error: null,
          diff,
          versions: { old: before, new: after }
        });
      }
    } catch (reason) {
      if (isCurrent()) {
        this.update({ loading: false, error: asApiError(reason) });
      }
    }
  }
}
