/**
 * Recurring maintenance windows in the long-lived monitor, on the time-skipping server: the
 * window's start stops the running watch (the monitor's durable timer) and pauses monitoring by
 * "schedule" with the window's name; nothing is probed during the window; at its end the monitor
 * resumes by itself, and the window is recorded in the roll-up as maintenance, from its start to
 * its end. An operator's resume ends the occurrence in progress; the next one pauses again.
 * The watch activity is a fake that probes until it is cancelled (the real one: test/watch-target.test.ts).
 */
import type { WorkflowHandle } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { WatchInput, WatchResult } from '../src/shared/contracts';
import type { RecurringWindow } from '../src/shared/maintenance-schedule';
import { targetMonitorWorkflow } from '../src/workflows/target-monitor';
import { configureMonitorSignal, monitorStateQuery, pauseMonitorUpdate, resumeMonitorUpdate } from '../src/workflows/target-monitor/messages';
import { HOUR, MINUTE, healthyReport, policy, target } from './healing-harness';
import { exportFixture } from './healing-fixtures';
import { waitFor } from './helpers/wait';
import { timeSkippingServerPerTest, trackWorker, uniqueTaskQueue, workflowBundle } from './helpers/temporal';

jest.setTimeout(120_000);

let env: TestWorkflowEnvironment;
const test = timeSkippingServerPerTest((e) => {
  env = e;
});

const CHECK_INTERVAL_MS = 15_000;
/** Real time between the monitor's start and its window's start. */
const LEAD_MS = 4_000;

const until = <T>(what: string, read: () => Promise<T> | T, ok: (v: T) => boolean) => waitFor(what, read, ok, { timeoutMs: 30_000, everyMs: 50 });

/** What the fake activities saw. */
interface Seen {
  watches: number;
  notifications: string[];
  maintenance: Array<[string, string]>;
}

async function startMonitor(taskQueue: string): Promise<{ worker: Worker; seen: Seen }> {
  const seen: Seen = { watches: 0, notifications: [], maintenance: [] };
  const worker = trackWorker(
    await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: {
        // The first watch of a new monitor hands its first report back; later ones watch a healthy
        // target until cancelled (a window's start) or due.
        watchTarget: async (input: WatchInput): Promise<WatchResult> => {
          seen.watches += 1;
          const report = healthyReport(input.target.id);
          if (input.expected === 'UNKNOWN') return { end: 'changed', report, probes: 1, signatureSince: report.observation.probedAt };
          const ctx = Context.current();
          for (;;) {
            ctx.heartbeat();
            await ctx.sleep(100); // rejects once the watch is cancelled
          }
        },
        notifyInApp: async (n: { text: string }) => {
          seen.notifications.push(n.text);
        },
        recordMaintenance: async (_targetId: string, span: [string, string]) => {
          seen.maintenance.push(span);
        },
      },
    }),
  );
  return { worker, seen };
}

/**
 * A daily UTC window whose start is a minute boundary a few seconds of real time ahead: the
 * server's clock is first skipped to just before it. (The time-skipping server does not skip
 * time while an activity runs, so the watch that the window interrupts must start close to it.)
 */
