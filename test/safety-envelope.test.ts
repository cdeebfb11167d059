/**
 * The safety envelope of automatic restarts, on the time-skipping server with the real healing,
 * ledger and switch workflows and their real activities (the bridges, email and in-app feed are
 * the harness's fakes):
 * - RESTART_BUDGET: a target whose restarts within the window reached the budget escalates
 *   instead of dispatching, counted across incidents; a forceRecovery still restarts, counted;
 * - FLEET_BREAKER: three targets CRITICAL within the window trip the breaker: no automatic
 *   restart for any, one notice to people; an operator's override lets the restarts go; the
 *   breaker clears when the incidents close; every target unreachable trips it too.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createLedgerActivities } from '../src/activities/ledger';
import { forceRecovery, getStatus } from '../src/client/incidents';
import { BreakerNotTrippedError, overrideBreaker, readRemediationSwitch } from '../src/client/remediation-switch';
import type {
  EscalationAlert,
  FleetBreakerAlert,
  FleetSettings,
  InAppNotification,
} from '../src/shared/contracts';
import { remediationSwitchWorkflowId } from '../src/shared/names';
import type { HealingPolicy, ProbeReport } from '../src/shared/types';
import { exportFixture } from './healing-fixtures';
import {
  FakeBridge,
  HOUR,
  MINUTE,
  createHealingWorker,
  dispatchesInHistory,
  finish,
  incidentInput,
  policy,
  quiesce,
  serverNow,
  sleepOffGrid,
  startIncident,
  target,
  terminalDownReport,
} from './healing-harness';
import { timeSkippingServerPerTest, uniqueTaskQueue } from './helpers/temporal';

let env: TestWorkflowEnvironment;
const test = timeSkippingServerPerTest((e) => {
  env = e;
});

const DAY = 24 * HOUR;

describe('restart budget', () => {
  test('a target whose restarts reached RESTART_BUDGET escalates instead of dispatching, counted across incidents; a forceRecovery still restarts and is counted', async () => {
    const bridge = new FakeBridge('budget');
    const taskQueue = uniqueTaskQueue('budget');
    const budget: Partial<HealingPolicy> = { restartBudget: { count: 2, windowMs: DAY }, escalateAfter: 10 };
    const ledger = createLedgerActivities({ client: env.client, taskQueue });
    const worker = await createHealingWorker(env, taskQueue, [bridge]);
    await worker.runUntil(async () => {
      // two incidents, each healed by one restart
      for (const restarts of [1, 2]) {
        bridge.recoverOnDispatch = restarts;
        const handle = await startIncident(env, taskQueue, incidentInput('budget', budget, await serverNow(env)));
        expect(await finish(env, handle, 15_000)).toMatchObject({ status: 'RECOVERED' });
        expect(await dispatchesInHistory(handle)).toBe(1);
      }
      expect((await ledger.readAttemptLedger('budget')).dispatches).toHaveLength(2);

      // the third incident: the budget is used, so it escalates to people instead of restarting
      bridge.recoverOnDispatch = 3;
      const third = await startIncident(env, taskQueue, incidentInput('budget', budget, await serverNow(env)));
      await sleepOffGrid(env, 10 * MINUTE);
      const held = await getStatus(env.client, taskQueue, 'budget');
      expect(held.status).toBe('ESCALATED');
      expect(held.attempts).toHaveLength(0);
      expect(await dispatchesInHistory(third)).toBe(0);
      expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(2);
      expect(held.escalation?.reason).toBe('restart budget used: 2 restarts within 1d');
      const [email] = bridge.emails('escalation') as EscalationAlert[];
      expect(email?.incidentId).toBe(held.incidentId);
      expect(email?.diagnosis).toContain('2 restarts of budget were dispatched within 1d (RESTART_BUDGET 2/1d');

      // an operator's forceRecovery is not blocked by the budget, and is counted
      await forceRecovery(env.client, { target: target('budget'), policy: policy(budget), reason: 'checked the VPS', by: 'gina', taskQueue });
      expect(await finish(env, third, 15_000)).toMatchObject({ status: 'RECOVERED' });
      expect(await dispatchesInHistory(third)).toBe(1);
      expect((await ledger.readAttemptLedger('budget')).dispatches).toHaveLength(3);
      await exportFixture(third, 'restart-budget-escalated');
    });
  });

  test('dispatches older than the budget window no longer count: the next incident restarts', async () => {
    const bridge = new FakeBridge('aged');
    const taskQueue = uniqueTaskQueue('aged');
    const budget: Partial<HealingPolicy> = { restartBudget: { count: 1, windowMs: HOUR } };
    const ledger = createLedgerActivities({ client: env.client, taskQueue });
    const worker = await createHealingWorker(env, taskQueue, [bridge]);
    await worker.runUntil(async () => {
      const now = (await serverNow(env)).getTime();
      const twoHoursAgo = new Date(now - 2 * HOUR).toISOString();
      await ledger.recordLedgerEntry('aged', { kind: 'dispatch', at: twoHoursAgo, windowMs: DAY, incidentId: 'old', budgetWindowMs: HOUR });
      const handle = await startIncident(env, taskQueue, incidentInput('aged', budget, await serverNow(env)));
      expect(await finish(env, handle, 15_000)).toMatchObject({ status: 'RECOVERED' });
      expect(await dispatchesInHistory(handle)).toBe(1);
    });
  });
});

describe('fleet breaker', () => {
  const FLEET = ['fa', 'fb', 'fc'];
  const fleet = (targetIds = FLEET): FleetSettings => ({ targetIds, rule: { count: 3, windowMs: 5 * MINUTE } });

  /** A worker whose switch activities know the fleet (as the worker's config gives them), and the notices' fake. */
  async function fleetWorker(taskQueue: string, bridges: FakeBridge[], settings = fleet()) {
    const notices = new FakeBridge('fleet');
    const worker = await createHealingWorker(env, taskQueue, [...bridges, notices], {
      ...createLedgerActivities({ client: env.client, taskQueue, fleet: settings }),
      recordIncidentClosed: async () => undefined,
    });
    return { worker, notices };
  }

  /** Each target was restarted a minute ago: its incident waits out RESTART_COOLDOWN (5 min) before any restart. */
  async function restartedAMinuteAgo(taskQueue: string, ids: string[]): Promise<void> {
    const ledger = createLedgerActivities({ client: env.client, taskQueue });
    const at = new Date((await serverNow(env)).getTime() - MINUTE).toISOString();
    for (const id of ids) await ledger.recordLedgerEntry(id, { kind: 'dispatch', at, windowMs: DAY, incidentId: `${id}-before` });
  }

  const inApp = (notices: FakeBridge): InAppNotification[] =>
    notices.notifyInApp.mock.calls.map(([n]) => n as InAppNotification);

  test('three targets CRITICAL within the window: no automatic restart for any, one notice to people; an override lets the restarts go', async () => {
    const bridges = FLEET.map((id) => new FakeBridge(id));
    const taskQueue = uniqueTaskQueue('breaker');
    const { worker, notices } = await fleetWorker(taskQueue, bridges);
    await worker.runUntil(async () => {
      await restartedAMinuteAgo(taskQueue, FLEET);
      const now = await serverNow(env);
      const handles = await Promise.all(FLEET.map((id) => startIncident(env, taskQueue, incidentInput(id, {}, now))));
      await sleepOffGrid(env, 10 * MINUTE);

      for (const [i, id] of FLEET.entries()) {
        const view = await getStatus(env.client, taskQueue, id);
        expect(view.status).toBe('HEALING');
        expect(view.attempts).toHaveLength(0);
        expect(await dispatchesInHistory(handles[i]!)).toBe(0);
        const withheld = view.timeline.find((t) => t.step === 'withheld');
        expect(withheld?.outcome).toBe('fleet_breaker');
        expect(withheld?.detail).toMatch(
          /^fleet breaker: 3 targets CRITICAL within 5m \(FLEET_BREAKER 3\/5m\) \(fa, fb, fc\) — suspected common cause \(the broker, the network, the worker's own host\)/,
        );
        expect(view.activity).toContain('fleet breaker: 3 targets CRITICAL within 5m');
      }
      for (const bridge of bridges) expect(bridge.dispatchRemediation).not.toHaveBeenCalled();
      // one notice for the fleet: one email, one CRITICAL in-app notification
      const emails = notices.emails('fleet_breaker') as FleetBreakerAlert[];
      expect(emails).toHaveLength(1);
      expect(emails[0]).toMatchObject({ targetId: 'fleet', targets: ['fa', 'fb', 'fc'], rule: '3 targets CRITICAL within 5m (FLEET_BREAKER 3/5m)' });
      expect(inApp(notices).filter((n) => n.severity === 'CRITICAL')).toHaveLength(1);
      expect((await readRemediationSwitch(env.client, taskQueue)).breaker?.tripped).toMatchObject({ cause: 'burst', targets: FLEET });

      await expect(overrideBreaker(env.client, taskQueue, { by: 'hana', reason: '' })).rejects.toThrow('--reason');
      const overridden = await overrideBreaker(env.client, taskQueue, { by: 'hana', reason: 'broker is fine, three real faults' });
      expect(overridden.breaker).toMatchObject({ override: { by: 'hana' } });
      expect(overridden.breaker?.tripped).toBeUndefined();

      for (const [i, handle] of handles.entries()) {
        const result = await finish(env, handle, 15_000);
        expect(result.status).toBe('RECOVERED');
        expect(await dispatchesInHistory(handle)).toBe(1);
        expect(result.timeline).toContainEqual(
          expect.objectContaining({
            step: 'withheld',
            outcome: 'fleet_breaker_released',
            detail: 'fleet breaker overridden by hana (broker is fine, three real faults): automatic restarts go ahead: the restart goes ahead',
          }),
        );
        expect(bridges[i]!.dispatchRemediation).toHaveBeenCalledTimes(1);
      }
      expect(notices.emails('fleet_breaker')).toHaveLength(1);
      await quiesce(env.client.workflow.getHandle(remediationSwitchWorkflowId(taskQueue)));
      await exportFixture(env.client.workflow.getHandle(remediationSwitchWorkflowId(taskQueue)), 'remediation-switch-fleet-breaker');
      await env.client.workflow.getHandle(remediationSwitchWorkflowId(taskQueue)).terminate('test over');
    });
  });

  test('the breaker clears when the incidents close: the held incidents recover by themselves and a later incident restarts at once', async () => {
    const bridges = FLEET.map((id) => new FakeBridge(id));
    const taskQueue = uniqueTaskQueue('clears');
    const { worker, notices } = await fleetWorker(taskQueue, bridges);
    await worker.runUntil(async () => {
      await restartedAMinuteAgo(taskQueue, FLEET);
      const now = await serverNow(env);
      const handles = await Promise.all(FLEET.map((id) => startIncident(env, taskQueue, incidentInput(id, {}, now))));
      await sleepOffGrid(env, 6 * MINUTE);
      expect((await readRemediationSwitch(env.client, taskQueue)).breaker?.tripped).toBeDefined();

      // the common cause goes away: every bridge answers healthy again, without a restart
      for (const bridge of bridges) bridge.healthy = true;
      for (const handle of handles) {
        const result = await finish(env, handle, 15_000);
        expect(result.status).toBe('RECOVERED');
        expect(await dispatchesInHistory(handle)).toBe(0);
      }
      const cleared = await readRemediationSwitch(env.client, taskQueue);
      expect(cleared.breaker?.tripped).toBeUndefined();
      expect(cleared.breaker?.open).toEqual([]);
      expect(cleared.breaker?.history.map((c) => c.change)).toEqual(['tripped', 'cleared']);
      expect(inApp(notices).map((n) => n.severity)).toEqual(['CRITICAL', 'INFO']);
      await expect(overrideBreaker(env.client, taskQueue, { by: 'hana', reason: 'nothing' })).rejects.toBeInstanceOf(BreakerNotTrippedError);

      // a single target failing later is restarted as usual
      const [first] = bridges;
      first!.healthy = false;
      first!.recoverOnDispatch = first!.dispatches + 1;
      const later = await startIncident(env, taskQueue, incidentInput('fa', { restartCooldownMs: MINUTE }, await serverNow(env)));
      expect(await finish(env, later, 15_000)).toMatchObject({ status: 'RECOVERED' });
      expect(await dispatchesInHistory(later)).toBe(1);
      await env.client.workflow.getHandle(remediationSwitchWorkflowId(taskQueue)).terminate('test over');
    });
  });

  test('every target unreachable (two targets, fewer than the threshold): the breaker trips; one target answering again clears it', async () => {
    const ids = ['ua', 'ub'];
    const bridges = ids.map((id) => new FakeBridge(id));
    let unreachable = true;
    for (const bridge of bridges) {
      bridge.recoverOnDispatch = undefined;
      const healthyOrDown = bridge.probeTarget.getMockImplementation()!;
      bridge.probeTarget.mockImplementation(async () => {
        const report = await healthyOrDown();
        return unreachable && report.severity !== 'HEALTHY' ? unreachableReport(bridge.targetId) : report;
      });
    }
    const taskQueue = uniqueTaskQueue('unreachable');
    const { worker, notices } = await fleetWorker(taskQueue, bridges, fleet(ids));
    await worker.runUntil(async () => {
      await restartedAMinuteAgo(taskQueue, ids);
      const now = await serverNow(env);
      const handles = await Promise.all(
        ids.map((id) => startIncident(env, taskQueue, { ...incidentInput(id, {}, now), report: unreachableReport(id) })),
      );
      await sleepOffGrid(env, 6 * MINUTE);
      const tripped = (await readRemediationSwitch(env.client, taskQueue)).breaker?.tripped;
      expect(tripped).toMatchObject({ cause: 'unreachable', rule: 'no target answers: all 2 fail their bridge check' });
      for (const handle of handles) expect(await dispatchesInHistory(handle)).toBe(0);
      expect(notices.emails('fleet_breaker')).toHaveLength(1);
      const view = await getStatus(env.client, taskQueue, 'ua');
      expect(view.timeline.find((t) => t.outcome === 'fleet_breaker')?.detail).toMatch(
        /^fleet breaker: no target answers: all 2 fail their bridge check \(ua, ub\) — suspected common cause \(the network, the worker's own host\)/,
      );

      // the bridges answer again (still CRITICAL: terminal down): the breaker clears, restarts go
      unreachable = false;
      await sleepOffGrid(env, MINUTE);
      expect((await readRemediationSwitch(env.client, taskQueue)).breaker?.tripped).toBeUndefined();
      await sleepOffGrid(env, MINUTE);
      for (const handle of handles) expect(await dispatchesInHistory(handle)).toBeGreaterThanOrEqual(1);
      for (const id of ids) {
        const released = (await getStatus(env.client, taskQueue, id)).timeline.find((t) => t.outcome === 'fleet_breaker_released');
        expect(released?.detail).toBe('fleet breaker cleared: a target answers again; automatic restarts resume: the restart goes ahead');
      }
      for (const handle of handles) await handle.terminate('test over');
      await env.client.workflow.getHandle(remediationSwitchWorkflowId(taskQueue)).terminate('test over');
    });
  });
});

/** A CRITICAL probe whose bridge check fails: the health endpoint could not be reached. */
function unreachableReport(targetId: string): ProbeReport {
  const down = terminalDownReport(targetId);
  return {
    ...down,
    summary: 'MT5 Bridge unreachable: connect ECONNREFUSED',
    checks: [{ check: 'bridge', status: 'fail', evidence: 'connect ECONNREFUSED' }],
  };
}
