/** Types of the versions routes (see docs/contract.md, "Versions"). */
import type { JSONValue } from './runModels';
import type { Assert, Same } from './schema';
import type * as wire from './schema';

export type VersionFile = {
  path: string;
  md5: string;
  size: number;
  /** Where the bytes are kept (recorded since data files were tracked). */
  storage?: 'dvc' | 'git';
};

/** A data file the run read, and where its bytes are kept. */
export type DataFile = VersionFile & { storage: 'dvc' | 'git' };

export type JSONSchema = { [key: string]: JSONValue };

/** The serving API of a version, from predict's type hints (or the input example). */
export type ServingSchema = {
  /** e.g. `predict` */
  function: string;
  /** JSON Schema of the request body. */
  input: JSONSchema;
  output: JSONSchema | null;
  source: 'type hints' | 'input example';
  /** The run's input example, when it was small enough to keep. */
  example?: JSONValue;
};

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
  /** Empty on versions made before data files were recorded. */
  data: DataFile[];
  /**
   * null when predict has no type hints and no input example; absent from
   * listings (GET one version for it).
   */
  schema?: ServingSchema | null;
  /** Listings give `package_count`; one version gives every package. */
  environment: {
    python?: string;
    executable?: string;
    packages?: Record<string, string>;
    package_count?: number;
  } | null;
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

/** Old and new md5 of a file; null on the side that lacks it. */
export type HashChange = { old: string | null; new: string | null };

export type SchemaChange = {
  side: 'input' | 'output';
  /** Where in the schema, e.g. `sepal_length`. */
  path: string;
  change: 'added' | 'removed' | 'retyped' | 'required';
  old: string | null;
  new: string | null;
  breaking: boolean;
};

export type CellChange = {
  cell_id: string;
  change: 'added' | 'removed' | 'modified';
  /** Unified diff of the cell's source. */
  diff: string;
};

export type VersionDiff = {
  old: string;
  new: string;
  parameters: Record<string, Change>;
  metrics: Record<string, Change>;
  files: Record<string, HashChange>;
  data: Record<string, HashChange>;
  schema: { breaking: boolean; changes: SchemaChange[] };
  cells: CellChange[];
};

/** Where a read-only copy of a version's executed notebook was written. */
export type VersionNotebook = {
  /** Relative to the Jupyter root. */
  path: string;
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

// Checked against the types generated from docs/openapi.yaml (./schema.ts): `tsc`
// fails when a wire model here and the document drift apart. `Same`: exactly the
// document's type; `Covers`: the same fields, each accepting at least what the
// server sends; `Extends` (requests): everything sent is something the server accepts.
// Exported only because an unused type fails the build (noUnusedLocals).
export type VersionContractChecks = [
  Assert<Same<VersionFile, wire.VersionFile>>,
  Assert<Same<DataFile, wire.DataFile>>,
  Assert<Same<ServingSchema, wire.ServingSchema>>,
  Assert<Same<ModelVersion, wire.Version>>,
  Assert<Same<VersionList, wire.VersionList>>,
  Assert<Same<Change, wire.Change>>,
  Assert<Same<HashChange, wire.HashChange>>,
  Assert<Same<SchemaChange, wire.SchemaChange>>,
  Assert<Same<CellChange, wire.CellChange>>,
  Assert<Same<VersionDiff, wire.VersionDiff>>,
  Assert<Same<VersionNotebook, wire.VersionNotebook>>,
  Assert<Same<RestoreAction, wire.RestoreAction>>,
  Assert<Same<RestorePlan, wire.RestorePlan>>,
  Assert<Same<StageAssignment, wire.StageAssignment>>,
  Assert<Same<Stages, wire.Stages>>
];
