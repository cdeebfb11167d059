/**
 * Tests that run in a jest process of their own, one jest run per file, after the main suite (part
 * of `npm test`): test/isolated/healing-escalation.test.ts and test/isolated/alert-delivery.test.ts,
 * the files the time-skipping server's stranded runs (temporalio/sdk-java#2606, #3088; see
 * timeSkippingServerPerTest in test/helpers/temporal.ts) stalled most inside the full suite.
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/isolated'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
};
