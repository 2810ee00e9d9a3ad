/** Types of the versions routes (see docs/contract.md, "Versions"). */
import type { JSONValue } from './runModels';

export type VersionFile = { path: string; md5: string; size: number };

/** A version: a git tag `MODEL@vN` and the facts recorded with it. */
export type ModelVersion = {
  model: string;
  /** `vN` */
  version: string;
  /** `MODEL@vN` */
  tag: string;
  run_id: string;
  sweep_id: string | null;
  notebook: string;
  parameters: Record<string, JSONValue>;
  metrics: Record<string, JSONValue>;
  files: VersionFile[];
  environment: { python?: string; packages?: Record<string, string> } | null;
  author: { name: string; email: string };
  created_at: string;
  source_commit: string;
  /** Stages on this version now (in listings). */
  stages?: string[];
  /** Only in the answer to a promotion. */
  commit?: string;
};

export type VersionList = {
  project: string;
  model: string;
  versions: ModelVersion[];
};

export type Change = { old: JSONValue; new: JSONValue; delta?: number };

export type VersionDiff = {
  old: string;
  new: string;
  parameters: Record<string, Change>;
  metrics: Record<string, Change>;
  files: Record<string, { old: string | null; new: string | null }>;
  cells: {
    cell_id: string;
    change: 'added' | 'removed' | 'modified';
    diff: string;
  }[];
};

export type RestoreAction = 'create' | 'overwrite' | 'unchanged';

export type RestorePlan = {
  version: string;
  files: (VersionFile & {
    action: RestoreAction;
    current_md5: string | null;
    /** After a restore: the md5 the overwritten file was saved under. */
    saved_as?: string;
  })[];
};

export type StageAssignment = {
  stage: string;
  version: string;
  tag: string;
  number: number;
  author: { name: string; email: string };
  assigned_at: string;
};

export type Stages = {
  /** stage -> `vN` */
  current: Record<string, string>;
  history: StageAssignment[];
};
