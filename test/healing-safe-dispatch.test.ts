/**
 * A restart only for a fault that is still there, and once: the fresh look before a restart that
 * follows a wait, a forceRecovery that arrives while a restart is being prepared, and one that
 * arrives as the incident decides. On the time-skipping server, with the harness's fake bridge.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { forceRecovery } from '../src/client/incidents';
import type { ProbeReport } from '../src/shared/types';
import { forceRecoveryUpdate, statusQuery } from '../src/workflows/healing/messages';
import { timeSkippingServerPerTest, uniqueTaskQueue } from './helpers/temporal';
import {
  FakeBridge,
  MINUTE,
  createHealingWorker,
  dispatchesInHistory,
  finish,
  incidentInput,
  policy,
  quiesce,
  serverNow,
  startIncident,
  target,
} from './healing-harness';
import { SWITCH_ON } from '../src/shared/remediation-switch';

let env: TestWorkflowEnvironment;
const test = timeSkippingServerPerTest((e) => {
  env = e;
});

/** A promise the test opens when it is ready. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

const waitUntilTrue = async (what: string, ok: () => boolean | Promise<boolean>): Promise<void> => {
  const deadline = Date.now() + 10_000;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('a fresh look before a restart that follows a wait', () => {
  test('a bridge that recovers by itself during RESTART_COOLDOWN is never restarted: the incident closes RECOVERED, "recovered before the restart was sent"', async () => {
    const bridge = new FakeBridge('cooldown-self');
    const taskQueue = uniqueTaskQueue('cooldown-self');
    const worker = await createHealingWorker(env, taskQueue, [bridge]);
    await worker.runUntil(async () => {
      await finish(env, await startIncident(env, taskQueue, incidentInput('cooldown-self', {}, await serverNow(env))));
      expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(1);

      // It falls over again a minute later: the new incident waits for the 5 min spacing...
      bridge.recoverOnDispatch = undefined;
      await env.sleep(MINUTE);
      const second = await startIncident(env, taskQueue, incidentInput('cooldown-self', {}, await serverNow(env)));
      await env.sleep(2 * MINUTE);
      expect((await second.query(statusQuery)).timeline.map((t) => [t.step, t.outcome])).toContainEqual(['waiting', 'spacing']);
      // ...and meanwhile comes back by itself.
      bridge.healthy = true;
      const result = await finish(env, second);

      expect(result.status).toBe('RECOVERED');
      expect(await dispatchesInHistory(second)).toBe(0);
      expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(1);
      expect(result.attempts).toHaveLength(0);
      expect(result.timeline.map((t) => t.detail)).toContainEqual(expect.stringMatching(/^recovered before the restart was sent/));
      expect(bridge.emails('recovery')[1]).toMatchObject({ method: 'none: the bridge recovered before the restart was sent' });
    });
  });

  test('after a failed attempt, a bridge back by the end of the spacing is not restarted again (the restart → new incident loop is broken)', async () => {
    const bridge = new FakeBridge('backoff-self');
    bridge.recoverOnDispatch = undefined;
    const taskQueue = uniqueTaskQueue('backoff-self');
    const worker = await createHealingWorker(env, taskQueue, [bridge]);
    await worker.runUntil(async () => {
      const handle = await startIncident(env, taskQueue, incidentInput('backoff-self', { verifyTimeoutMs: MINUTE }, await serverNow(env)));
      await env.sleep(2 * MINUTE);
      expect((await handle.query(statusQuery)).attempts).toEqual([expect.objectContaining({ outcome: 'not_recovered' })]);
      bridge.healthy = true;
      const result = await finish(env, handle);
      expect(result.status).toBe('RECOVERED');
      expect(await dispatchesInHistory(handle)).toBe(1);
      expect(result.timeline.map((t) => t.detail)).toContainEqual(expect.stringMatching(/^recovered before the restart was sent/));
    });
  });

  test('a bridge still failing after the wait is restarted at once, after one probe; one healthy probe alone does not stop the restart', async () => {
    const bridge = new FakeBridge('still-down');
    bridge.recoverOnDispatch = 2;
    const taskQueue = uniqueTaskQueue('still-down');
    const answers: ProbeReport['severity'][] = [];
    let flickerAt: number | undefined;
    const worker = await createHealingWorker(env, taskQueue, [bridge], {
      // One healthy probe right at the end of the spacing (a flicker), then failing again.
      probeTarget: async () => {
        const report = await bridge.probeTarget();
        if (flickerAt !== undefined && bridge.probeTarget.mock.calls.length === flickerAt) {
          bridge.healthy = false;
        }
        answers.push(report.severity);
        return report;
      },
    });
    await worker.runUntil(async () => {
      const handle = await startIncident(env, taskQueue, incidentInput('still-down', { verifyTimeoutMs: MINUTE }, await serverNow(env)));
      await env.sleep(2 * MINUTE);
      expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(1);
      bridge.healthy = true;
      flickerAt = bridge.probeTarget.mock.calls.length + 1;
      const result = await finish(env, handle);
      expect(result.status).toBe('RECOVERED');
      expect(await dispatchesInHistory(handle)).toBe(2);
      const lines = result.timeline.map((t) => [t.step, t.outcome]);
      const look = lines.findIndex(([s, o]) => s === 'probe' && o === 'healthy');
      const again = lines.findIndex(([s, o]) => s === 'probe' && o === 'failing');
      const second = lines.findIndex(([s], i) => s === 'dispatched' && i > again);
      expect(look).toBeGreaterThan(-1);
      expect(again).toBeGreaterThan(look);
      expect(second).toBeGreaterThan(again);
    });
  });
});

describe('operator requests in the narrow windows', () => {
  test('a forceRecovery that arrives while the restart is being prepared joins it: one restart, not two seconds apart', async () => {
    const bridge = new FakeBridge('join-prep');
    const taskQueue = uniqueTaskQueue('join-prep');
    const switchRead = gate();
    let reads = 0;
    let inRead = false;
    const worker = await createHealingWorker(env, taskQueue, [bridge], {
      // The incident's opening reads the switch for its email; the read before the dispatch is held.
      readRemediationSwitch: async () => {
        reads += 1;
        if (reads === 2) {
          inRead = true;
          await switchRead.wait;
        }
        return SWITCH_ON;
      },
    });
    await worker.runUntil(async () => {
      const handle = await startIncident(env, taskQueue, incidentInput('join-prep', {}, await serverNow(env)));
      await waitUntilTrue('the switch read before the dispatch', () => inRead);
      const ack = await forceRecovery(env.client, {
        target: target('join-prep'),
        policy: policy(),
        reason: 'traders are waiting',
        by: 'dana',
        taskQueue,
      });
      expect(ack).toMatchObject({ started: false, status: 'HEALING' });
      switchRead.open();
      const result = await finish(env, handle);
      expect(result.status).toBe('RECOVERED');
      expect(await dispatchesInHistory(handle)).toBe(1);
      expect(result.timeline).toContainEqual(
        expect.objectContaining({ step: 'force_recovery', outcome: 'joined', detail: expect.stringMatching(/joins the restart already being prepared/) }),
      );
    });
  });

  test('a forceRecovery that arrives as the last verification probe runs gets an answer when the incident closes, not silence', async () => {
    const bridge = new FakeBridge('late-force');
    const taskQueue = uniqueTaskQueue('late-force');
    const lastProbe = gate();
    let holding = false;
    let healthyAfterRestart = 0;
    const worker = await createHealingWorker(env, taskQueue, [bridge], {
      probeTarget: async () => {
        const report = await bridge.probeTarget();
        if (bridge.dispatches >= 1 && report.severity === 'HEALTHY') healthyAfterRestart += 1;
        // The probe that makes it two healthy in a row: held until the operator's request is in.
        if (healthyAfterRestart === 2 && !holding) {
          holding = true;
          await lastProbe.wait;
        }
        return report;
      },
    });
    await worker.runUntil(async () => {
      const handle = await startIncident(env, taskQueue, incidentInput('late-force', {}, await serverNow(env)));
      await env.sleep(MINUTE);
      await waitUntilTrue('the last verification probe', () => holding);
      await handle.executeUpdate(forceRecoveryUpdate, { args: [{ reason: 'still looks stuck to me', by: 'erin' }] });
      lastProbe.open();
      await quiesce(handle);
      const result = await finish(env, handle);
      expect(result.status).toBe('RECOVERED');
      expect(await dispatchesInHistory(handle)).toBe(1);
      const answer = result.timeline.find((t) => t.step === 'force_recovery' && t.outcome === 'not_needed');
      expect(answer?.detail).toMatch(/^forceRecovery by erin \(still looks stuck to me\) was not acted on: the target recovered/);
      expect(bridge.notifyInApp.mock.calls.map(([n]) => (n as { text: string }).text)).toContainEqual(
        expect.stringContaining('forceRecovery by erin (still looks stuck to me) was not acted on'),
      );
    });
  });
});
