/**
 * healingWorkflow on the time-skipping server: one incident from detection to close.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolveUpdate, statusQuery } from '../src/workflows/healing/messages';
import { timeSkippingServerPerTest, uniqueTaskQueue } from './helpers/temporal';
import {
  FakeBridge,
  MINUTE,
  alertsDelivered,
  createHealingWorker,
  dispatchesInHistory,
  finish,
  incidentInput,
  serverNow,
  sleepOffGrid,
  startIncident,
} from './healing-harness';
import { exportFixture } from './healing-fixtures';

let env: TestWorkflowEnvironment;
const test = timeSkippingServerPerTest((e) => {
  env = e;
});

test('happy path: alert, one dispatch, two healthy probes with live data, recovery email, RECOVERED', async () => {
  const bridge = new FakeBridge('happy');
  const taskQueue = uniqueTaskQueue('happy');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    const handle = await startIncident(env, taskQueue, incidentInput('happy', {}, await serverNow(env)));
    const result = await finish(env, handle);

    expect(result.status).toBe('RECOVERED');
    expect(await dispatchesInHistory(handle)).toBe(1);
    expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(1);
    expect(bridge.emails('critical')).toHaveLength(1);
    expect(bridge.emails('critical')[0]).toMatchObject({
      component: 'MT5 Bridge',
      autoRestart: 'INITIATED',
      issue: 'MT5 Terminal disconnected from broker',
    });
    const [recovery] = bridge.emails('recovery');
    expect(recovery).toMatchObject({
      method: 'GitHub Actions workflow restart',
      accountsOnline: 7,
      accountsExpected: 7,
    });
    // The placeholder probe right after the restart does not count: healthy probes 2 and 3 do.
    expect(bridge.probeTarget).toHaveBeenCalledTimes(3);
    expect(result.attempts).toEqual([
      expect.objectContaining({ attempt: 1, method: 'github', outcome: 'recovered' }),
    ]);
    const f = result.figures;
    for (const key of ['detectedAt', 'alertedAt', 'dispatchedAt', 'verifiedHealthyAt', 'closedAt'] as const)
      expect(f[key]).toEqual(expect.any(String));
    // dispatch at once, placeholder probe at 15 s, healthy probes at 30 s and 45 s: recovery at
    // the third verify tick, before a fourth (60 s). Activities run in real time on the
    // time-skipping server, so a loaded machine adds seconds; the tick count is what is asserted.
    expect(f.recoveryMs).toBeGreaterThanOrEqual(45_000);
    expect(f.recoveryMs).toBeLessThan(60_000);
    expect(result.timeline.map((t) => t.step)).toEqual(
      expect.arrayContaining(['detected', 'alerted', 'dispatched', 'verified', 'recovered', 'closed']),
    );
    const described = await handle.describe();
    expect(described.typedSearchAttributes.getAll()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          key: expect.objectContaining({ name: 'AutohealStatus' }),
          value: 'RECOVERED',
        }),
        expect.objectContaining({ key: expect.objectContaining({ name: 'AutohealTarget' }), value: 'happy' }),
      ]),
    );
    await exportFixture(handle, 'happy-path');
  });
});

test('verify timeout then success on attempt 2', async () => {
  const bridge = new FakeBridge('retry');
  bridge.recoverOnDispatch = 2;
  const taskQueue = uniqueTaskQueue('retry');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    const handle = await startIncident(env, taskQueue, incidentInput('retry', {}, await serverNow(env)));
    const result = await finish(env, handle);

    expect(result.status).toBe('RECOVERED');
    expect(await dispatchesInHistory(handle)).toBe(2);
    expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(2);
    expect(result.attempts.map((a) => a.outcome)).toEqual(['not_recovered', 'recovered']);
    expect(result.attempts[0]?.detail).toMatch(/VERIFY_TIMEOUT/);
    // The second dispatch respects the 5 minute restart spacing.
    const [first, second] = result.attempts.map((a) => Date.parse(a.dispatchedAt ?? ''));
    expect((second as number) - (first as number)).toBeGreaterThanOrEqual(5 * MINUTE);
    expect(bridge.emails('recovery')).toHaveLength(1);
    expect(bridge.emails('escalation')).toHaveLength(0);
  });
});

test('three failed attempts escalate, park without restarts, and an operator resolves', async () => {
  const bridge = new FakeBridge('three');
  bridge.recoverOnDispatch = undefined;
  const taskQueue = uniqueTaskQueue('three');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    // A long SLA so that the count, not the SLA, escalates.
    const handle = await startIncident(
      env,
      taskQueue,
      incidentInput('three', { recoverySlaMs: 60 * MINUTE }, await serverNow(env)),
    );
    await env.sleep(25 * MINUTE);
    const parked = await handle.query(statusQuery);
    expect(parked.status).toBe('ESCALATED');
    expect(parked.escalation?.reason).toBe('3 failed attempts within 1d');
    await sleepOffGrid(env, 30 * MINUTE);
    expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(3);

    await handle.executeUpdate(resolveUpdate, { args: [{ by: 'alice', note: 'restarted the VPS by hand' }] });
    const result = await finish(env, handle);

    expect(result.status).toBe('RESOLVED');
    expect(result.resolution).toMatchObject({ by: 'alice', note: 'restarted the VPS by hand' });
    expect(await dispatchesInHistory(handle)).toBe(3);
    const [escalation] = bridge.emails('escalation');
    expect(escalation).toMatchObject({
      kind: 'escalation',
      diagnosis: expect.stringMatching(/3 restart attempts of three failed/),
    });
    expect(escalation?.kind === 'escalation' && escalation.attempts.map((a) => a.outcome)).toEqual([
      'not_recovered',
      'not_recovered',
      'not_recovered',
    ]);
    expect(bridge.emails('recovery')).toHaveLength(0);
    await exportFixture(handle, 'escalated-resolved');
  });
});

test('a remediation error that retrying cannot fix escalates at once, carrying its diagnosis', async () => {
  const bridge = new FakeBridge('bad-token');
  const diagnosis =
    'GitHub answered 401 Bad credentials: GITHUB_TOKEN is invalid or expired; create a new token with repo and workflow scopes';
  bridge.dispatchBehaviour = async () => {
    throw ApplicationFailure.nonRetryable(diagnosis, 'RemediationUnauthorizedError');
  };
  const taskQueue = uniqueTaskQueue('bad-token');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    const handle = await startIncident(env, taskQueue, incidentInput('bad-token', {}, await serverNow(env)));
    await env.sleep(MINUTE);
    const status = await handle.query(statusQuery);

    expect(status.status).toBe('ESCALATED');
    expect(status.escalation?.diagnosis).toContain(diagnosis);
    expect(bridge.emails('escalation')[0]).toMatchObject({ diagnosis: expect.stringContaining(diagnosis) });
    expect(await dispatchesInHistory(handle)).toBe(1);
    expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(1);
    await handle.executeUpdate(resolveUpdate, { args: [{ by: 'alice', note: 'token rotated' }] });
    expect((await finish(env, handle)).status).toBe('RESOLVED');
  });
});

test('an alert email that fails for a long time does not delay the dispatch', async () => {
  const bridge = new FakeBridge('smtp-down');
  let failures = 0;
  bridge.emailBehaviour = async (event) => {
    if (event.kind === 'critical' && failures < 5) {
      failures += 1;
      throw new Error('connect ECONNREFUSED smtp');
    }
    return { messageId: '<x@test>', accepted: ['ops@example.com'], rejected: [], response: '250 OK' };
  };
  const taskQueue = uniqueTaskQueue('smtp-down');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    const handle = await startIncident(env, taskQueue, incidentInput('smtp-down', {}, await serverNow(env)));
    const result = await finish(env, handle);

    expect(result.status).toBe('RECOVERED');
    expect(failures).toBe(5);
    const f = result.figures;
    // not held back by the failing email (its five retries take 30 s and more); the ledger
    // activities before the dispatch run in real time, a few seconds on a loaded machine
    expect(Date.parse(f.dispatchedAt ?? '') - Date.parse(f.openedAt)).toBeLessThan(10_000);
    // The incident closed at once; the CRITICAL email, still undelivered, went to the target's
    // alert delivery workflow, which got it through after the recovery.
    expect(f.alertedAt).toBeUndefined();
    expect(result.timeline).toContainEqual(
      expect.objectContaining({ step: 'alerted', outcome: 'handed_over', detail: expect.stringContaining('critical email') }),
    );
    await env.sleep(10 * MINUTE);
    expect(await alertsDelivered(env, taskQueue, 'smtp-down')).toBe(true);
    expect(bridge.emails('critical')).toHaveLength(6); // 5 failures, then delivered
    expect(bridge.emails('recovery')).toHaveLength(1);
    expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(1);
    expect(await dispatchesInHistory(handle)).toBe(1);
  });
});
