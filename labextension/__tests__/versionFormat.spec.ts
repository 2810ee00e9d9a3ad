import { versionNumber } from '../models/versionFormat';

describe('version names', () => {
  it('numbers versions for ordering', () => {
    expect(versionNumber('iris-classifier@v12')).toBe(12);
    expect(versionNumber('iris-classifier@latest')).toBe(0);
  });
});
