/**
 * Times and durations as people read them, for every feature (runs,
 * versions, builds, deployments).
 */
import { plural } from './text';

/** Milliseconds since the epoch, or null. */
export function parseTime(text: string | null | undefined): number | null {
  if (!text) {
    return null;
  }
  const time = Date.parse(text);
  return Number.isNaN(time) ? null : time;
}

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

/**
 * "4.2 s", "42 s", "3 min 5 s", "1 h 2 min". Not `precise`: whole seconds
 * (for clocks that tick, and estimates).
 */
export function formatDuration(seconds: number | null, precise = true): string {
  if (seconds === null || !Number.isFinite(seconds)) {
    return '—';
  }
  if (precise && seconds < 10) {
    return `${(Math.floor(seconds * 10) / 10).toFixed(1)} s`;
  }
  const whole = Math.round(seconds);
  if (whole < 60) {
    return `${whole} s`;
  }
  if (whole < 3600) {
    const rest = whole % 60;
    return `${Math.floor(whole / 60)} min${rest ? ` ${rest} s` : ''}`;
  }
  const minutes = Math.floor((whole % 3600) / 60);
  return `${Math.floor(whole / 3600)} h${minutes ? ` ${minutes} min` : ''}`;
}

/** Something that starts, ends, and says how long it took once it ended. */
export interface ITimed {
  started_at: string | null;
  finished_at: string | null;
  duration_s: number | null;
}

/**
 * Seconds a run or a build took, or has taken so far (until `now`); null
 * before it started.
 */
export function elapsedSeconds(
  timed: ITimed,
  now: number = Date.now()
): number | null {
  if (timed.duration_s !== null && timed.duration_s !== undefined) {
    return timed.duration_s;
  }
  const started = parseTime(timed.started_at);
  if (started === null) {
    return null;
  }
  const finished = parseTime(timed.finished_at);
  return Math.max(0, ((finished ?? now) - started) / 1000);
}
