import type { BuildLogPage } from '../api';

/** Lines a log view keeps: a build's log can run to tens of thousands. */
export const MAX_LOG_LINES = 3000;

/**
 * The tail of one build's log.
 *
 * The log route is the truth: its answers carry the index of the next line
 * (`offset`). Pushed events carry new lines but no index, so the lines they
 * bring are shown at once but counted apart (`heard`, at the end): the
 * route's next answer from `offset` replaces as many of them as it holds,
 * which mends a line an event lost or doubled around a reconnection.
 */
export interface IBuildLog {
  buildId: string;
  /** The newest lines, at most MAX_LOG_LINES. */
  lines: string[];
  /** Lines before `lines[0]` left out. */
  dropped: number;
  /** Index of the line after the last one the log route gave. */
  offset: number;
  /** Lines heard through events since `offset`, in order. */
  heard: number;
  /** How many of those are still in `lines` (at its end). */
  unconfirmed: number;
  /** The build has ended and its whole log was read: nothing more comes. */
  complete: boolean;
}

export function emptyLog(buildId: string): IBuildLog {
  return {
    buildId,
    lines: [],
    dropped: 0,
    offset: 0,
    heard: 0,
    unconfirmed: 0,
    complete: false
  };
}

/**
 * Add lines heard through an event. `at`, the event's line number of its
 * first line, drops lines already held (an event crossing a route answer)
 * and refuses lines past a gap (events lost while reconnecting): the log
 * route's next answer fills the gap.
 */
export function appendEventLines(
  log: IBuildLog,
  lines: string[],
  at: number | null = null
): IBuildLog {
  if (at !== null) {
    const expected = log.offset + log.heard;
    if (at > expected) {
      return log;
    }
    lines = lines.slice(expected - at);
  }
  // A late event of an ended build holds lines its final answer already gave.
  if (lines.length === 0 || log.complete) {
    return log;
  }
  return trim({
    ...log,
    lines: [...log.lines, ...lines],
    heard: log.heard + lines.length,
    unconfirmed: log.unconfirmed + lines.length
  });
}

/**
 * Apply the log route's answer to a request made from `from`; an answer to
 * a request from another offset (a later page landed first) is ignored.
 * Heard lines past the answer's end stay, still unconfirmed, unless the
 * answer is `final` (asked once the build ended, so it holds every line).
 */
export function applyLogPage(
  log: IBuildLog,
  from: number,
  page: BuildLogPage,
  final = false
): IBuildLog {
  if (log.complete || from !== log.offset || page.offset < from) {
    return log;
  }
  const kept = log.lines.length - log.unconfirmed;
  const heardLeftOut = log.heard - log.unconfirmed;
  const covered = page.offset - from;
  const stillHeard = final
    ? []
    : log.lines.slice(kept).slice(Math.max(0, covered - heardLeftOut));
  return trim({
    ...log,
    lines: [...log.lines.slice(0, kept), ...page.lines, ...stillHeard],
    offset: page.offset,
    heard: final ? 0 : Math.max(0, log.heard - covered),
    unconfirmed: stillHeard.length,
    complete: final
  });
}

/** The log as one text, with a note of the lines left out. */
export function logText(log: IBuildLog): string {
  const text = log.lines.join('\n');
  return log.dropped > 0
    ? `… ${log.dropped} earlier lines not shown\n${text}`
    : text;
}

function trim(log: IBuildLog): IBuildLog {
  const extra = log.lines.length - MAX_LOG_LINES;
  if (extra <= 0) {
    return log;
  }
  return {
    ...log,
    lines: log.lines.slice(extra),
    dropped: log.dropped + extra,
    unconfirmed: Math.min(log.unconfirmed, MAX_LOG_LINES)
  };
}
