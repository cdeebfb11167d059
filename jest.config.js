/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Temporal servers start per test file; two cores: keep parallelism modest.
  maxWorkers: 2,
  testTimeout: 120_000,
  transform: { '^.+\\.ts$': 'ts-jest' },
};
