/**
 * The long-lived monitor (targetMonitorWorkflow) on a real Temporal dev server, with the real
 * probe and watch activities against the bridge simulator; emails, restarts and the ledger are
 * fakes (proved in their own tests). Checks every second: what a healthy target costs in
 * history, a confirmed CRITICAL starting one healer, unconfirmed findings raising the
 * intermittent-fault WARNING without a restart, new settings and continue-as-new.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { loadConfig, type TargetConfig } from '../src/config/load-config';
import { createProbeActivities } from '../src/activities/probe/index';
import { ensureMonitors, queryMonitor, readMonitor } from '../src/client/monitors';
import { createBridgeSimulator, type BridgeSimulator } from '../src/simulator';
import { healingWorkflowId, monitorWorkflowId, warningWatchWorkflowId } from '../src/shared/names';
import { EMPTY_LEDGER } from '../src/workflows/attempt-ledger';
import { targetMonitorWorkflow } from '../src/workflows/target-monitor';
import { type TargetMonitorView, pauseMonitorUpdate } from '../src/workflows/target-monitor/messages';
import type { WarningAlert } from '../src/shared/contracts';
import type { ProbeReport } from '../src/shared/types';
import { createDevServerEnv, uniqueTaskQueue, workflowBundle } from './helpers/temporal';
import { waitFor } from './helpers/wait';
import { exportFixture } from './healing-fixtures';

jest.setTimeout(180_000);

let env: TestWorkflowEnvironment;
let simulator: BridgeSimulator;
let worker: Worker;
let running: Promise<void>;
const taskQueue = uniqueTaskQueue('target-monitor');
const emails: WarningAlert[] = [];
const fakes = {
  sendAlertEmail: jest.fn(async (event: { kind: string }) => {
    if (event.kind === 'warning') emails.push(event as WarningAlert);
    return { messageId: '<x@test>', accepted: ['ops@test'], rejected: [], response: '250 OK' };
  }),
  notifyInApp: jest.fn(async () => undefined),
  dispatchRemediation: jest.fn(async (_request: { targetId: string }) => ({ method: 'none' as const, dispatchedAt: new Date().toISOString(), detail: 'test' })),
  readAttemptLedger: async () => EMPTY_LEDGER,
  recordLedgerEntry: async () => undefined,
  recordMaintenance: async () => undefined,
};

beforeAll(async () => {
  [env, simulator] = await Promise.all([createDevServerEnv(), createBridgeSimulator({ host: '127.0.0.1', port: 0 })]);
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: { ...createProbeActivities({}), ...fakes },
    maxConcurrentActivityTaskExecutions: 100,
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await simulator?.close();
  await env?.teardown();
});

afterEach(() => simulator.clearFaults());

let n = 0;
/** A target of its own for each test, probed every second. */
function targetConfig(overrides: Record<string, string> = {}): TargetConfig {
  const config = loadConfig({ MT5_BRIDGE_URL: simulator.url, CHECK_INTERVAL: '1s', CONFIRM_DELAY: '1s', PROBE_TIMEOUT: '1s', ...overrides });
  const tc = config.targets[0] as TargetConfig;
  return { ...tc, target: { ...tc.target, id: `watched-${process.pid}-${++n}` } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = <T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 30_000) =>
  waitFor(what, read, ok, { timeoutMs: ms, everyMs: 100 });

const monitor = (tc: TargetConfig): WorkflowHandle => env.client.workflow.getHandle(monitorWorkflowId(tc.target.id, taskQueue));
const view = (tc: TargetConfig): Promise<TargetMonitorView> => queryMonitor(env.client, taskQueue, tc.target.id);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const decode = (payload: { data?: Uint8Array | null } | undefined): any => JSON.parse(Buffer.from(payload?.data ?? []).toString() || 'null');

async function events(handle: WorkflowHandle) {
  return (await handle.fetchHistory()).events ?? [];
}

async function stop(tc: TargetConfig): Promise<void> {
  for (const id of [monitorWorkflowId(tc.target.id, taskQueue), healingWorkflowId(tc.target.id, taskQueue), warningWatchWorkflowId(tc.target.id, taskQueue)]) {
    await env.client.workflow
      .getHandle(id)
      .terminate('test over')
      .catch((err) => {
        if (!(err instanceof WorkflowNotFoundError) && !/already completed/i.test(String(err))) throw err;
      });
  }
}

async function healingRuns(tc: TargetConfig): Promise<number> {
  let count = 0;
  for await (const _ of env.client.workflow.list({ query: `WorkflowId = "${healingWorkflowId(tc.target.id, taskQueue)}"` })) count++;
  return count;
}

describe('a healthy target', () => {
  it('is probed every interval by one watch: its latest probe is read from the heartbeat, and the history stays small', async () => {
    const own = await createBridgeSimulator({ host: '127.0.0.1', port: 0 }); // its request count is this target's alone
    const tc = { ...targetConfig(), target: { ...targetConfig().target, url: own.url } };
    try {
      const [first] = await ensureMonitors(env.client, [tc], taskQueue);
      expect(first).toMatchObject({ workflowId: monitorWorkflowId(tc.target.id, taskQueue), action: 'started' });
      // The first watch hands its first report back (the monitor knew nothing yet), then one watch runs on.
      const state = await until(() => view(tc), (v) => v.last?.severity === 'HEALTHY', 'the first report');
      expect(state).toMatchObject({ phase: 'watching', intermittent: { count: 0, raised: false } });

      const reading = await until(() => readMonitor(env.client, taskQueue, tc.target.id), (r) => r.watch !== undefined, 'the first heartbeat of the watch');
      expect(reading).toMatchObject({ status: 'RUNNING', watch: { targetId: tc.target.id, severity: 'HEALTHY', syncedAccounts: 7 } });
      expect(Date.now() - Date.parse(reading.watch!.probedAt)).toBeLessThan(10_000);

      // Probes go on, every second, with no new activity in the history.
      const before = own.state().requests.health;
      await sleep(5_500);
      expect(own.state().requests.health - before).toBeGreaterThanOrEqual(5);

      const history = await events(monitor(tc));
      const activities = history.filter((e) => e.activityTaskScheduledEventAttributes);
      expect(activities.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)).toEqual(['watchTarget', 'watchTarget']);
      expect(history.length).toBeLessThan(30);
      await exportFixture(monitor(tc), 'target-monitor-healthy');

      // Worker start again: the same run is sent the settings, nothing new starts.
      const [again] = await ensureMonitors(env.client, [tc], taskQueue);
      expect(again).toMatchObject({ action: 'configured' });
      expect((await events(monitor(tc))).filter((e) => e.workflowExecutionContinuedAsNewEventAttributes)).toHaveLength(0);
    } finally {
      await stop(tc);
      await own.close();
    }
  });

  it('new settings reach the running monitor: its watch restarts with them', async () => {
    const tc = targetConfig();
    try {
      await ensureMonitors(env.client, [tc], taskQueue);
      await until(() => view(tc), (v) => v.last !== undefined, 'the first report');
      const runId = (await monitor(tc).describe()).runId;
      const slower = { ...tc, policy: { ...tc.policy, checkIntervalMs: 2_000 } };
      await expect(ensureMonitors(env.client, [slower], taskQueue)).resolves.toMatchObject([{ action: 'configured' }]);
      await until(() => view(tc), (v) => v.checkIntervalMs === 2_000, 'the new interval');
      expect((await monitor(tc).describe()).runId).toBe(runId);
    } finally {
      await stop(tc);
    }
  });
});

