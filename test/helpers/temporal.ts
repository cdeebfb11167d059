/**
 * Real Temporal servers for tests, from the binaries that scripts/setup.js installed:
 * the time-skipping test server, and the official CLI's dev server. Never a mock.
 */
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { temporalCliPath, temporalTestServerPath } from '../../src/config/toolchain';
import { SEARCH_ATTRIBUTE_KEYS } from '../../src/shared/names';

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

/**
 * A fresh time-skipping server for each test of the file (`use` receives it), and up to four
 * retries of a failed test, each on a new server. The time-skipping test server strands a run
 * whose workflow task cancels a timer that fired while the task was with the worker: it refuses
 * the completion ("invalid history builder state for action", temporalio/sdk-java#2606 and
 * #3088) and never hands the task out again, so the test's time-skipped waits never end, and on
 * a shared server the tests after it stall too. The real server accepts such a cancel. A stranded
 * attempt usually costs two: the time-skipped wait it left behind fails with "Channel has been
 * shut down" once its server is gone, and jest blames the attempt then running. Four retries
 * ride out two strands. A real failure fails all five attempts; jest prints the earlier ones.
 */
export function timeSkippingServerPerTest(use: (env: TestWorkflowEnvironment) => void | Promise<void>): void {
  jest.retryTimes(4, { logErrorsBeforeRetry: true });
  let env: TestWorkflowEnvironment | undefined;
  beforeEach(async () => {
    env = await createTimeSkippingEnv();
    await use(env);
  });
  afterEach(async () => {
    await shutDownTrackedWorkers();
    await env?.teardown();
    env = undefined;
  });
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

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Workflow code bundled once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    logger: { log: () => undefined, info: () => undefined, warn: () => undefined, error: console.error, debug: () => undefined, trace: () => undefined },
  });
  return bundle;
}

let queue = 0;
/** A task queue of its own for each test. */
export const uniqueTaskQueue = (name: string): string => `${name}-${process.pid}-${++queue}`;
