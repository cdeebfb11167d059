/**
 * One restart per attempt even when an answer is lost: the dispatch reaches the restart
 * endpoint (or GitHub), but the answer comes after the activity's HTTP timeout, so Temporal
 * retries the same attempt. On the time-skipping server, the healingWorkflow runs with the real
 * remediation activity against the bridge simulator (webhook) or the GitHub double.
 * - webhook: the retry carries the same Idempotency-Key; the simulator, like a bridge that
 *   honours it, answers with the first answer and restarts nothing again;
 * - GitHub: both dispatches carry the same client_payload.idempotency_key, which the shipped
 *   Actions workflow skips when it already ran (test/restart-workflow-file.test.ts runs the job).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createOctokit, createRemediationActivities } from '../src/activities/remediation';
import { createLogger } from '../src/logging/create-logger';
import type { RemediationRequest } from '../src/shared/contracts';
import { createBridgeSimulator, type BridgeSimulator } from '../src/simulator/create-bridge-simulator';
import { createGithubDouble, type GithubDouble } from './helpers/github-double';
import { timeSkippingServerPerTest, uniqueTaskQueue } from './helpers/temporal';
import {
  FakeBridge,
  createHealingWorker,
  finish,
  healthyReport,
  incidentInput,
  serverNow,
  startIncident,
  terminalDownReport,
} from './healing-harness';

const RESTART_TOKEN = 'restart-token-lost-answer-4c1d';
const GITHUB_TOKEN = 'ghp' + '_lostAnswerToken0123456789abcdefXYZ';

let env: TestWorkflowEnvironment;

const log = createLogger({ level: 'silent' });

async function dispatchAttempts(handle: { fetchHistory(): Promise<{ events?: unknown[] | null }> }) {
  const events = ((await handle.fetchHistory()).events ?? []) as Array<{
    activityTaskScheduledEventAttributes?: { activityType?: { name?: string } } | null;
    activityTaskStartedEventAttributes?: { attempt?: number } | null;
    eventId?: unknown;
  }>;
  return events.filter(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'dispatchRemediation',
  ).length;
}

describe('webhook', () => {
  let simulator: BridgeSimulator;
  const test = timeSkippingServerPerTest(async (e) => {
    env = e;
    simulator = await createBridgeSimulator({ port: 0, restartToken: RESTART_TOKEN });
    return () => simulator.close();
  });

  test('the answer to the restart is lost (timeout): the retry carries the same Idempotency-Key, and the bridge restarts once', async () => {
    // the restart happens at once, its answer 1.5 s later: after the activity's 300 ms timeout
    // (a second restart would answer success: false: it must never happen)
    simulator.setFault({
      mode: 'terminal_disconnected',
      restart: ['heal', 'success_false'],
      restartAnswerDelayMs: 1_500,
    });
    const remediation = createRemediationActivities({
      method: 'webhook',
      webhook: {
        urlFor: () => `${simulator.url}/api/system/full-restart`,
        token: RESTART_TOKEN,
        timeoutMs: 300,
      },
      log,
    });
    const bridge = new FakeBridge('lost-webhook');
    const restarted = () => simulator.restarts.some((r) => !r.duplicate);
    const taskQueue = uniqueTaskQueue('lost-webhook');
    const worker = await createHealingWorker(env, taskQueue, [bridge], {
      dispatchRemediation: (r: RemediationRequest) => remediation.dispatchRemediation(r),
      probeTarget: async () =>
        restarted() ? healthyReport('lost-webhook') : terminalDownReport('lost-webhook'),
    });
    await worker.runUntil(async () => {
      const handle = await startIncident(
        env,
        taskQueue,
        incidentInput('lost-webhook', {}, await serverNow(env)),
      );
      const result = await finish(env, handle);
      expect(result.status).toBe('RECOVERED');
      expect(result.attempts).toHaveLength(1);
      expect(await dispatchAttempts(handle)).toBe(1); // one attempt, retried by Temporal
    });
    const calls = simulator.restarts;
    expect(calls.length).toBeGreaterThanOrEqual(2); // the lost one and its retry
    expect(new Set(calls.map((c) => c.idempotencyKey)).size).toBe(1);
    expect(calls[0]?.idempotencyKey).toMatch(/^lost-webhook-\d{8}-\d{6}-1$/);
    expect(calls.filter((c) => !c.duplicate)).toHaveLength(1); // one restart...
    expect(calls.map((c) => c.behaviour)).toEqual(calls.map(() => 'heal')); // ...the retry got its answer
  });
});

describe('GitHub', () => {
  let github: GithubDouble;
  const test = timeSkippingServerPerTest(async (e) => {
    env = e;
    github = await createGithubDouble({ token: GITHUB_TOKEN, repositories: ['owner/repo'] });
    return () => github.close();
  });

  test('the answer to the dispatch is lost (timeout): the retry carries the same idempotency_key for the Actions workflow to skip', async () => {
    github.queueDispatch({ status: 204, delayMs: 1_500 }); // accepted, answered too late
    const remediation = createRemediationActivities({
      method: 'github',
      github: {
        octokit: createOctokit({ token: GITHUB_TOKEN, apiUrl: github.url }),
        repository: 'owner/repo',
        eventType: 'mt5-full-restart',
        apiUrl: github.url,
        timeoutMs: 300,
      },
      log,
    });
    const bridge = new FakeBridge('lost-github');
    const taskQueue = uniqueTaskQueue('lost-github');
    const worker = await createHealingWorker(env, taskQueue, [bridge], {
      dispatchRemediation: async (r: RemediationRequest) => {
        const receipt = await remediation.dispatchRemediation(r);
        bridge.dispatches += 1; // the fake bridge recovers after the restart
        return receipt;
      },
    });
    await worker.runUntil(async () => {
      const handle = await startIncident(
        env,
        taskQueue,
        incidentInput('lost-github', {}, await serverNow(env)),
      );
      const result = await finish(env, handle);
      expect(result.status).toBe('RECOVERED');
      expect(await dispatchAttempts(handle)).toBe(1);
    });
    const payloads = github
      .dispatches()
      .map((d) => (d.body as { client_payload: Record<string, unknown> }).client_payload);
    expect(payloads.length).toBeGreaterThanOrEqual(2);
    expect(new Set(payloads.map((p) => p.idempotency_key)).size).toBe(1);
    expect(payloads[0]).toMatchObject({
      attempt: 1,
      idempotency_key: `${String(payloads[0]?.incident_id)}-1`,
    });
  });
});
