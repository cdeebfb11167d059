/**
 * healingWorkflow escalation on the time-skipping server: the failed-attempt window counted
 * across incidents, the recovery SLA, and life while parked (reminders, natural recovery).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { acknowledgeUpdate, resolveUpdate, statusQuery } from '../../src/workflows/healing/messages';
import { timeSkippingServerPerTest, uniqueTaskQueue } from '../helpers/temporal';
import {
  FakeBridge,
  HOUR,
  MINUTE,
  createHealingWorker,
  dispatchesInHistory,
  finish,
  incidentInput,
  serverNow,
  sleepOffGrid,
  startIncident,
} from '../healing-harness';

let env: TestWorkflowEnvironment;
const test = timeSkippingServerPerTest((e) => {
  env = e;
});

/** First incident: two failed attempts, then the third restart works. */
async function incidentRecoveringOnThirdAttempt(bridge: FakeBridge, taskQueue: string): Promise<void> {
  bridge.recoverOnDispatch = 3;
  const handle = await startIncident(
    env,
    taskQueue,
    incidentInput(bridge.targetId, {}, await serverNow(env)),
  );
  const result = await finish(env, handle);
  expect(result.status).toBe('RECOVERED');
  expect(result.attempts.map((a) => a.outcome)).toEqual(['not_recovered', 'not_recovered', 'recovered']);
  expect(await dispatchesInHistory(handle)).toBe(3);
}

test('an incident after one that needed two failed attempts escalates on its first failure within 24 h', async () => {
  const bridge = new FakeBridge('window-in');
  const taskQueue = uniqueTaskQueue('window-in');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    await incidentRecoveringOnThirdAttempt(bridge, taskQueue);

    await env.sleep(6 * HOUR);
    bridge.recoverOnDispatch = undefined; // the bridge goes down again and restarts don't help
    bridge.dispatches = 0;
    const second = await startIncident(env, taskQueue, incidentInput('window-in', {}, await serverNow(env)));
    await sleepOffGrid(env, 10 * MINUTE);
    const status = await second.query(statusQuery);
    expect(status.status).toBe('ESCALATED');
    expect(status.attempts).toHaveLength(1);
    expect(status.escalation?.reason).toBe('3 failed attempts within 1d');
    expect(await dispatchesInHistory(second)).toBe(1);
    expect(bridge.emails('escalation')).toHaveLength(1);
    await second.executeUpdate(resolveUpdate, { args: [{ by: 'alice', note: 'checked' }] });
    await finish(env, second);
  });
});

test('an incident more than 24 h after the failed attempts starts a fresh count', async () => {
  const bridge = new FakeBridge('window-out');
  const taskQueue = uniqueTaskQueue('window-out');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    await incidentRecoveringOnThirdAttempt(bridge, taskQueue);

    await env.sleep(25 * HOUR);
    bridge.dispatches = 0;
    bridge.recoverOnDispatch = 2; // the first restart fails, the second works
    const second = await startIncident(env, taskQueue, incidentInput('window-out', {}, await serverNow(env)));
    const result = await finish(env, second);

    expect(result.status).toBe('RECOVERED');
    expect(result.attempts.map((a) => a.outcome)).toEqual(['not_recovered', 'recovered']);
    expect(result.escalation).toBeUndefined();
    expect(await dispatchesInHistory(second)).toBe(2);
    expect(bridge.emails('escalation')).toHaveLength(0);
  });
});

test('an incident open longer than RECOVERY_SLA escalates', async () => {
  const bridge = new FakeBridge('sla');
  bridge.recoverOnDispatch = undefined;
  const taskQueue = uniqueTaskQueue('sla');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    const handle = await startIncident(
      env,
      taskQueue,
      incidentInput('sla', { recoverySlaMs: 8 * MINUTE, escalateAfter: 10 }, await serverNow(env)),
    );
    await sleepOffGrid(env, 9 * MINUTE);
    const status = await handle.query(statusQuery);

    expect(status.status).toBe('ESCALATED');
    expect(status.escalation?.reason).toBe('RECOVERY_SLA exceeded');
    const slaAfter = Date.parse(status.escalation?.at ?? '') - Date.parse(status.openedAt);
    expect(slaAfter).toBeGreaterThanOrEqual(8 * MINUTE);
    expect(slaAfter).toBeLessThan(8 * MINUTE + 1_000);
    expect(status.attempts.map((a) => a.outcome)).toEqual(['not_recovered', 'not_recovered']);
    expect(await dispatchesInHistory(handle)).toBe(2);
    await handle.executeUpdate(resolveUpdate, { args: [{ by: 'alice', note: 'done' }] });
    await finish(env, handle);
  });
});