async function windowStartingSoon(durationMs: number, name: string): Promise<{ window: RecurringWindow; startMs: number }> {
  const now = await env.currentTimeMs();
  const startMs = Math.ceil((now + 2 * MINUTE) / MINUTE) * MINUTE;
  await env.sleep(startMs - LEAD_MS - now);
  const at = new Date(startMs);
  const start = `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
  return { window: { name, start, durationMs, timeZone: 'UTC' }, startMs };
}

async function eventsOf(handle: WorkflowHandle) {
  return (await handle.fetchHistory()).events ?? [];
}
const eventMs = (e: { eventTime?: { seconds?: unknown; nanos?: number | null } | null }): number =>
  Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);

const startInput = (id: string, windows: RecurringWindow[]) => ({
  target: target(id),
  policy: policy({ checkIntervalMs: CHECK_INTERVAL_MS }),
  maintenance: windows,
});

test('a window starting mid-watch stops the watch within a check interval of its start, nothing is probed until its end, then the monitor resumes by itself and the window is maintenance in the roll-up', async () => {
  const taskQueue = uniqueTaskQueue('scheduled-window');
  const { worker, seen } = await startMonitor(taskQueue);
  const { window, startMs } = await windowStartingSoon(HOUR, 'nightly backup');
  const endMs = startMs + HOUR;
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(targetMonitorWorkflow, {
      taskQueue,
      workflowId: `monitor-${taskQueue}`,
      args: [startInput('vps-a', [window])],
    });
    // The first report, then a long watch: the window's start stops it.
    await until('the second watch', () => seen.watches, (n) => n >= 2);
    const paused = await until('the scheduled pause', () => handle.query(monitorStateQuery), (v) => v.phase === 'paused');
    expect(paused.pause).toEqual({
      by: 'schedule',
      reason: 'nightly backup',
      until: new Date(endMs).toISOString(),
      at: new Date(startMs).toISOString(),
      note: `PAUSED until ${new Date(endMs).toISOString()} by schedule (nightly backup)`,
      scheduled: true,
    });
    const history = await eventsOf(handle);
    const cancelled = history.filter((e) => e.activityTaskCancelRequestedEventAttributes);
    expect(cancelled).toHaveLength(1);
    expect(eventMs(cancelled[0]!) - startMs).toBeGreaterThanOrEqual(0);
    expect(eventMs(cancelled[0]!) - startMs).toBeLessThan(CHECK_INTERVAL_MS);
    await until('the feed note of the start', () => seen.notifications, (n) => n.length >= 1);
    expect(seen.notifications).toEqual([
      `Maintenance window "nightly backup" of vps-a started: no checks, alerts or restarts until ${new Date(endMs).toISOString()} (paused by schedule; an open incident keeps its course)`,
    ]);

    // Nothing is probed during the window.
    const watchesAtStart = seen.watches;
    await env.sleep(endMs - (await env.currentTimeMs()) - MINUTE);
    expect(seen.watches).toBe(watchesAtStart);
    expect((await handle.query(monitorStateQuery)).phase).toBe('paused');

    // At its end monitoring resumes by itself, and the window is recorded from its start to its end.
    await env.sleep(endMs - (await env.currentTimeMs()));
    await until('a watch after the window', () => seen.watches, (n) => n > watchesAtStart);
    const resumed = await handle.query(monitorStateQuery);
    expect(resumed.pause).toBeUndefined();
    expect(resumed.note).toBe(`Maintenance window ended at ${new Date(endMs).toISOString()} (paused by schedule: nightly backup)`);
    expect(seen.maintenance).toEqual([[new Date(startMs).toISOString(), new Date(endMs).toISOString()]]);
    expect(seen.notifications).toContain('Maintenance window of vps-a ended: monitoring resumed (paused by schedule: nightly backup)');
    await exportFixture(handle, 'target-monitor-scheduled-window');
    await handle.terminate('test over');
  });
});

test("an operator's resume ends the occurrence in progress; an operator's pause works alongside, and the next day's occurrence pauses again", async () => {
  const taskQueue = uniqueTaskQueue('scheduled-resume');
  const { worker, seen } = await startMonitor(taskQueue);
  const { window, startMs } = await windowStartingSoon(2 * HOUR, 'broker slot');
  const nextStartMs = startMs + 24 * HOUR;
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(targetMonitorWorkflow, {
      taskQueue,
      workflowId: `monitor-${taskQueue}`,
      args: [startInput('vps-b', [window])],
    });
    await until('the scheduled pause', () => handle.query(monitorStateQuery), (v) => v.pause?.by === 'schedule');

    // alice resumes: the occurrence in progress is over, monitoring goes on.
    const watchesBefore = seen.watches;
    const ack = await handle.executeUpdate(resumeMonitorUpdate, { args: [{ by: 'alice' }] });
    expect(ack).toMatchObject({ wasPaused: true, view: { note: 'Resumed by alice' } });
    expect(ack.view.pause).toBeUndefined();
    await until('a watch after the resume', () => seen.watches, (n) => n > watchesBefore);
    expect((await handle.query(monitorStateQuery)).pause).toBeUndefined();

    // bob pauses until a few seconds before the next day's occurrence; then the schedule takes over.
    const bobUntil = new Date(nextStartMs - LEAD_MS).toISOString();
    await handle.executeUpdate(pauseMonitorUpdate, { args: [{ by: 'bob', reason: 'VPS patching', until: bobUntil }] });
    await until('the watch stopped by the pause', () => handle.query(monitorStateQuery), (v) => v.phase === 'paused');
    await env.sleep(Date.parse(bobUntil) - (await env.currentTimeMs()));
    const next = await until('the next occurrence', () => handle.query(monitorStateQuery), (v) => v.pause?.by === 'schedule');
    expect(next.pause).toMatchObject({ reason: 'broker slot', at: new Date(nextStartMs).toISOString(), until: new Date(nextStartMs + 2 * HOUR).toISOString() });
    // Each pause is maintenance in the roll-up: the first occurrence until alice's resume, bob's, the next occurrence (when it ends).
    expect(seen.maintenance.map(([from]) => from)).toEqual([new Date(startMs).toISOString(), expect.any(String)]);
    expect(seen.maintenance[1]![1]).toBe(bobUntil);
    await handle.terminate('test over');
  });
});

test('a monitor that starts during an occurrence (its worker was down at the start) pauses at once, from the occurrence\'s own start, and probes nothing', async () => {
  const taskQueue = uniqueTaskQueue('scheduled-late');
  const { worker, seen } = await startMonitor(taskQueue);
  const { window, startMs } = await windowStartingSoon(HOUR, 'nightly backup');
  await env.sleep(LEAD_MS + 10 * MINUTE); // ten minutes into the occurrence, no monitor running
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(targetMonitorWorkflow, {
      taskQueue,
      workflowId: `monitor-${taskQueue}`,
      args: [startInput('vps-c', [window])],
    });
    const view = await until('the scheduled pause', () => handle.query(monitorStateQuery), (v) => v.phase === 'paused');
    expect(view.pause).toMatchObject({ by: 'schedule', at: new Date(startMs).toISOString(), until: new Date(startMs + HOUR).toISOString() });
    expect(seen.watches).toBe(0);
    await handle.terminate('test over');
  });
});

test('a window withdrawn from the schedule while in progress (new settings) ends its pause at once', async () => {
  const taskQueue = uniqueTaskQueue('scheduled-withdrawn');
  const { worker, seen } = await startMonitor(taskQueue);
  const { window } = await windowStartingSoon(HOUR, 'broker slot');
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(targetMonitorWorkflow, {
      taskQueue,
      workflowId: `monitor-${taskQueue}`,
      args: [startInput('vps-d', [window])],
    });
    await until('the scheduled pause', () => handle.query(monitorStateQuery), (v) => v.pause?.by === 'schedule');
    const watchesBefore = seen.watches;
    const { maintenance: _withdrawn, ...without } = startInput('vps-d', []);
    await handle.signal(configureMonitorSignal, without);
    const view = await until('monitoring again', () => handle.query(monitorStateQuery), (v) => v.pause === undefined);
    expect(view.note).toBe('Maintenance window "broker slot" no longer in the schedule: monitoring resumed');
    await until('a watch after the withdrawal', () => seen.watches, (n) => n > watchesBefore);
    await handle.terminate('test over');
  });
});
