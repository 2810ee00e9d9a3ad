/**
 * Counts, sizes, values and names as people read them, for every feature
 * (runs, versions, builds, deployments).
 */
import type { JSONValue } from '../api';

/** "1 run", "4 runs": a count and its noun, plural with an "s". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** A metric or parameter value in a table cell; four significant digits. */
export function formatValue(value: JSONValue | undefined): string {
  if (value === undefined) {
    return '—';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value)
      ? String(value)
      : String(Number(value.toPrecision(4)));
  }
  if (typeof value === 'string') {
    return value;
  }
  return JSON.stringify(value);
}

/** A signed change with four significant digits: "+0.02", "−1.5". */
export function formatDelta(delta: number): string {
  if (delta === 0) {
    return '±0';
  }
  const magnitude = Number(Math.abs(delta).toPrecision(4));
  return `${delta > 0 ? '+' : '−'}${magnitude}`;
}

const BINARY_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** "512 B", "1.5 KB", "24 MB": binary units, as the file browser shows. */
export function formatBytes(bytes: number): string {
  return formatSize(bytes, 1024, BINARY_UNITS);
}

/** `bytes` in the largest of `units` (each `base` times the one before). */
export function formatSize(
  bytes: number,
  base: number,
  units: string[]
): string {
  if (!Number.isFinite(bytes) || bytes < 0) {
    return '—';
  }
  let value = bytes;
  let unit = 0;
  while (value >= base && unit < units.length - 1) {
    value /= base;
    unit++;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** The first 8 characters of a hash: enough to tell files apart by eye. */
export function shortHash(hash: string | null | undefined): string {
  return hash ? hash.slice(0, 8) : '—';
}

/** The version part of a tag: `v2` of `iris-classifier@v2`. */
export function versionLabel(tag: string): string {
  return tag.slice(tag.lastIndexOf('@') + 1);
}
