/**
 * The retry of time-skipping tests itself (test/helpers/strand-retry.ts), on real time-skipping
 * servers: only the test server's strand is retried, a stranded attempt ends as soon as core
 * reports the strand (its pending calls cancelled, not left to fail in a later test), and every
 * retry is recorded and summed up in the line `.ci/run` prints at the end.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime } from '@temporalio/worker';
import { STRAND_SIGNATURE, installTestRuntime } from './helpers/strand';
import { AttemptTimedOutError, type RetryRecord, type StrandRetryOptions, retryLogPath, runWithStrandRetry } from './helpers/strand-retry';
import { createTimeSkippingEnv, uniqueTaskQueue } from './helpers/temporal';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain Node script
const { retrySummary, readRetryLog } = require('../scripts/test-retry-summary.js') as {
  retrySummary(records: RetryRecord[]): string;
  readRetryLog(path: string): RetryRecord[];
};

installTestRuntime();

/** The line core writes when the test server refuses a completion, through the runtime's logger. */
function coreReportsStrand(): void {
  Runtime.instance().logger.warn('Error while completing workflow activation', {
    sdkComponent: 'core',
    error: `code: 'Client specified an invalid argument', message: "${STRAND_SIGNATURE}"`,
  });
}

function servers(records: RetryRecord[]): { options: Omit<StrandRetryOptions, 'attemptTimeoutMs'>; envs: TestWorkflowEnvironment[] } {
  const envs: TestWorkflowEnvironment[] = [];
  return {
    envs,
    options: {
      start: async () => {
        const env = await createTimeSkippingEnv();
        envs.push(env);
        return { env, end: () => env.teardown() };
      },
      record: (entry) => records.push(entry),
    },
  };
}

test('a failure that is not the strand fails the test at once: one attempt, no retry recorded', async () => {
  const records: RetryRecord[] = [];
  const { options, envs } = servers(records);
  let attempts = 0;
  const run = runWithStrandRetry(
    async () => {
      attempts++;
      throw new Error('one restart expected, two dispatched');
    },
    { ...options, attemptTimeoutMs: 60_000 },
  );
  await expect(run).rejects.toThrow('one restart expected, two dispatched');
  expect(attempts).toBe(1);
  expect(envs).toHaveLength(1);
  expect(records).toEqual([]);
});

test('an attempt that runs out of time with no strand seen is not retried', async () => {
  const records: RetryRecord[] = [];
  const { options } = servers(records);
  let attempts = 0;
  const run = runWithStrandRetry(
    () => {
      attempts++;
      return new Promise<void>(() => undefined);
    },
    { ...options, attemptTimeoutMs: 500 },
  );
  await expect(run).rejects.toThrow(AttemptTimedOutError);
  expect(attempts).toBe(1);
  expect(records).toEqual([]);
});

test('a stranded attempt ends when core reports the strand, its waits cancelled; the test runs once more on a new server, and the retry is recorded', async () => {
  const records: RetryRecord[] = [];
  const { options, envs } = servers(records);
  const waits: Array<Promise<unknown>> = [];
  let attempts = 0;
  await runWithStrandRetry(
    async (env) => {
      attempts++;
      if (attempts > 1) return;
      // a workflow no worker runs: its result never comes, like a stranded run's
      const handle = await env.client.workflow.start('stranded', { taskQueue: uniqueTaskQueue('strand'), workflowId: 'stranded' });
      const wait = handle.result();
      waits.push(wait.catch((err: unknown) => err));
      setTimeout(coreReportsStrand, 100);
      await wait;
    },
    // far longer than the test's own limit: the strand, not the attempt's timeout, ends the attempt
    { ...options, attemptTimeoutMs: 10 * 60_000 },
  );
  expect(attempts).toBe(2);
  expect(envs).toHaveLength(2);
  expect(envs[0]).not.toBe(envs[1]);
  // the abandoned wait was cancelled before its server went, rather than left to fail later
  const abandoned = (await waits[0]) as { cause?: { code?: number; details?: string } };
  expect(abandoned.cause).toMatchObject({ code: 1, details: expect.stringMatching(/cancel/i) }); // gRPC CANCELLED
  expect(records).toEqual([
    { event: 'retry', file: 'test/strand-retry.test.ts', test: expect.stringContaining('a stranded attempt ends'), attempt: 1, signature: STRAND_SIGNATURE },
    { event: 'passed', file: 'test/strand-retry.test.ts', test: expect.stringContaining('a stranded attempt ends'), attempt: 2 },
  ]);
}, 60_000);

test('every attempt stranded: the test fails, and is not listed as passed on a retry', async () => {
  const records: RetryRecord[] = [];
  const { options } = servers(records);
  const run = runWithStrandRetry(
    async () => {
      coreReportsStrand();
      await new Promise<void>(() => undefined);
    },
    { ...options, attemptTimeoutMs: 60_000, attempts: 2 },
  );
  await expect(run).rejects.toThrow('Every one of 2 attempts stranded');
  expect(records.map((r) => r.event)).toEqual(['retry', 'failed']);
  expect(retrySummary(records)).toBe('no test passed only on a retry (1 retried test failed anyway: see above)');
}, 60_000);

describe('the summary line of .ci/run', () => {
  test('names each test that passed only on a retry, with the signature', () => {
    const records: RetryRecord[] = [
      { event: 'retry', file: 'test/a.test.ts', test: 'SMTP down', attempt: 1, signature: STRAND_SIGNATURE },
      { event: 'passed', file: 'test/a.test.ts', test: 'SMTP down', attempt: 2 },
    ];
    expect(retrySummary(records)).toBe(`retried on the test-server strand: test/a.test.ts › SMTP down (${STRAND_SIGNATURE}; 1 retry)`);
  });

  test('says so when no test needed a retry', () => {
    expect(retrySummary([])).toBe('no test needed a retry');
  });

  test('reads the retry log the retries are appended to (AUTOHEAL_TEST_RETRY_LOG)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'retry-log-')), 'retries.jsonl');
    const before = process.env.AUTOHEAL_TEST_RETRY_LOG;
    process.env.AUTOHEAL_TEST_RETRY_LOG = path;
    try {
      expect(retryLogPath()).toBe(path);
      let attempts = 0;
      await runWithStrandRetry(
        async () => {
          if (++attempts === 1) throw new Error(`completion refused: ${STRAND_SIGNATURE}`);
        },
        { attemptTimeoutMs: 60_000, start: async () => ({ env: { connection: { withAbortSignal: (_s: AbortSignal, fn: () => Promise<void>) => fn() } } as never, end: async () => undefined }) },
      );
    } finally {
      if (before === undefined) delete process.env.AUTOHEAL_TEST_RETRY_LOG;
      else process.env.AUTOHEAL_TEST_RETRY_LOG = before;
    }
    expect(retrySummary(readRetryLog(path))).toMatch(/^retried on the test-server strand: test\/strand-retry\.test\.ts › the summary line of \.ci\/run reads the retry log .* \(invalid history builder state for action; 1 retry\)$/);
  });
});
