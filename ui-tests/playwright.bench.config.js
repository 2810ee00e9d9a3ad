/**
 * Playwright configuration for the UI benchmarks in benchmarks/ (not tests:
 * `jlpm playwright test` does not run them).
 */
const config = require('./playwright.config');

module.exports = {
  ...config,
  testDir: './benchmarks',
  testMatch: '**/*.bench.ts',
  reporter: [['list']]
};
