/**
 * Runs a test body on a fresh time-skipping server, and runs it again on a new one only when the
 * attempt failed with the test server's strand (test/helpers/strand.ts): any other failure fails
 * the test at once, so that a product race is never ridden out by a retry. A stranded attempt is
 * ended as soon as core reports the strand (not at the test's timeout): its pending calls are
 * cancelled, its workers stopped and its server torn down. Every retry is recorded
 * (test, attempt, signature) in the retry log, which `.ci/run` sums up at the end
 * (scripts/test-retry-summary.js).
 */
import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ABANDONED_WAIT_SIGNATURE, onStrand, strandSignatureIn } from './strand';

/** Attempts of one test: a strand costs one, so two strands in a row are ridden out. */
export const STRAND_ATTEMPTS = 3;

/** How long a late strand line may take to reach the logger (core's logs are buffered about 100 ms). */
const LATE_LOG_MS = 300;

/** How long a stranded attempt's cancelled calls get to settle before its server is torn down. */
const SETTLE_MS = 2_000;

/** The file every retry is recorded in: AUTOHEAL_TEST_RETRY_LOG, or one in the temp directory. */
export function retryLogPath(): string {
  return process.env.AUTOHEAL_TEST_RETRY_LOG || join(tmpdir(), 'autoheal-test-retries.jsonl');
}

export interface RetryRecord {
  /** `retry`: an attempt stranded and the test runs again; `passed`/`failed`: how a retried test ended. */
  event: 'retry' | 'passed' | 'failed';
  file: string;
  test: string;
  attempt: number;
  signature?: string;
}

export interface StrandRetryOptions {
  /** The real-time limit of one attempt; past it the attempt fails (and is retried only if it stranded). */
  attemptTimeoutMs: number;
  attempts?: number;
  /** A fresh server for one attempt, and how to end it (workers, doubles, server). */
  start(): Promise<{ env: TestWorkflowEnvironment; end(): Promise<void> }>;
  /** Where retries go; the retry log by default. */
  record?(entry: RetryRecord): void;
}

/** Thrown when an attempt ran past its time without a strand: a failure, not retried. */
export class AttemptTimedOutError extends Error {
  constructor(readonly timeoutMs: number, readonly attempt: number) {
    super(`Exceeded timeout of ${timeoutMs} ms (attempt ${attempt}), with no test-server strand seen: not retried`);
    this.name = 'AttemptTimedOutError';
  }
}

/** Thrown when every attempt stranded. */
export class StrandedOnEveryAttemptError extends Error {
  constructor(readonly attempts: number) {
    super(`Every one of ${attempts} attempts stranded on the time-skipping test server`);
    this.name = 'StrandedOnEveryAttemptError';
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function appendRecord(entry: RetryRecord): void {
  appendFileSync(retryLogPath(), `${JSON.stringify({ ...entry, at: new Date().toISOString() })}\n`);
}

function currentTest(): { file: string; test: string } {
  const { testPath, currentTestName } = expect.getState();
  return { file: testPath ? relative(process.cwd(), testPath) : 'unknown file', test: currentTestName ?? 'unknown test' };
}

type Outcome = { kind: 'passed' } | { kind: 'failed'; error: unknown } | { kind: 'stranded' } | { kind: 'timeout' };

/** Runs `body` on a fresh server per attempt; retries only a strand. */
export async function runWithStrandRetry(body: (env: TestWorkflowEnvironment) => Promise<void>, options: StrandRetryOptions): Promise<void> {
  const attempts = options.attempts ?? STRAND_ATTEMPTS;
  const record = options.record ?? appendRecord;
  const { file, test } = currentTest();
  let strandedBefore = false;
  for (let attempt = 1; ; attempt++) {
    const { env, end } = await options.start();
    const abort = new AbortController();
    let strandSeen: string | undefined;
    let onStranded = () => undefined as void;
    const stranded = new Promise<Outcome>((resolve) => (onStranded = () => resolve({ kind: 'stranded' })));
    const stopWatching = onStrand((signature) => {
      strandSeen ??= signature;
      onStranded();
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<Outcome>((resolve) => (timer = setTimeout(() => resolve({ kind: 'timeout' }), options.attemptTimeoutMs)));
    const run: Promise<Outcome> = env.connection.withAbortSignal(abort.signal, () => body(env)).then(
      () => ({ kind: 'passed' }),
      (error: unknown) => ({ kind: 'failed', error }),
    );
    const outcome = await Promise.race([run, stranded, timedOut]);
    if (outcome.kind === 'failed' && !strandSeen) await sleep(LATE_LOG_MS);
    clearTimeout(timer);
    stopWatching();
    if (outcome.kind === 'stranded' || outcome.kind === 'timeout') {
      // End the abandoned body's waits before its server goes: a wait cut off by the server's
      // teardown would fail later, in whatever test then runs ("Channel has been shut down").
      abort.abort();
      await Promise.race([run, sleep(SETTLE_MS)]);
    }
    await end();

    const errorText = outcome.kind === 'failed' ? String((outcome.error as Error)?.stack ?? outcome.error) : '';
    const signature =
      strandSeen ??
      strandSignatureIn(errorText) ??
      (strandedBefore && errorText.includes(ABANDONED_WAIT_SIGNATURE) ? ABANDONED_WAIT_SIGNATURE : undefined);

    if (outcome.kind === 'passed') {
      if (attempt > 1) record({ event: 'passed', file, test, attempt });
      return;
    }
    if (!signature) {
      if (attempt > 1) record({ event: 'failed', file, test, attempt });
      if (outcome.kind === 'failed') throw outcome.error;
      throw new AttemptTimedOutError(options.attemptTimeoutMs, attempt);
    }
    if (attempt >= attempts) {
      record({ event: 'failed', file, test, attempt, signature });
      throw new StrandedOnEveryAttemptError(attempts);
    }
    strandedBefore = true;
    record({ event: 'retry', file, test, attempt, signature });
    process.stderr.write(`[test-server strand] ${test}: attempt ${attempt} stranded (${signature}); running it again on a new server\n`);
  }
}
