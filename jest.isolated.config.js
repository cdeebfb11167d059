/**
 * Tests that run in a jest process of their own, one jest run per file, after the main suite (part
 * of `npm test`). test/isolated/healing-escalation.test.ts passes alone and stalls inside the
 * full suite from its third test on (its time-skipped waits take real time), and
 * test/isolated/alert-delivery.test.ts failed once inside it (a closed incident still RUNNING,
 * then a time-skipped 24 h that did not pass); until the cause is found they run here, never
 * skipped.
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/isolated'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
};
