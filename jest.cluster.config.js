/**
 * `npm run test:cluster`: the tests against a real Temporal server on PostgreSQL (test/cluster),
 * apart from `npm test`. One file at a time: each starts its own cluster and worker processes.
 * @type {import('jest').Config}
 */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/cluster'],
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/test/cluster/global-setup.ts',
  maxWorkers: 1,
  testTimeout: 600_000,
  transform: { '^.+\\.ts$': 'ts-jest' },
};