test('escalated, then the target recovers by itself: closes RECOVERED with the recovery email', async () => {
  const bridge = new FakeBridge('natural');
  bridge.dispatchBehaviour = async () => {
    throw ApplicationFailure.nonRetryable(
      'GitHub answered 404: repository owner/repo not found',
      'RemediationTargetNotFoundError',
    );
  };
  const taskQueue = uniqueTaskQueue('natural');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    const handle = await startIncident(env, taskQueue, incidentInput('natural', {}, await serverNow(env)));
    await env.sleep(30 * MINUTE);
    expect((await handle.query(statusQuery)).status).toBe('ESCALATED');

    bridge.healthy = true;
    const result = await finish(env, handle);

    expect(result.status).toBe('RECOVERED');
    expect(bridge.emails('recovery')).toEqual([
      expect.objectContaining({ method: 'recovered without restart (while escalated)', accountsOnline: 7 }),
    ]);
    expect(await dispatchesInHistory(handle)).toBe(1);
  });
});

test('reminders go to the escalation contacts every hour until acknowledged; probing goes on', async () => {
  const bridge = new FakeBridge('reminders');
  bridge.dispatchBehaviour = async () => {
    throw ApplicationFailure.nonRetryable(
      'GitHub answered 401 Bad credentials',
      'RemediationUnauthorizedError',
    );
  };
  const taskQueue = uniqueTaskQueue('reminders');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    const handle = await startIncident(
      env,
      taskQueue,
      incidentInput('reminders', { checkIntervalMs: 10 * MINUTE }, await serverNow(env)),
    );
    await sleepOffGrid(env, 3 * HOUR + 30 * MINUTE);
    expect(bridge.emails('reminder').map((e) => e.kind === 'reminder' && e.reminder)).toEqual([1, 2, 3]);

    await handle.executeUpdate(acknowledgeUpdate, { args: [{ by: 'bob' }] });
    const probesAtAck = bridge.probeTarget.mock.calls.length;
    await env.sleep(3 * HOUR);

    expect(bridge.emails('reminder')).toHaveLength(3);
    expect(bridge.probeTarget.mock.calls.length).toBeGreaterThan(probesAtAck);
    const status = await handle.query(statusQuery);
    expect(status.acknowledged?.by).toBe('bob');
    expect(status.status).toBe('ESCALATED');
    expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(1);
    await handle.executeUpdate(resolveUpdate, { args: [{ by: 'bob', note: 'fixed' }] });
    expect((await finish(env, handle)).status).toBe('RESOLVED');
  });
});

test('a parked incident continued as new resumes parked: reminders on schedule, then resolved', async () => {
  const bridge = new FakeBridge('carried');
  bridge.recoverOnDispatch = undefined;
  const taskQueue = uniqueTaskQueue('carried');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    const now = await serverNow(env);
    const openedAt = new Date(now.getTime() - 5 * HOUR).toISOString();
    const input = incidentInput('carried', {}, new Date(openedAt));
    const handle = await startIncident(env, taskQueue, {
      ...input,
      carried: {
        detectedAt: openedAt,
        remindersSent: 4,
        nextReminderAt: new Date(now.getTime() + 30 * MINUTE).toISOString(),
        view: {
          incidentId: 'carried-20261128-000000',
          status: 'ESCALATED',
          target: 'carried',
          openedAt,
          issue: 'MT5 Terminal disconnected from broker',
          failingChecks: ['terminal'],
          activity: 'parked',
          attempts: [],
          timeline: [{ at: openedAt, step: 'detected', outcome: 'monitor', detail: 'carried over' }],
          figures: { detectedAt: openedAt, openedAt },
          escalation: { at: openedAt, reason: 'RECOVERY_SLA exceeded', diagnosis: 'carried over' },
        },
      },
    });
    await sleepOffGrid(env, 45 * MINUTE);

    expect(bridge.emails('reminder')).toEqual([
      expect.objectContaining({ incidentId: 'carried-20261128-000000', reminder: 5 }),
    ]);
    expect(bridge.emails('critical')).toHaveLength(0);
    expect(bridge.dispatchRemediation).not.toHaveBeenCalled();
    const described = await handle.describe();
    expect(described.typedSearchAttributes.getAll()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          key: expect.objectContaining({ name: 'AutohealStatus' }),
          value: 'ESCALATED',
        }),
      ]),
    );
    await handle.executeUpdate(resolveUpdate, { args: [{ by: 'gina', note: 'done' }] });
    expect(await finish(env, handle)).toMatchObject({
      status: 'RESOLVED',
      incidentId: 'carried-20261128-000000',
    });
  });
});
