/**
 * Nothing lost while an incident closes: its last alerts go to the target's
 * alertDeliveryWorkflow, so `heal-<target>` is free the moment the incident is decided (a new
 * CRITICAL opens a new incident, an operator's forceRecovery starts one), and the alerts keep
 * being retried for 24 h from their event, then raise "alerts cannot be delivered". On the
 * time-skipping server, with the healing harness's fakes.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { forceRecovery, resolve } from '../../src/client/incidents';
import { alertDeliveryWorkflowId } from '../../src/shared/names';
import type { AlertEvent } from '../../src/shared/contracts';
import {
  alertDeliveryWorkflow,
  alertsHandedOverSignal,
  pendingAlertsQuery,
} from '../../src/workflows/alerting/alert-delivery';
import { statusQuery } from '../../src/workflows/healing/messages';
import { emailDelivery } from '../../src/shared/alert-policy';
import { timeSkippingServerPerTest, uniqueTaskQueue } from '../helpers/temporal';
import {
  FakeBridge,
  HOUR,
  MINUTE,
  alertsDelivered,
  createHealingWorker,
  finish,
  incidentInput,
  policy,
  serverNow,
  startIncident,
  target,
} from '../healing-harness';
import { exportFixture } from '../healing-fixtures';

let env: TestWorkflowEnvironment;
const test = timeSkippingServerPerTest((e) => {
  env = e;
});

/** A bridge whose SMTP server refuses every email but the CRITICAL one while `smtpDown`. */
function bridgeWithSmtpDownAfterCritical(id: string): FakeBridge & { smtpDown: boolean } {
  const bridge = Object.assign(new FakeBridge(id), { smtpDown: true });
  const deliver = bridge.emailBehaviour;
  bridge.emailBehaviour = async (event: AlertEvent) => {
    if (bridge.smtpDown && event.kind !== 'critical') throw new Error('connect ECONNREFUSED 127.0.0.1:587');
    return deliver(event);
  };
  return bridge;
}

async function closedIncident(bridge: FakeBridge, taskQueue: string) {
  const handle = await startIncident(
    env,
    taskQueue,
    incidentInput(bridge.targetId, {}, await serverNow(env)),
  );
  // step until the incident is decided, and not a step further
  for (let i = 0; (await handle.query(statusQuery)).status !== 'RECOVERED'; i++) {
    if (i > 100) throw new Error('not recovered');
    await env.sleep(5_000);
  }
  // decided, and gone: the recovery email is not delivered yet, yet the healer id is free
  expect((await handle.describe()).status.name).toBe('COMPLETED');
  const result = await finish(env, handle);
  expect(bridge.emails('recovery').length).toBeGreaterThan(0); // tried...
  expect(await alertsDelivered(env, taskQueue, bridge.targetId, 500)).toBe(false); // ...and still being retried
  return { handle, result };
}

test('a confirmed CRITICAL right after an incident closed opens a new incident, while its recovery email is still retried', async () => {
  const bridge = bridgeWithSmtpDownAfterCritical('reopen');
  const taskQueue = uniqueTaskQueue('reopen');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    const { handle } = await closedIncident(bridge, taskQueue);
    await exportFixture(handle, 'healing-hand-over');

    // the bridge falls over again at once: the monitor confirms it and opens a new incident under
    // the same id (the start the monitor makes: src/workflows/start-healing.ts)
    bridge.recoverOnDispatch = undefined;
    bridge.healthy = false;
    const second = await startIncident(env, taskQueue, incidentInput('reopen', {}, await serverNow(env)));
    expect(second.workflowId).toBe(handle.workflowId);
    expect((await second.describe()).status.name).toBe('RUNNING');
    await resolve(env.client, taskQueue, 'reopen', 'alice', 'test over');
    expect((await finish(env, second)).status).toBe('RESOLVED');

    // SMTP comes back: the first incident's recovery email arrives, once
    bridge.smtpDown = false;
    await env.sleep(15 * MINUTE);
    expect(await alertsDelivered(env, taskQueue, 'reopen')).toBe(true);
    const delivered = await Promise.all(
      bridge.sendAlertEmail.mock.results.map((r) =>
        r.value.then(
          () => true,
          () => false,
        ),
      ),
    );
    const recoveries = bridge.sendAlertEmail.mock.calls.filter(
      ([e], i) => e.kind === 'recovery' && delivered[i],
    );
    expect(recoveries).toHaveLength(1);
  });
});

