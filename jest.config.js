/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/cluster runs on a real Temporal cluster: `npm run test:cluster` (jest.cluster.config.js);
  // test/browser drives chromium: `npm run test:browser` (jest.browser.config.js).
  // test/chaos breaks the full stack: `npm run chaos` / `npm run chaos:quick` (jest.chaos.config.js).
  // test/isolated runs in a process of its own after the rest (`jest -c jest.isolated.config.js`,
  // part of `npm test`): its escalation tests stall when they share the suite's run.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/', '<rootDir>/test/browser/', '<rootDir>/test/chaos/', '<rootDir>/test/isolated/'],
  // Temporal servers start per test file; two cores: keep parallelism modest.
  maxWorkers: 2,
  testTimeout: 120_000,
  // The workflow code, bundled once per run from src/ by the first test that needs it
  // (test/helpers/workflow-bundle.ts).
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // Transpile only: tsconfig.json's isolatedModules puts ts-jest in transpile mode (ts-jest 29.4
  // reads it there; its own isolatedModules option is deprecated). `npm run lint` type-checks.
  transform: { '^.+\\.ts$': 'ts-jest' },
};
