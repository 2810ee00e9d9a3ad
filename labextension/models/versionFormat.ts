import type { ModelVersion, VersionFile } from '../api';
import { plural } from './plural';

/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 days ago", else the date. */
export function relativeTime(time: number, now: number): string {
  // A server clock slightly ahead of the browser's is not "in 3 s".
  const seconds = Math.max(0, Math.round((now - time) / 1000));
  if (seconds < 10) {
    return 'just now';
  }
  if (seconds < 60) {
    return `${seconds} s ago`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min ago`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    return `${hours} h ago`;
  }
  const days = Math.floor(hours / 24);
  if (days < 30) {
    return `${plural(days, 'day')} ago`;
  }
  return new Date(time).toLocaleDateString();
}

/** The exact time for a tooltip; the text itself when it is not a time. */
export function exactTime(text: string): string {
  const time = Date.parse(text);
  return Number.isNaN(time) ? text : new Date(time).toLocaleString();
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** "512 B", "1.5 KB", "24 MB": binary units, as the file browser shows. */
export function formatBytes(bytes: number): string {
  return formatSize(bytes, 1024, UNITS);
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

/** A signed change with four significant digits: "+0.02", "−1.5". */
export function formatDelta(delta: number): string {
  if (delta === 0) {
    return '±0';
  }
  const magnitude = Number(Math.abs(delta).toPrecision(4));
  return `${delta > 0 ? '+' : '−'}${magnitude}`;
}

/** `MODEL@vN` → `vN`. */
export function versionLabel(tag: string): string {
  return tag.slice(tag.lastIndexOf('@') + 1);
}

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
