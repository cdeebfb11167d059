/**
 * Operator commands on incidents, through the client functions the CLI uses, on the
 * time-skipping server: forceRecovery (within the restart spacing, with no incident open,
 * on an escalated incident), validators, status.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { acknowledge, forceRecovery, getStatus, resolve } from '../src/client/incidents';
import { healingWorkflowId } from '../src/shared/names';
import type { healingWorkflow } from '../src/workflows/healing';
import { ApplicationFailure } from '@temporalio/common';
import { timeSkippingServerPerTest, uniqueTaskQueue } from './helpers/temporal';
import {
  FakeBridge,
  HOUR,
  MINUTE,
  createHealingWorker,
  dispatchesInHistory,
  finish,
  incidentInput,
  policy,
  serverNow,
  sleepOffGrid,
  startIncident,
  target,
} from './healing-harness';
import { exportFixture } from './healing-fixtures';

let env: TestWorkflowEnvironment;
const test = timeSkippingServerPerTest((e) => {
  env = e;
});

test('forceRecovery during the restart spacing dispatches at once, recorded as an override', async () => {
  const bridge = new FakeBridge('spacing');
  const taskQueue = uniqueTaskQueue('spacing');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    const first = await startIncident(env, taskQueue, incidentInput('spacing', {}, await serverNow(env)));
    const firstResult = await finish(env, first);
    const firstDispatch = Date.parse(firstResult.figures.dispatchedAt ?? '');

    // The bridge falls over again a minute later: the new incident must wait for the spacing...
    bridge.recoverOnDispatch = 2;
    await env.sleep(MINUTE);
    const second = await startIncident(env, taskQueue, incidentInput('spacing', {}, await serverNow(env)));
    await env.sleep(30_000);
    const waiting = await getStatus(env.client, taskQueue, 'spacing');
    expect(waiting.attempts).toHaveLength(0);
    expect(waiting.timeline.map((t) => [t.step, t.outcome])).toContainEqual(['waiting', 'spacing']);

    // ...unless an operator forces it.
    const ack = await forceRecovery(env.client, {
      target: target('spacing'),
      policy: policy(),
      reason: 'traders are waiting',
      by: 'carol',
      taskQueue,
    });
    expect(ack).toMatchObject({
      started: false,
      workflowId: healingWorkflowId('spacing', taskQueue),
      status: 'HEALING',
    });
    const result = await finish(env, second);

    expect(result.status).toBe('RECOVERED');
    expect(await dispatchesInHistory(second)).toBe(1);
    expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(2);
    expect(bridge.dispatchRemediation.mock.calls[1]?.[0]).toMatchObject({ trigger: 'operator:carol' });
    const dispatched = result.timeline.find((t) => t.step === 'dispatched');
    expect(dispatched).toMatchObject({
      outcome: 'override',
      detail: expect.stringContaining('forceRecovery by carol overrode the 5m restart spacing'),
    });
    expect(Date.parse(result.figures.dispatchedAt ?? '') - firstDispatch).toBeLessThan(5 * MINUTE);
    await exportFixture(second, 'forced-during-spacing');
  });
});

test('forceRecovery with no open incident starts one (trigger: operator) and restarts at once', async () => {
  const bridge = new FakeBridge('no-incident');
  const taskQueue = uniqueTaskQueue('no-incident');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    const out = await forceRecovery(env.client, {
      target: target('no-incident'),
      policy: policy(),
      reason: 'planned restart',
      by: 'dave',
      taskQueue,
    });
    expect(out).toMatchObject({ started: true, workflowId: healingWorkflowId('no-incident', taskQueue), status: 'HEALING' });
    const handle = env.client.workflow.getHandle<typeof healingWorkflow>(out.workflowId);
    const result = await finish(env, handle);

    expect(result.status).toBe('RECOVERED');
    expect(await dispatchesInHistory(handle)).toBe(1);
    expect(bridge.dispatchRemediation.mock.calls[0]?.[0]).toMatchObject({ trigger: 'operator:dave' });
    expect(result.timeline[0]).toMatchObject({ step: 'detected', outcome: 'operator' });
    expect(result.attempts[0]?.detail).toMatch(/^forced by dave: planned restart — verified healthy/);
  });
});

test('forceRecovery un-parks an escalated incident for one attempt; acknowledge and resolve close it', async () => {
  const bridge = new FakeBridge('unpark');
  let rejectDispatch = true;
  bridge.dispatchBehaviour = async () => {
    if (rejectDispatch)
      throw ApplicationFailure.nonRetryable(
        'GitHub answered 422: event_type not accepted',
        'RemediationRejectedError',
      );
    return {
      method: 'github',
      dispatchedAt: new Date().toISOString(),
      detail: 'repository_dispatch (HTTP 204)',
    };
  };
  bridge.recoverOnDispatch = undefined;
  const taskQueue = uniqueTaskQueue('unpark');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    const handle = await startIncident(env, taskQueue, incidentInput('unpark', {}, await serverNow(env)));
    // parked, probing every minute: each message is sent between two probes (sleepOffGrid)
    await sleepOffGrid(env, MINUTE);
    expect((await getStatus(env.client, taskQueue, 'unpark')).status).toBe('ESCALATED');

    rejectDispatch = false; // the operator fixed the workflow file; the restart still won't help
    await forceRecovery(env.client, {
      target: target('unpark'),
      policy: policy(),
      reason: 'payload fixed',
      by: 'erin',
      taskQueue,
    });
    await sleepOffGrid(env, 10 * MINUTE);
    const after = await getStatus(env.client, taskQueue, 'unpark');
    expect(after.status).toBe('ESCALATED');
    expect(after.attempts.map((a) => a.outcome)).toEqual(['dispatch_failed', 'not_recovered']);
    expect(await dispatchesInHistory(handle)).toBe(2);

    await expect(acknowledge(env.client, taskQueue, 'unpark', '')).rejects.toThrow(/by is required/);
    expect(await acknowledge(env.client, taskQueue, 'unpark', 'erin')).toMatchObject({ status: 'ESCALATED' });
    await resolve(env.client, taskQueue, 'unpark', 'erin', 'VPS rebuilt');
    const result = await finish(env, handle);
    expect(result).toMatchObject({ status: 'RESOLVED', resolution: { by: 'erin', note: 'VPS rebuilt' } });
    await expect(resolve(env.client, taskQueue, 'unpark', 'erin', 'again')).rejects.toThrow();
  });
});

test('a forceRecovery accepted just before a parked incident continues as new is carried into the new run and acted on', async () => {
  const bridge = new FakeBridge('carry-force');
  let rejectDispatch = true;
  bridge.dispatchBehaviour = async () => {
    if (rejectDispatch)
      throw ApplicationFailure.nonRetryable(
        'GitHub answered 422: event_type not accepted',
        'RemediationRejectedError',
      );
    return {
      method: 'github',
      dispatchedAt: new Date().toISOString(),
      detail: 'repository_dispatch (HTTP 204)',
    };
  };
  bridge.recoverOnDispatch = undefined;
  let smtpDown = true; // the escalation email is still in flight when the incident continues as new
  const deliver = bridge.emailBehaviour;
  bridge.emailBehaviour = async (event) => {
    if (smtpDown && event.kind !== 'critical') throw new Error('connect ECONNREFUSED 127.0.0.1:587');
    return deliver(event);
  };
  // the hand-over before continue-as-new is held until the operator's request is in
  let handOverCalled = false;
  let release: () => void = () => undefined;
  const released = new Promise<void>((r) => (release = r));
  const { createAlertDeliveryActivities } = await import('../src/activities/alert-delivery');
  const taskQueue = uniqueTaskQueue('carry-force');
  const real = createAlertDeliveryActivities({ client: env.client, taskQueue });
  const worker = await createHealingWorker(env, taskQueue, [bridge], {
    handOverAlerts: async (...args: Parameters<typeof real.handOverAlerts>) => {
      handOverCalled = true;
      await released;
      return real.handOverAlerts(...args);
    },
  });
  await worker.runUntil(async () => {
    const input = { ...incidentInput('carry-force', {}, await serverNow(env)), continueAsNewAfterEvents: 80 };
    const handle = await startIncident(env, taskQueue, input);
    await env.sleep(MINUTE);
    expect((await getStatus(env.client, taskQueue, 'carry-force')).status).toBe('ESCALATED');
    const firstRun = (await handle.describe()).runId;

    // parked, probing every minute: the history grows until the incident continues as new
    for (let i = 0; i < 720 && !handOverCalled; i++) await env.sleep(5_000); // (a running activity stops time skipping)
    expect(handOverCalled).toBe(true);

    rejectDispatch = false;
    bridge.recoverOnDispatch = bridge.dispatches + 1;
    await forceRecovery(env.client, {
      target: target('carry-force'),
      policy: policy(),
      reason: 'the workflow file is fixed',
      by: 'erin',
      taskQueue,
    });
    // No unlockTimeSkipping here: the time skipping held meanwhile is the running hand-over
    // activity's (the test server holds it while an activity runs), and it ends when the activity
    // does. Unlocking on top of it left the server's clock running free once the hand-over was
    // released: workflow tasks then expired (10 s of server time) before the worker answered,
    // and the run hung or retried its activities.
    release();
    smtpDown = false;
    const result = await finish(env, env.client.workflow.getHandle<typeof healingWorkflow>(handle.workflowId));
    expect((await env.client.workflow.getHandle(handle.workflowId).describe()).runId).not.toBe(firstRun);
    expect(result.timeline.map((t) => [t.step, t.outcome])).toEqual(
      expect.arrayContaining([
        ['alerted', 'handed_over'],
        ['force_recovery', 'requested'],
        ['ledger', 'continued'],
        ['force_recovery', 'unparked'],
      ]),
    );
    expect(result.status).toBe('RECOVERED');
    expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(2);
    expect(bridge.dispatchRemediation.mock.calls[1]?.[0]).toMatchObject({ trigger: 'operator:erin' });
    // the forced attempt was made in the new run (its verification is the other tests' business)
    expect(result.attempts.at(-1)).toMatchObject({ detail: expect.stringMatching(/^forced by erin/) });
  });
});

test('a forceRecovery carried across continue-as-new is acted on in the new run', async () => {
  // The run that accepted the request continued as new in the same workflow task: the request
  // travels in the carried state (CarriedIncident.forceRequests).
  const bridge = new FakeBridge('carried');
  bridge.recoverOnDispatch = 1;
  const taskQueue = uniqueTaskQueue('carried');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    const now = await serverNow(env);
    const base = incidentInput('carried', {}, new Date(now.getTime() - 30 * MINUTE));
    const openedAt = new Date(now.getTime() - 30 * MINUTE).toISOString();
    const handle = await startIncident(env, taskQueue, {
      ...base,
      carried: {
        view: {
          incidentId: 'carried-20261202-1200',
          status: 'ESCALATED',
          target: 'carried',
          openedAt,
          issue: 'MT5 Terminal disconnected from broker',
          failingChecks: ['terminal'],
          activity: 'parked',
          attempts: [],
          timeline: [],
          figures: { detectedAt: openedAt, openedAt },
          escalation: { at: openedAt, reason: 'RECOVERY_SLA exceeded', diagnosis: 'test' },
        },
        detectedAt: openedAt,
        remindersSent: 0,
        nextReminderAt: new Date(now.getTime() + HOUR).toISOString(),
        forceRequests: [{ reason: 'traders are waiting', by: 'frank', at: now.toISOString() }],
      },
    });
    const result = await finish(env, handle);
    expect(result.status).toBe('RECOVERED');
    expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(1);
    expect(bridge.dispatchRemediation.mock.calls[0]?.[0]).toMatchObject({ trigger: 'operator:frank' });
    await exportFixture(handle, 'healing-carried-force');
  });
});
