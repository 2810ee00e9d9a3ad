import type { JSONValue, ModelVersion } from '../api';
import { formatValue, shortHash } from '../format/text';
import { deltaTone, metricDirection, type DeltaTone } from './metricDirection';
import { varyingParameters } from './runsTable';
import { hashedFiles } from './versionFormat';

/** Rows rendered at first, and added by each "Show more". */
export const PAGE_SIZE = 50;

/** How many metrics a row shows. */
export const KEY_METRIC_COUNT = 3;

/** A metric of a row and how it moved since the previous (older) version. */
export interface IKeyMetric {
  name: string;
  value: string;
  /** Change since the previous version; null when either lacks a number. */
  delta: number | null;
  tone: DeltaTone;
}

/** What a row of the versions list shows, computed once per listing. */
export interface IVersionRow {
  version: ModelVersion;
  /** The version the deltas are against (`vN`), the next older one. */
  previous: string | null;
  metrics: IKeyMetric[];
  /** The parameters that tell the versions apart, as `name=value`. */
  parameters: { name: string; value: string }[];
  /** Short hash of the first data (else model) file; null without files. */
  dataHash: string | null;
  /** Which kind of file `dataHash` names. */
  dataKind: 'data' | 'model';
  /** Every hashed file, one per line, for the tooltip. */
  dataTitle: string;
  /** Lower-case text the filter box matches. */
  searchText: string;
}

function numeric(value: JSONValue | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * Up to three numeric metrics worth a place in every row: those with a
 * known direction (they can be coloured) when there are any, since counts
 * like `n_test` would crowd them out; else any. Those most versions report
 * come first, then by name.
 */
export function keyMetricNames(versions: readonly ModelVersion[]): string[] {
  const counts = new Map<string, number>();
  for (const version of versions) {
    for (const [name, value] of Object.entries(version.metrics ?? {})) {
      if (numeric(value)) {
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
    }
  }
  const names = [...counts.keys()];
  const directed = names.filter(name => metricDirection(name) !== 'neutral');
  return (directed.length > 0 ? directed : names)
    .sort((a, b) => counts.get(b)! - counts.get(a)! || a.localeCompare(b))
    .slice(0, KEY_METRIC_COUNT);
}

/** The change of a metric between two versions; null unless both are numbers. */
export function metricDelta(
  name: string,
  version: ModelVersion,
  previous: ModelVersion | undefined
): number | null {
  const now = version.metrics?.[name];
  const before = previous?.metrics?.[name];
  return numeric(now) && numeric(before) ? now - before : null;
}

const rowCache = new WeakMap<readonly ModelVersion[], IVersionRow[]>();

/**
 * The rows of a listing (newest first), each compared with the version just
 * older than it. Cached per listing, so re-renders cost nothing.
 */
export function versionRows(versions: readonly ModelVersion[]): IVersionRow[] {
  const cached = rowCache.get(versions);
  if (cached) {
    return cached;
  }
  const names = keyMetricNames(versions);
  const varying = varyingParameters(versions);
  const rows = versions.map((version, index) =>
    makeRow(version, versions[index + 1], names, varying)
  );
  rowCache.set(versions, rows);
  return rows;
}

function makeRow(
  version: ModelVersion,
  previous: ModelVersion | undefined,
  metricNames: string[],
  parameterNames: string[]
): IVersionRow {
  const metrics = metricNames
    .filter(name => numeric(version.metrics?.[name]))
    .map(name => {
      const delta = metricDelta(name, version, previous);
      return {
        name,
        value: formatValue(version.metrics[name]),
        delta,
        tone: deltaTone(name, delta)
      };
    });
  const parameters = parameterNames
    .filter(name => name in (version.parameters ?? {}))
    .map(name => ({ name, value: formatValue(version.parameters[name]) }));
  const files = hashedFiles(version);
  const stages = version.stages ?? [];
  const searchText = [
    version.version,
    version.tag,
    version.run_id,
    version.author?.name ?? '',
    ...stages,
    ...parameters.map(p => `${p.name}=${p.value}`)
  ]
    .join(' ')
    .toLowerCase();
  return {
    version,
    previous: previous?.version ?? null,
    metrics,
    parameters,
    dataHash: files.length > 0 ? shortHash(files[0].md5) : null,
    dataKind: (version.data ?? []).length > 0 ? 'data' : 'model',
    dataTitle: files.map(file => `${file.path}  ${file.md5}`).join('\n'),
    searchText
  };
}

const filterCache = new WeakMap<IVersionRow[], Map<string, IVersionRow[]>>();

/**
 * The rows whose version, run, author, stage or parameters contain every
 * word of `query` ("v12", "production", "max_depth=3"). Cached per query.
 */
export function filterRows(rows: IVersionRow[], query: string): IVersionRow[] {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) {
    return rows;
  }
  const key = terms.join(' ');
  let byQuery = filterCache.get(rows);
  if (!byQuery) {
    byQuery = new Map();
    filterCache.set(rows, byQuery);
  }
  let found = byQuery.get(key);
  if (!found) {
    found = rows.filter(row =>
      terms.every(term => row.searchText.includes(term))
    );
    byQuery.set(key, found);
  }
  return found;
}
