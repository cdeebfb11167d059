/**
 * Catch-up after the worker was down, on the dev server in real time (seconds for hours): the
 * worker stops, its timers fall due with nobody to run them, a new worker takes over and the
 * workflow wakes up late. (The time-skipping server cannot show this: it does not move time
 * while a workflow task waits for a worker.)
 * - an escalated incident sends one reminder for the intervals it missed, not one per interval;
 * - an incident whose RECOVERY_SLA passed while nobody watched probes before escalating: a
 *   bridge that recovered meanwhile closes RECOVERED, with no escalation email; during
 *   verification and between attempts (the restart spacing) alike.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { statusQuery } from '../src/workflows/healing/messages';
import { createDevServerEnv, shutDownTrackedWorkers, uniqueTaskQueue } from './helpers/temporal';
import { FakeBridge, createHealingWorker, incidentInput, startIncident } from './healing-harness';
import { exportFixture } from './healing-fixtures';
import { pause, waitFor } from './helpers/wait';

jest.setTimeout(120_000);

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createDevServerEnv();
});
afterAll(async () => {
  // Workers first, then a moment for client calls still in flight (a query waiting on a stopped
  // worker): a call whose retry timer fires after the connection closed throws "Channel has been
  // shut down" from grpc-retry, outside any test, and fails the file.
  await shutDownTrackedWorkers();
  await pause(2_000);
  await env?.teardown();
});

const until = (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000) =>
  waitFor(what, check, Boolean, { timeoutMs });

test('an escalated incident whose worker was down for five reminder intervals sends one reminder, not five', async () => {
  const bridge = new FakeBridge('catch-up');
  bridge.recoverOnDispatch = undefined;
  bridge.dispatchBehaviour = async () => {
    throw ApplicationFailure.nonRetryable(
      'GitHub answered 401 Bad credentials',
      'RemediationUnauthorizedError',
    );
  };
  const taskQueue = uniqueTaskQueue('catch-up');
  const INTERVAL = 2_000; // REMINDER_INTERVAL, an hour in production
  const input = incidentInput('catch-up', { reminderIntervalMs: INTERVAL });
  const first = await createHealingWorker(env, taskQueue, [bridge]);
  const handle = await first.runUntil(async () => {
    const h = await startIncident(env, taskQueue, input);
    await until('escalated', async () => (await h.query(statusQuery)).status === 'ESCALATED');
    return h;
  });
  await pause(5.5 * INTERVAL); // the worker is down: five reminders fall due
  const second = await createHealingWorker(env, taskQueue, [bridge]);
  await second.runUntil(async () => {
    await until('a reminder', () => bridge.emails('reminder').length > 0);
    await pause(INTERVAL / 2);
    const reminders = (await handle.query(statusQuery)).timeline.filter((t) => t.step === 'reminder');
    // workflow times: never two reminders closer than half an interval (a catch-up burst would be)
    const times = reminders.map((t) => Date.parse(t.at));
    for (let i = 1; i < times.length; i++)
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(INTERVAL / 2);
    expect(reminders[0]?.detail).toBe('reminder 1 to the escalation contacts');
    await handle.terminate('test over');
  });
});

test('RECOVERY_SLA passed while the worker was down, and the bridge recovered meanwhile: probe first, close RECOVERED, no escalation', async () => {
  const bridge = new FakeBridge('late-sla');
  bridge.recoverOnDispatch = undefined; // the restart does not help at first
  const taskQueue = uniqueTaskQueue('late-sla');
  const SLA = 8_000;
  const input = incidentInput('late-sla', {
    recoverySlaMs: SLA,
    verifyIntervalMs: 1_000,
    verifyTimeoutMs: 60_000,
  });
  const first = await createHealingWorker(env, taskQueue, [bridge]);
  const handle = await first.runUntil(async () => {
    const h = await startIncident(env, taskQueue, input);
    await until('dispatched', () => bridge.dispatchRemediation.mock.calls.length === 1);
    await pause(1_500); // verifying
    return h;
  });
  bridge.healthy = true; // it came back by itself while nobody watched
  await pause(SLA + 2_000); // down past the SLA
  const second = await createHealingWorker(env, taskQueue, [bridge]);
  await second.runUntil(async () => {
    const result = await handle.result();
    expect(result.status).toBe('RECOVERED');
    expect(result.escalation).toBeUndefined();
    expect(bridge.emails('escalation')).toHaveLength(0);
    await until('the recovery email', () => bridge.emails('recovery').length === 1);
    await exportFixture(handle, 'healing-late-wake-recovered');
  });
});

test('RECOVERY_SLA passed while the worker was down between attempts, and the bridge recovered meanwhile: probe first, close RECOVERED, no escalation', async () => {
  const bridge = new FakeBridge('late-sla-spacing');
  bridge.recoverOnDispatch = undefined; // the first restart does not help
  const taskQueue = uniqueTaskQueue('late-sla-spacing');
  const SLA = 10_000;
  const input = incidentInput('late-sla-spacing', {
    recoverySlaMs: SLA,
    verifyIntervalMs: 1_000,
    verifyTimeoutMs: 2_000,
    restartCooldownMs: 10 * 60_000, // the next attempt waits for the restart spacing
    escalateAfter: 5,
  });
  const first = await createHealingWorker(env, taskQueue, [bridge]);
  const handle = await first.runUntil(async () => {
    const h = await startIncident(env, taskQueue, input);
    await until(
      'attempt 1 failed, waiting for the restart spacing',
      async () => (await h.query(statusQuery)).activity.includes('restart spacing'),
    );
    return h;
  });
  bridge.healthy = true; // it came back by itself while nobody watched
  await pause(SLA + 2_000); // down past the SLA
  const second = await createHealingWorker(env, taskQueue, [bridge]);
  await second.runUntil(async () => {
    const result = await handle.result();
    expect(result.status).toBe('RECOVERED');
    expect(result.escalation).toBeUndefined();
    expect(bridge.emails('escalation')).toHaveLength(0);
    expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(1);
    await until('the recovery email', () => bridge.emails('recovery').length === 1);
    await exportFixture(handle, 'healing-late-wake-between-attempts');
  });
});
