/**
 * `npm run test:browser`: the dashboard in a real browser (playwright-core driving Debian's
 * chromium, headless) on a running stack; apart from `npm test`. The global setup installs
 * chromium with apt-get when /usr/bin/chromium is missing.
 * @type {import('jest').Config}
 */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/browser'],
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/test/browser/global-setup.ts',
  maxWorkers: 1,
  testTimeout: 300_000,
  transform: { '^.+\\.ts$': 'ts-jest' },
};
