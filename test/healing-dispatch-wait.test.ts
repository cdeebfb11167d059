/**
 * Resolve and RECOVERY_SLA are honoured while a dispatch waits on retries (a rate-limited
 * GitHub can hold it for an hour): the dispatch is cancelled, and nothing is dispatched after
 * the incident was resolved. On the time-skipping server, with a remediation activity that keeps
 * failing retryably and asks for an hour between tries (as GitHub's rate limit does).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolve } from '../src/client/incidents';
import { statusQuery } from '../src/workflows/healing/messages';
import { timeSkippingServerPerTest, uniqueTaskQueue } from './helpers/temporal';
import {
  FakeBridge,
  HOUR,
  MINUTE,
  createHealingWorker,
  finish,
  incidentInput,
  quiesce,
  serverNow,
  startIncident,
} from './healing-harness';
import { exportFixture } from './healing-fixtures';

let env: TestWorkflowEnvironment;
const test = timeSkippingServerPerTest((e) => {
  env = e;
});

function rateLimitedBridge(id: string): FakeBridge {
  const bridge = new FakeBridge(id);
  bridge.dispatchBehaviour = async () => {
    throw ApplicationFailure.create({
      type: 'RemediationRateLimitedError',
      message: 'GitHub answered 403: API rate limit exceeded; retry after 1h',
      nonRetryable: false,
      nextRetryDelay: '1h',
    });
  };
  return bridge;
}

test('resolve while the dispatch waits an hour on a rate limit: the incident closes at once, and nothing is dispatched after', async () => {
  const bridge = rateLimitedBridge('rate-resolve');
  const taskQueue = uniqueTaskQueue('rate-resolve');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    const handle = await startIncident(
      env,
      taskQueue,
      incidentInput('rate-resolve', {}, await serverNow(env)),
    );
    await env.sleep(MINUTE);
    expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(1); // the next try is an hour away
    expect((await handle.query(statusQuery)).activity).toMatch(/dispatching restart attempt 1/);

    await resolve(env.client, taskQueue, 'rate-resolve', 'alice', 'restarted the VPS by hand');
    // (no unlockTimeSkipping: the update leaves no lock here, and an extra unlock lets the server
    // clock run free for the rest of the file)
    await quiesce(handle);
    const result = await finish(env, handle);
    expect(result.status).toBe('RESOLVED');
    expect(Date.parse(result.figures.closedAt ?? '') - Date.parse(result.figures.openedAt)).toBeLessThan(
      5 * MINUTE,
    );
    expect(result.attempts).toEqual([
      expect.objectContaining({
        outcome: 'dispatch_failed',
        detail: expect.stringMatching(/cancelled while it waited on retries: resolved by alice/),
      }),
    ]);

    for (let i = 0; i < 6; i++) await env.sleep(HOUR);
    expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(1); // no retry after the resolve
    await exportFixture(handle, 'healing-dispatch-cancelled');
  });
});

test('RECOVERY_SLA runs out while the dispatch waits on a rate limit: escalation at the SLA, not an hour later', async () => {
  const bridge = rateLimitedBridge('rate-sla');
  const taskQueue = uniqueTaskQueue('rate-sla');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    const handle = await startIncident(env, taskQueue, incidentInput('rate-sla', {}, await serverNow(env)));
    await env.sleep(16 * MINUTE);
    const status = await handle.query(statusQuery);
    expect(status.status).toBe('ESCALATED');
    expect(status.escalation?.reason).toBe('RECOVERY_SLA exceeded');
    expect(Date.parse(status.escalation?.at ?? '') - Date.parse(status.openedAt)).toBeLessThan(16 * MINUTE);
    expect(bridge.emails('escalation')).toHaveLength(1);
    await env.sleep(HOUR);
    // past the hour the rate limit asked for: parked, and no retry of the cancelled dispatch
    expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(1);
    await handle.terminate('test over');
  });
});
