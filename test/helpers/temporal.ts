/**
 * Real Temporal servers for tests, from the binaries that scripts/setup.js installed:
 * the time-skipping test server, and the official CLI's dev server. Never a mock.
 */
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkflowBundlePath } from '@temporalio/worker';
import { temporalCliPath, temporalTestServerPath } from '../../src/config/toolchain';
import { SEARCH_ATTRIBUTE_KEYS } from '../../src/shared/names';
import { installTestRuntime } from './strand';
import { STRAND_ATTEMPTS, runWithStrandRetry } from './strand-retry';
import { WORKFLOW_BUNDLE_ENV, runBundle } from './workflow-bundle';

/** The time-skipping test server, with the custom search attributes registered. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      SEARCH_ATTRIBUTE_KEYS.map((key) => [key.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
    ),
  });
  return env;
}

/** What `use` may hand back: how to end what it set up for one attempt (a double, a server). */
type AttemptCleanup = void | (() => void | Promise<void>);

/** A test on a fresh time-skipping server, run again only on the server's strand. */
export type TimeSkippingTest = (name: string, fn: () => Promise<void>, timeoutMs?: number) => void;

function defaultTimeoutMs(): number {
  const set = (globalThis as Record<symbol, unknown>)[Symbol.for('TEST_TIMEOUT_SYMBOL')];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the config's testTimeout, which jest does not expose to tests
  return typeof set === 'number' ? set : (require('../../jest.config.js') as { testTimeout: number }).testTimeout;
}

/**
 * Tests on a fresh time-skipping server each (`use` receives it, for every attempt, and may
 * return how to end what it set up beside it). Declare them with the returned function:
 *
 *   const test = timeSkippingServerPerTest((e) => { env = e; });
 *
 * The time-skipping test server strands a run whose workflow task cancels a timer that fired
 * while the task was with the worker (test/helpers/strand.ts). Such an attempt is ended as soon
 * as core reports it and the test runs again on a new server (STRAND_ATTEMPTS in all); any other
 * failure fails the test at once (test/helpers/strand-retry.ts). Each attempt has the test's
 * timeout (the third argument, jest.setTimeout, or the config's).
 */
export function timeSkippingServerPerTest(use: (env: TestWorkflowEnvironment) => AttemptCleanup | Promise<AttemptCleanup>): TimeSkippingTest {
  installTestRuntime();
  return (name, fn, timeoutMs) => {
    const attemptTimeoutMs = timeoutMs ?? defaultTimeoutMs();
    test(
      name,
      () =>
        runWithStrandRetry(fn, {
          attemptTimeoutMs,
          start: async () => {
            const env = await createTimeSkippingEnv();
            const cleanup = await use(env);
            return {
              env,
              end: async () => {
                await shutDownTrackedWorkers();
                await cleanup?.();
                await env.teardown();
              },
            };
          },
        }),
      // every attempt gets the test's timeout, plus time to set up and tear down its server
      STRAND_ATTEMPTS * (attemptTimeoutMs + 30_000),
    );
  };
}

const trackedWorkers = new Set<Worker>();

/** Registers a worker for shutDownTrackedWorkers; returns it. */
export function trackWorker(worker: Worker): Worker {
  trackedWorkers.add(worker);
  return worker;
}

/**
 * Shuts down every tracked worker that still runs and waits (real time, a few seconds at most)
 * until they stopped. For an afterEach before the server's teardown: a test that timed out leaves
 * its worker running, and a worker polling a server that is gone keeps jest from exiting.
 */
export async function shutDownTrackedWorkers(waitMs = 10_000): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (const worker of trackedWorkers) {
    if (worker.getState() === 'RUNNING') worker.shutdown();
  }
  for (const worker of trackedWorkers) {
    while (!['STOPPED', 'FAILED', 'INITIALIZED'].includes(worker.getState()) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  trackedWorkers.clear();
}

/** A real dev server (the one `npm start` runs), with the custom search attributes registered. */
export function createDevServerEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      searchAttributes: SEARCH_ATTRIBUTE_KEYS,
      log: { format: 'pretty', level: 'error' },
    },
  });
}

let bundle: Promise<string> | undefined;
/**
 * The workflow code of src/workflows, bundled from the sources once for the whole jest run (the
 * first caller of the run bundles it, test/helpers/workflow-bundle.ts): a worker's `workflowBundle`.
 */
export async function workflowBundle(): Promise<WorkflowBundlePath> {
  const dir = process.env[WORKFLOW_BUNDLE_ENV];
  if (!dir)
    throw new Error(
      `no folder for the run's workflow bundle (${WORKFLOW_BUNDLE_ENV} is unset): give this jest config globalSetup: '<rootDir>/test/global-setup.ts' and globalTeardown: '<rootDir>/test/global-teardown.ts'`,
    );
  bundle ??= runBundle(dir);
  return { codePath: await bundle };
}

let queue = 0;
/** A task queue of its own for each test. */
export const uniqueTaskQueue = (name: string): string => `${name}-${process.pid}-${++queue}`;
