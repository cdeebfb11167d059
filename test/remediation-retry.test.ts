/**
 * The retries of a restart request on a real Temporal server (time-skipping): the policy the
 * healing workflow uses, the activity as the worker builds it, the GitHub API double over HTTP.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createOctokit, createRemediationActivities } from '../src/activities/remediation';
import { createLogger } from '../src/logging/create-logger';
import type { RemediationRequest } from '../src/shared/contracts';
import { remediationDispatchWorkflow } from './fixtures/remediation-dispatch-workflow';
import { createGithubDouble, rateLimitedAnswer, type GithubDouble } from './helpers/github-double';
import { createTimeSkippingEnv, uniqueTaskQueue } from './helpers/temporal';

const TOKEN = 'ghp' + '_retryTestToken0123456789abcdefghijklmn';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let github: GithubDouble;
let logLines: string[];

beforeAll(async () => {
  // The expected activity failures would otherwise fill the output.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  [env, bundle] = await Promise.all([
    createTimeSkippingEnv(),
    bundleWorkflowCode({
      workflowsPath: require.resolve('./fixtures/remediation-dispatch-workflow'),
      logger: {
        log: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: console.error,
        debug: () => undefined,
        trace: () => undefined,
      },
    }),
  ]);
});
afterAll(() => env?.teardown());

beforeEach(async () => {
  github = await createGithubDouble({ token: TOKEN, repositories: ['owner/repo'] });
  logLines = [];
});
afterEach(() => github.close());

async function dispatchOnTemporal(token = TOKEN) {
  const taskQueue = uniqueTaskQueue('remediation');
  const activities = createRemediationActivities({
    method: 'github',
    github: {
      octokit: createOctokit({ token, apiUrl: github.url }),
      repository: 'owner/repo',
      eventType: 'mt5-full-restart',
    },
    log: createLogger({ level: 'debug', destination: { write: (line: string) => void logLines.push(line) } }),
  });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities,
  });
  const request: RemediationRequest = {
    targetId: 'mt5-bridge',
    incidentId: `inc-${taskQueue}`,
    attempt: 1,
    reason: 'MT5 Terminal disconnected',
    trigger: 'auto_sync_service',
  };
  return worker.runUntil(async () => {
    const handle = await env.client.workflow.start(
      remediationDispatchWorkflow,
      {
        taskQueue,
        workflowId: `dispatch-${taskQueue}`,
        args: [request],
      },
    );
    const outcome = await handle.result();
    const history = await handle.fetchHistory();
    const attempts = (history.events ?? [])
      .map((e) => e.activityTaskStartedEventAttributes?.attempt)
      .filter((a): a is number => typeof a === 'number');
    return { outcome, attempts, history };
  });
}

test('502 twice then 204: Temporal retries with backoff, three calls, and the restart is requested', async () => {
  github.queueDispatch(502, 502, 204);

  const { outcome, attempts, history } = await dispatchOnTemporal();

  expect(outcome.receipt?.detail).toBe('repository_dispatch mt5-full-restart to owner/repo (HTTP 204)');
  expect(github.dispatches()).toHaveLength(3);
  expect(attempts).toEqual([3]); // the started event of a retried activity records its last attempt
  // Backoff from the policy: 2 s, then 4 s, at least.
  expect(outcome.elapsedMs).toBeGreaterThanOrEqual(6_000);
  expect(JSON.stringify(history)).not.toContain(TOKEN);
  expect(logLines.join('')).not.toContain(TOKEN);
});

test('401: one call, no retry, and the workflow sees the type and the diagnosis', async () => {
  const wrong = 'ghp' + '_wrongTokenForRetryTest0123456789abcdef';
  const { outcome, history } = await dispatchOnTemporal(wrong);

  expect(github.dispatches()).toHaveLength(1);
  expect(outcome.failure?.type).toBe('RemediationUnauthorizedError');
  expect(outcome.failure?.nonRetryable).toBe(true);
  expect(outcome.failure?.message).toContain('Verify GITHUB_TOKEN');
  expect(outcome.failure?.details?.[0]).toMatchObject({ httpStatus: 401 });
  expect(JSON.stringify(history)).not.toContain(wrong);
  expect(logLines.join('')).not.toContain(wrong);
});

test('403 rate limit: the next attempt waits until the reset, then the dispatch goes through', async () => {
  const resetAt = Math.ceil(Date.now() / 1000) + 42;
  github.queueDispatch(rateLimitedAnswer(resetAt), 204);

  const { outcome } = await dispatchOnTemporal();

  expect(outcome.receipt?.method).toBe('github');
  expect(github.dispatches()).toHaveLength(2);
  // Workflow time: the retry waited for the reset (about 42 s), not the policy's 2 s.
  expect(outcome.elapsedMs).toBeGreaterThanOrEqual(40_000);
});
