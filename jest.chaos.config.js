/**
 * `npm run chaos`: the end-to-end fault suite (test/chaos) on the full stack: the `temporal` CLI's
 * dev server on a SQLite file, two `autoheal worker` processes from dist/, bridge simulators, the
 * GitHub API double and a loopback SMTP server. `npm run chaos:quick` (CHAOS_QUICK=1): the subset
 * CI runs. One file at a time; inside test/chaos/bridge-faults.test.ts the scenarios run side by
 * side (one target each). docs/RELIABILITY.md, "Chaos suite".
 * @type {import('jest').Config}
 */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/chaos'],
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/test/chaos/global-setup.ts',
  maxWorkers: 1,
  maxConcurrency: 20,
  testTimeout: 900_000,
  transform: { '^.+\\.ts$': 'ts-jest' },
};