describe('a CRITICAL', () => {
  it('confirmed by the re-probe starts exactly one healer, and the monitor goes on', async () => {
    const tc = targetConfig();
    try {
      await ensureMonitors(env.client, [tc], taskQueue);
      await until(() => view(tc), (v) => v.last?.severity === 'HEALTHY', 'a healthy start');
      simulator.setFault({ mode: 'terminal_disconnected' });
      const state = await until(() => view(tc), (v) => v.last?.action === 'healing_started', 'the incident');
      expect(state).toMatchObject({ incidentsStarted: 1, last: { severity: 'CRITICAL' } });
      expect(await healingRuns(tc)).toBe(1);
      expect((await monitor(tc).describe()).status.name).toBe('RUNNING');
      const history = await events(monitor(tc));
      expect(history.flatMap((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name ?? [])).toEqual(['healingWorkflow']);
      expect(history.filter((e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes)).toHaveLength(0);
      // The incident is detected at the first CRITICAL sighting (the watch's), not at the confirming re-probe.
      const results = history.flatMap((e) => (e.activityTaskCompletedEventAttributes?.result?.payloads ?? []).map(decode));
      const sighting = results.find((r) => r.report?.severity === 'CRITICAL') as { signatureSince: string; report: ProbeReport };
      const confirm = results.find((r) => r.severity === 'CRITICAL') as ProbeReport;
      const trigger = decode((await events(env.client.workflow.getHandle(healingWorkflowId(tc.target.id, taskQueue))))[0]
        ?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]).trigger;
      expect(trigger.at).toBe(sighting.report.observation.probedAt);
      expect(Date.parse(trigger.at)).toBeLessThan(Date.parse(confirm.observation.probedAt));
      await exportFixture(monitor(tc), 'target-monitor-critical-starts-healer');
    } finally {
      await stop(tc);
    }
  });

  it('a pause accepted while the monitor confirms it stops the incident from opening', async () => {
    const tc = targetConfig({ CONFIRM_DELAY: '3s' });
    try {
      await ensureMonitors(env.client, [tc], taskQueue);
      await until(() => view(tc), (v) => v.last?.severity === 'HEALTHY', 'a healthy start');
      simulator.setFault({ mode: 'terminal_disconnected' });
      await until(() => view(tc), (v) => v.phase === 'confirming', 'the CRITICAL being confirmed');
      await env.client.workflow
        .getHandle(monitorWorkflowId(tc.target.id, taskQueue))
        .executeUpdate(pauseMonitorUpdate, { args: [{ by: 'frank', reason: 'broker maintenance' }] });
      await sleep(5_000); // past CONFIRM_DELAY and the re-probe it would have made
      expect(await healingRuns(tc)).toBe(0);
      expect(await view(tc)).toMatchObject({ phase: 'paused', incidentsStarted: 0 });
    } finally {
      await stop(tc);
    }
  });

  it('seen by a probe that timed out is re-probed at once: CONFIRM_DELAY counts from the first probe\'s start', async () => {
    const tc = targetConfig({ CHECK_INTERVAL: '3s', PROBE_TIMEOUT: '2s', CONFIRM_DELAY: '2s' });
    try {
      await ensureMonitors(env.client, [tc], taskQueue);
      await until(() => view(tc), (v) => v.last?.severity === 'HEALTHY', 'a healthy start');
      simulator.setFault({ mode: 'slow', delayMs: 5_000 }); // every probe waits out PROBE_TIMEOUT
      await until(() => view(tc), (v) => v.last?.action === 'healing_started', 'the incident');
      const history = await events(monitor(tc));
      const confirmAt = history.findIndex((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'probeTarget');
      const watchDone = history.slice(0, confirmAt).map((e) => Boolean(e.activityTaskCompletedEventAttributes)).lastIndexOf(true);
      expect(confirmAt).toBeGreaterThan(watchDone);
      // no CONFIRM_DELAY timer between the watch that saw the timeout and the confirming re-probe
      expect(history.slice(watchDone, confirmAt).filter((e) => e.timerStartedEventAttributes)).toHaveLength(0);
      await exportFixture(monitor(tc), 'target-monitor-confirm-after-timeout');
    } finally {
      await stop(tc);
    }
  });

  it('not confirmed three times raises one intermittent-fault WARNING saying how often and over how long, and restarts nothing', async () => {
    // No hold and no group wait: the WARNING email goes out as the warning is raised (with the
    // 30 s WARNING_GROUP_WAIT default it came just as the 30 s wait for it ran out).
    const tc = targetConfig({
      INTERMITTENT_THRESHOLD: '3',
      INTERMITTENT_WINDOW: '10m',
      WARNING_HOLD: '0s',
      WARNING_GROUP_WAIT: '0s',
      CONFIRM_DELAY: '1s',
    });
    emails.length = 0;
    try {
      await ensureMonitors(env.client, [tc], taskQueue);
      await until(() => view(tc), (v) => v.last?.severity === 'HEALTHY', 'a healthy start');
      for (let i = 1; i <= 3; i++) {
        // The bridge drops; it is back before the re-probe confirms.
        simulator.setFault({ mode: 'bridge_down' });
        await until(() => view(tc), (v) => v.phase === 'confirming', `CRITICAL #${i} being confirmed`);
        simulator.clearFaults();
        await until(() => view(tc), (v) => v.intermittent.count === i && v.phase === 'watching', `unconfirmed finding #${i}`);
      }
      const state = await view(tc);
      expect(state.intermittent).toMatchObject({ count: 3, threshold: 3, raised: true });
      expect(state.intermittent.text).toMatch(/^Intermittent fault: CRITICAL seen 3 times in \d+ seconds? \(.+ to .+\), each time not confirmed by the re-probe: /);
      expect(state.last).toMatchObject({ severity: 'HEALTHY', action: 'not_confirmed' });

      const email = await until(async () => emails.filter((e) => e.targetId === tc.target.id), (e) => e.length > 0, 'the WARNING email');
      expect(email).toHaveLength(1);
      expect(email[0]).toMatchObject({ conditionKey: 'intermittent', issue: expect.stringContaining('CRITICAL seen 3 times') });
      expect(await healingRuns(tc)).toBe(0);
      expect(fakes.dispatchRemediation.mock.calls.filter(([r]) => r.targetId === tc.target.id)).toHaveLength(0);
      // While it lasts, the watch hands the state back at the refresh interval: the dashboard reads it from the heartbeat.
      const reading = await until(() => readMonitor(env.client, taskQueue, tc.target.id), (r) => r.watch?.intermittent?.raised === true, 'the heartbeat with the count');
      expect(reading.watch?.intermittent?.count).toBe(3);
      await exportFixture(monitor(tc), 'target-monitor-intermittent');
    } finally {
      await stop(tc);
    }
  });
});

describe('continue-as-new', () => {
  it('carries the state into the next run when the history is long', async () => {
    const tc = targetConfig({ WARNING_HOLD: '1s' });
    try {
      simulator.setFault({ mode: 'account_failing' }); // a WARNING: the watch hands it back every second
      await env.client.workflow.start(targetMonitorWorkflow, {
        workflowId: monitorWorkflowId(tc.target.id, taskQueue),
        taskQueue,
        args: [{ target: tc.target, policy: tc.policy, continueAsNewAfterEvents: 40 }],
      });
      const firstRun = (await monitor(tc).describe()).runId;
      await until(async () => (await monitor(tc).describe()).runId, (id) => id !== firstRun, 'the next run', 60_000);
      const first = env.client.workflow.getHandle(monitorWorkflowId(tc.target.id, taskQueue), firstRun);
      expect((await first.describe()).status.name).toBe('CONTINUED_AS_NEW');
      const state = await until(() => view(tc), (v) => v.last !== undefined, 'the next run answering');
      expect(state.probes).toBeGreaterThan(3);
      expect(state.last).toMatchObject({ severity: 'WARNING' });
      await exportFixture(first, 'target-monitor-continued-as-new');
    } finally {
      await stop(tc);
    }
  });
});
