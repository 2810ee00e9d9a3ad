import {
  formatBytes,
  formatDelta,
  formatValue,
  plural,
  shortHash,
  versionLabel
} from '../format/text';

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
  });

  it('rounds metrics to four significant digits', () => {
    expect(formatValue(0.973684)).toBe('0.9737');
    expect(formatValue(112)).toBe('112');
    expect(formatValue(undefined)).toBe('—');
    expect(formatValue('gini')).toBe('gini');
    expect(formatValue([1, 2])).toBe('[1,2]');
  });

  it('counts nouns', () => {
    expect(plural(1, 'run')).toBe('1 run');
    expect(plural(4, 'run')).toBe('4 runs');
    expect(plural(0, 'day')).toBe('0 days');
  });
});
