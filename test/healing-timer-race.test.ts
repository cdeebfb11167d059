/**
 * Operator updates that arrive exactly as a timer of the incident fires, on the dev server (a
 * real Temporal server, real time). The time-skipping server strands a run whose workflow task
 * cancels a timer that fired while the task was with the worker (test/healing-harness.ts,
 * `sleepOffGrid`); the real server accepts that cancellation, and this proves the product then
 * does the right thing: each forceRecovery restarts once (or joins the restart in flight), a
 * resolve closes the incident and nothing is dispatched after it, and no workflow task fails.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { forceRecoveryUpdate, resolveUpdate, statusQuery } from '../src/workflows/healing/messages';
import { createDevServerEnv, shutDownTrackedWorkers, uniqueTaskQueue } from './helpers/temporal';
import { FakeBridge, MINUTE, createHealingWorker, incidentInput, startIncident } from './healing-harness';

jest.setTimeout(180_000);

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createDevServerEnv();
});
afterAll(async () => {
  await shutDownTrackedWorkers();
  await env?.teardown();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** When the incident's pending timer fires (wall clock), read from its history; undefined: none pending. */
async function pendingTimerFiresAt(handle: WorkflowHandle): Promise<number | undefined> {
  const events = (await handle.fetchHistory()).events ?? [];
  const closed = new Set<string>();
  for (const e of events) {
    const id = e.timerFiredEventAttributes?.timerId ?? e.timerCanceledEventAttributes?.timerId;
    if (id) closed.add(id);
  }
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    const started = e.timerStartedEventAttributes;
    if (!started || closed.has(started.timerId ?? '')) continue;
    const at = Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
    const after = Number(started.startToFireTimeout?.seconds ?? 0) * 1000 + Math.floor((started.startToFireTimeout?.nanos ?? 0) / 1e6);
    return at + after;
  }
  return undefined;
}

/** Waits (real time) until a verification timer is pending, then until the moment it fires. */
async function untilATimerFires(handle: WorkflowHandle): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const view = await handle.query(statusQuery);
    const firesAt = view.activity.startsWith('verifying') ? await pendingTimerFiresAt(handle) : undefined;
    if (firesAt !== undefined && firesAt > Date.now() + 50) {
      await sleep(firesAt - Date.now());
      return;
    }
    if (Date.now() > deadline) throw new Error(`no verification timer pending: ${view.activity}`);
    await sleep(50);
  }
}

test('forceRecovery and resolve sent as the verification timer fires: one restart per force, none after the resolve, no failed workflow task', async () => {
  const bridge = new FakeBridge('timer-race');
  bridge.recoverOnDispatch = undefined; // never heals: verification keeps its timer running
  const taskQueue = uniqueTaskQueue('timer-race');
  const worker = await createHealingWorker(env, taskQueue, [bridge]);
  await worker.runUntil(async () => {
    const handle = await startIncident(
      env,
      taskQueue,
      incidentInput('timer-race', { verifyIntervalMs: 1_000, verifyTimeoutMs: 30 * MINUTE, recoverySlaMs: 60 * MINUTE, restartCooldownMs: 1_000 }),
    );
    const forces = 5;
    for (let i = 0; i < forces; i++) {
      await untilATimerFires(handle);
      await handle.executeUpdate(forceRecoveryUpdate, { args: [{ reason: `race ${i}`, by: 'ivan' }] });
      // its restart is dispatched before the next round
      const deadline = Date.now() + 30_000;
      while (bridge.dispatchRemediation.mock.calls.length < i + 2) {
        if (Date.now() > deadline) throw new Error(`force ${i} was not dispatched`);
        await sleep(50);
      }
    }
    await untilATimerFires(handle);
    await handle.executeUpdate(resolveUpdate, { args: [{ by: 'ivan', note: 'restarted by hand' }] });
    const result = await handle.result();
    expect(result.status).toBe('RESOLVED');

    const view = result.timeline.map((t) => `${t.step}/${t.outcome}`);
    const requested = view.filter((v) => v === 'force_recovery/requested').length;
    const joined = view.filter((v) => v === 'force_recovery/joined').length;
    expect(requested + joined).toBe(forces);
    // the first automatic restart, then one per force that was not joined to one in flight
    expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(1 + requested);
    const dispatchesAtResolve = bridge.dispatchRemediation.mock.calls.length;
    await sleep(3_000);
    expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(dispatchesAtResolve);
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
  });
});