test('a forceRecovery right after an incident closed starts a new incident (not 409)', async () => {
  const bridge = bridgeWithSmtpDownAfterCritical('force-after');
  const taskQueue = uniqueTaskQueue('force-after');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    await closedIncident(bridge, taskQueue);
    bridge.recoverOnDispatch = bridge.dispatches + 1;
    const out = await forceRecovery(env.client, {
      target: target('force-after'),
      policy: policy(),
      reason: 'traders still see $0',
      by: 'carol',
      taskQueue,
    });
    expect(out).toMatchObject({ started: true, status: 'HEALING' });
    const result = await finish(env, env.client.workflow.getHandle(out.workflowId));
    expect(result.status).toBe('RECOVERED');
    expect(bridge.dispatchRemediation.mock.calls.at(-1)?.[0]).toMatchObject({ trigger: 'operator:carol' });
    // the first incident's recovery email arrives once SMTP is back (nothing left running: a
    // timer of this test firing without its worker would stall the next test's time skipping)
    bridge.smtpDown = false;
    await env.sleep(15 * MINUTE);
    expect(await alertsDelivered(env, taskQueue, 'force-after')).toBe(true);
  });
});

test('an alert the SMTP server never takes is retried for 24 h from its event, then "alerts cannot be delivered"', async () => {
  const bridge = bridgeWithSmtpDownAfterCritical('never');
  const taskQueue = uniqueTaskQueue('never');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    const { result } = await closedIncident(bridge, taskQueue);
    await env.sleep(23 * HOUR);
    expect(await alertsDelivered(env, taskQueue, 'never', 200)).toBe(false); // still trying after 23 h
    const tries = bridge.emails('recovery').length;
    expect(tries).toBeGreaterThan(100); // every 10 min at most
    await env.sleep(2 * HOUR);
    expect(await alertsDelivered(env, taskQueue, 'never')).toBe(true);
    const notices = bridge.notifyInApp.mock.calls
      .map(([n]) => n as { id?: string; severity: string; text: string })
      .filter((n) => n.id?.startsWith('undeliverable:smtp-unreachable:'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      severity: 'CRITICAL',
      text: expect.stringMatching(
        /^Alerts cannot be delivered: the recovery email of never was retried for 24 h/,
      ),
    });
    // the last try came no later than 24 h after the recovery (its event)
    const lastTry = Number(await env.currentTimeMs());
    expect(lastTry - Date.parse(result.figures.closedAt ?? '')).toBeGreaterThanOrEqual(24 * HOUR);
  });
});

test('the delivery workflow stays bounded through a long SMTP outage: it continues as new, carrying what is pending', async () => {
  const bridge = new FakeBridge('bounded');
  let smtpDown = true;
  bridge.emailBehaviour = async (event) => {
    if (smtpDown) throw new Error('connect ECONNREFUSED 127.0.0.1:587');
    return {
      messageId: `<${event.kind}@test>`,
      accepted: ['ops@example.com'],
      rejected: [],
      response: '250 OK',
    };
  };
  const taskQueue = uniqueTaskQueue('bounded');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    const now = await serverNow(env);
    const warning: AlertEvent = {
      kind: 'warning',
      targetId: 'bounded',
      at: now.toISOString(),
      conditionKey: 'account:886557',
      issue: 'Account 886557 failed to sync',
      occurrence: 1,
    };
    const handle = await env.client.workflow.start(alertDeliveryWorkflow, {
      taskQueue,
      workflowId: alertDeliveryWorkflowId('bounded', taskQueue),
      args: [{ targetId: 'bounded', continueAsNewAfterEvents: 150 }],
    });
    await handle.signal(alertsHandedOverSignal, [emailDelivery(warning)]);
    // a second hand-over of the same alert (a retried activity) is delivered once
    await handle.signal(alertsHandedOverSignal, [emailDelivery(warning)]);
    await env.sleep(6 * HOUR);
    const pending = await handle.query(pendingAlertsQuery);
    expect(pending).toEqual([expect.objectContaining({ id: emailDelivery(warning).id })]);
    expect(pending[0]!.attempts).toBeGreaterThan(0);
    const latest = env.client.workflow.getHandle(alertDeliveryWorkflowId('bounded', taskQueue));
    expect((await latest.describe()).runId).not.toBe(handle.firstExecutionRunId); // continued as new
    expect((await latest.fetchHistory()).events?.length ?? 0).toBeLessThan(200);

    smtpDown = false;
    await env.sleep(15 * MINUTE);
    expect(await alertsDelivered(env, taskQueue, 'bounded')).toBe(true);
    await exportFixture(latest, 'alert-delivery-continued-as-new');
  });
  const results = await Promise.all(
    bridge.sendAlertEmail.mock.results.map((r) =>
      r.value.then(
        () => true,
        () => false,
      ),
    ),
  );
  expect(results.filter(Boolean)).toHaveLength(1);
});
