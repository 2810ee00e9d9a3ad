import {
  elapsedSeconds,
  formatDuration,
  parseTime,
  relativeTime
} from '../format/time';
import { makeBuild, makeRun } from './helpers';

describe('relativeTime', () => {
  const now = Date.UTC(2026, 10, 23, 12, 0, 0);
  const ago = (seconds: number) => relativeTime(now - seconds * 1000, now);

  it('counts seconds, minutes, hours and days', () => {
    expect(ago(3)).toBe('just now');
    expect(ago(42)).toBe('42 s ago');
    expect(ago(5 * 60 + 20)).toBe('5 min ago');
    expect(ago(3 * 3600)).toBe('3 h ago');
    expect(ago(26 * 3600)).toBe('1 day ago');
    expect(ago(5 * 86400)).toBe('5 days ago');
  });

  it('gives the date for old times and never a time in the future', () => {
    expect(ago(90 * 86400)).toBe(
      new Date(now - 90 * 86400 * 1000).toLocaleDateString()
    );
    expect(ago(-30)).toBe('just now');
  });
});

describe('durations', () => {
  it('shows durations to the tenth below 10 s, then whole units', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(4.26)).toBe('4.2 s');
    expect(formatDuration(4.26, false)).toBe('4 s');
    expect(formatDuration(42.4)).toBe('42 s');
    expect(formatDuration(185)).toBe('3 min 5 s');
    expect(formatDuration(3720)).toBe('1 h 2 min');
  });

  it('reads times, and how long a run or a build took or has taken', () => {
    expect(parseTime('2026-11-23T01:00:01+00:00')).toBe(
      Date.UTC(2026, 10, 23, 1, 0, 1)
    );
    expect(parseTime('')).toBeNull();
    expect(parseTime('soon')).toBeNull();
    expect(elapsedSeconds(makeRun({ duration_s: 5 }))).toBe(5);
    const now = Date.UTC(2026, 10, 23, 1, 0, 11);
    expect(
      elapsedSeconds(
        makeRun({ status: 'running', finished_at: null, duration_s: null }),
        now
      )
    ).toBe(10);
    expect(
      elapsedSeconds(
        makeBuild({ status: 'queued', started_at: null, duration_s: null }),
        now
      )
    ).toBeNull();
  });
});
