#!/usr/bin/env node
'use strict';
/**
 * One line on the tests that passed only on a retry, and why, from the retry log that
 * test/helpers/strand-retry.ts writes (one JSON object a line): `.ci/run` prints it at the end.
 *
 *   node scripts/test-retry-summary.js <retry log>
 */
const { existsSync, readFileSync } = require('node:fs');

/** The summary line for the log's records. */
function retrySummary(records) {
  const retries = new Map();
  const passed = [];
  for (const r of records) {
    const key = `${r.file} › ${r.test}`;
    if (r.event === 'retry') retries.set(key, [...(retries.get(key) ?? []), r.signature]);
    if (r.event === 'passed') passed.push(key);
  }
  if (passed.length === 0) {
    const failed = records.filter((r) => r.event === 'failed').length;
    return failed ? `no test passed only on a retry (${failed} retried test${failed === 1 ? '' : 's'} failed anyway: see above)` : 'no test needed a retry';
  }
  const parts = passed.map((key) => `${key} (${[...new Set(retries.get(key) ?? [])].join(', ')}; ${(retries.get(key) ?? []).length} retr${(retries.get(key) ?? []).length === 1 ? 'y' : 'ies'})`);
  return `retried on the test-server strand: ${parts.join('; ')}`;
}

/** The records of a retry log; none when it does not exist. */
function readRetryLog(path) {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));
}

module.exports = { retrySummary, readRetryLog };

if (require.main === module) {
  const path = process.argv[2];
  if (!path) {
    console.error('usage: node scripts/test-retry-summary.js <retry log>');
    process.exit(2);
  }
  console.log(retrySummary(readRetryLog(path)));
}
