import {
  formatBytes,
  formatDelta,
  relativeTime,
  shortHash,
  versionLabel,
  versionNumber
} from '../models/versionFormat';

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

describe('formatting', () => {
  it('writes sizes in binary units, as the file browser does', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(46635)).toBe('46 KB');
    expect(formatBytes(24 * 1024 * 1024)).toBe('24 MB');
    expect(formatBytes(-1)).toBe('—');
  });

  it('signs deltas with four significant digits', () => {
    expect(formatDelta(0.0263158)).toBe('+0.02632');
    expect(formatDelta(-1.5)).toBe('−1.5');
    expect(formatDelta(0)).toBe('±0');
  });

  it('shortens hashes and tags', () => {
    expect(shortHash('46325aa697cbf0dd25aa566f56a0736b')).toBe('46325aa6');
    expect(shortHash(null)).toBe('—');
    expect(versionLabel('iris-classifier@v12')).toBe('v12');
    expect(versionNumber('iris-classifier@v12')).toBe(12);
  });
});
