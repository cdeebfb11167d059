/**
 * Tests that run in a jest process of their own, one file at a time, after the main suite (part
 * of `npm test`). test/isolated/healing-dispatch-wait.test.ts passes alone and fails when it runs
 * inside the full suite (its time-skipped waits on a rate-limited dispatch stall); until the
 * cause is found it runs here, never skipped.
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/isolated'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
};
