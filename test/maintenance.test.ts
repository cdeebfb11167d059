/**
 * Maintenance windows on a real Temporal dev server: `pauseMonitoring` pauses the target's
 * long-lived monitor with a note (no watch, no alert, no incident while paused), the monitor's
 * own durable timer ends the window, `resumeMonitoring` ends it at once, and a worker start
 * (`ensureMonitors`) leaves a pause alone. The probe runs for real against the bridge
 * simulator; emails and restarts are fakes.
 */
import { AutohealClient } from '../src/client/autoheal-client';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { Command, CommanderError } from 'commander';
import { loadConfig, type AppConfig, type TargetConfig } from '../src/config/load-config';
import { createProbeActivities } from '../src/activities/probe/index';
import { ensureMonitors, queryMonitor } from '../src/client/monitors';
import { createTemporalNotificationFeed, listNotifications } from '../src/client/notifications';
import {
  MonitorNotRunningError,
  pauseMonitoring,
  readPauseState,
  resumeMonitoring,
} from '../src/client/maintenance';
import { registerMaintenanceCommands } from '../src/cli/commands/maintenance';
import { readMonitorStatus } from '../src/dashboard/read-monitor-status';
import { renderPage } from '../src/dashboard/render-page';
import { createBridgeSimulator, type BridgeSimulator } from '../src/simulator';
import { healingWorkflowId, monitorWorkflowId } from '../src/shared/names';
import { EMPTY_LEDGER } from '../src/workflows/attempt-ledger';
import { createDevServerEnv, uniqueTaskQueue, workflowBundle } from './helpers/temporal';
import { waitFor } from './helpers/wait';

jest.setTimeout(180_000);

let env: TestWorkflowEnvironment;
let simulator: BridgeSimulator;
let worker: Worker;
let running: Promise<void>;
const taskQueue = uniqueTaskQueue('maintenance');

const maintenance: Array<{ targetId: string; span: [string, string] }> = [];

beforeAll(async () => {
  [env, simulator] = await Promise.all([createDevServerEnv(), createBridgeSimulator({ host: '127.0.0.1', port: 0 })]);
  const feed = createTemporalNotificationFeed(env.client, { taskQueue });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: {
      ...createProbeActivities({}),
      notifyInApp: async (n: Parameters<typeof feed.add>[0]) => feed.add(n),
      sendAlertEmail: async () => ({ messageId: '<x@test>', accepted: ['ops@test'], rejected: [], response: '250 OK' }),
      dispatchRemediation: async () => ({ method: 'none' as const, dispatchedAt: new Date().toISOString(), detail: 'test' }),
      readAttemptLedger: async () => EMPTY_LEDGER,
      recordLedgerEntry: async () => undefined,
      recordMaintenance: async (targetId: string, span: [string, string]) => {
        maintenance.push({ targetId, span });
      },
    },
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
/** A target of its own for each test, probing every second, with its monitor running. */
async function monitoredTarget(): Promise<TargetConfig> {
  const config = loadConfig({ MT5_BRIDGE_URL: simulator.url, CHECK_INTERVAL: '1s', CONFIRM_DELAY: '1s', PROBE_TIMEOUT: '1s' });
  const tc = config.targets[0] as TargetConfig;
  const mine = { ...tc, target: { ...tc.target, id: `paused-${process.pid}-${++n}` } };
  await ensureMonitors(env.client, [mine], taskQueue);
  await until(() => queryMonitor(env.client, taskQueue, mine.target.id), (v) => v.last !== undefined, 'a first probe');
  return mine;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const until = <T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 30_000) =>
  waitFor(what, read, ok, { timeoutMs: ms, everyMs: 200 });

async function feedTexts(tc: TargetConfig): Promise<string[]> {
  return (await listNotifications(env.client, { taskQueue: taskQueue, targetId: tc.target.id })).map((x) => x.text);
}

/** Watches the monitor scheduled since the given history length. */
async function watchesSince(tc: TargetConfig, fromEvent: number): Promise<number> {
  const events = (await env.client.workflow.getHandle(monitorWorkflowId(tc.target.id, taskQueue)).fetchHistory()).events ?? [];
  return events.slice(fromEvent).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'watchTarget').length;
}
const historyLength = async (tc: TargetConfig) =>
  ((await env.client.workflow.getHandle(monitorWorkflowId(tc.target.id, taskQueue)).fetchHistory()).events ?? []).length;

async function healingRuns(tc: TargetConfig): Promise<number> {
  let count = 0;
  for await (const _ of env.client.workflow.list({ query: `WorkflowId = "${healingWorkflowId(tc.target.id, taskQueue)}"` })) count++;
  return count;
}

async function stop(tc: TargetConfig): Promise<void> {
  for (const id of [monitorWorkflowId(tc.target.id, taskQueue), healingWorkflowId(tc.target.id, taskQueue)]) {
    await env.client.workflow
      .getHandle(id)
      .terminate('test over')
      .catch((err) => {
        if (!(err instanceof WorkflowNotFoundError) && !/already completed/i.test(String(err))) throw err;
      });
  }
}

describe('pause --for 4s', () => {
  it('pauses the monitor with a note: no watch and no incident in the window, even for a CRITICAL; at the end monitoring resumes with a feed notification', async () => {
    const tc = await monitoredTarget();
    try {
      const end = new Date(Date.now() + 4_000);
      const state = await pauseMonitoring(env.client, { targetId: tc.target.id, reason: 'OS patching', by: 'alice', until: end, taskQueue });
      expect(state).toMatchObject({
        paused: true,
        note: `PAUSED until ${end.toISOString()} by alice (OS patching)`,
        window: { workflowId: monitorWorkflowId(tc.target.id, taskQueue), until: end.toISOString(), by: 'alice', reason: 'OS patching' },
      });
      const atPause = await historyLength(tc);
      simulator.setFault({ mode: 'terminal_disconnected' }); // what a patched VPS looks like: nothing must happen
      await sleep(2_500);
      expect(await watchesSince(tc, atPause)).toBe(0);
      expect(await healingRuns(tc)).toBe(0);

      // The window ends by itself: monitoring resumes, sees the fault and opens the incident.
      const after = await until(() => queryMonitor(env.client, taskQueue, tc.target.id), (v) => v.pause === undefined, 'the end of the window');
      expect(after.note).toBe(`Maintenance window ended at ${end.toISOString()} (paused by alice: OS patching)`);
      expect(Date.now()).toBeGreaterThanOrEqual(end.getTime());
      await until(() => healingRuns(tc), (k) => k === 1, 'the incident after the window');
      // The window is maintenance in the roll-up: from the pause to its end, neither up nor down.
      expect(maintenance.filter((m) => m.targetId === tc.target.id).map((m) => m.span)).toEqual([
        [expect.any(String), end.toISOString()],
      ]);
      const [[pausedAt] = []] = maintenance.filter((m) => m.targetId === tc.target.id).map((m) => m.span);
      expect(end.getTime() - Date.parse(pausedAt ?? '')).toBeGreaterThan(3_000);
      expect(await feedTexts(tc)).toEqual(
        expect.arrayContaining([
          `Maintenance window of ${tc.target.id} ended: monitoring resumed (paused by alice: OS patching)`,
          `Monitoring of ${tc.target.id} paused by alice until ${end.toISOString()}: OS patching`,
        ]),
      );
    } finally {
      await stop(tc);
    }
  });
});

describe('resume', () => {
  it('before the end resumes at once', async () => {
    const tc = await monitoredTarget();
    try {
      await pauseMonitoring(env.client, { targetId: tc.target.id, reason: 'disk swap', by: 'alice', until: new Date(Date.now() + 3_600_000), taskQueue });
      const atResume = await historyLength(tc);
      const state = await resumeMonitoring(env.client, { targetId: tc.target.id, by: 'bob', taskQueue });
      expect(state).toMatchObject({ paused: false, wasPaused: true, note: 'Resumed by bob' });
      expect(state.window).toBeUndefined();
      await until(() => watchesSince(tc, atResume), (k) => k >= 1, 'a watch after the resume');
      expect((await feedTexts(tc)).some((t) => t.startsWith(`Monitoring of ${tc.target.id} resumed by bob`))).toBe(true);
    } finally {
      await stop(tc);
    }
  });

  it('of a target that is not paused says so and changes nothing', async () => {
    const tc = await monitoredTarget();
    try {
      await expect(resumeMonitoring(env.client, { targetId: tc.target.id, by: 'bob', taskQueue })).resolves.toMatchObject({ paused: false, wasPaused: false });
    } finally {
      await stop(tc);
    }
  });
});

describe('a second pause', () => {
  it('replaces the window: an open-ended pause after a timed one has no end', async () => {
    const tc = await monitoredTarget();
    try {
      await pauseMonitoring(env.client, { targetId: tc.target.id, reason: 'first', by: 'alice', until: new Date(Date.now() + 3_600_000), taskQueue });
      const state = await pauseMonitoring(env.client, { targetId: tc.target.id, reason: 'hardware', by: 'carol', taskQueue });
      expect(state).toMatchObject({ paused: true, note: 'PAUSED with no end (until "autoheal resume") by carol (hardware)' });
      expect(state.window).toBeUndefined();
    } finally {
      await stop(tc);
    }
  });
});

describe('a worker start', () => {
  it('sending new settings keeps the pause and its note', async () => {
    const tc = await monitoredTarget();
    try {
      const paused = await pauseMonitoring(env.client, { targetId: tc.target.id, reason: 'migration', by: 'alice', until: new Date(Date.now() + 3_600_000), taskQueue });
      const slower = { ...tc, policy: { ...tc.policy, checkIntervalMs: 5_000 } };
      await expect(ensureMonitors(env.client, [slower], taskQueue)).resolves.toMatchObject([{ action: 'configured' }]);
      await until(() => queryMonitor(env.client, taskQueue, tc.target.id), (v) => v.checkIntervalMs === 5_000, 'the new settings');
      expect(await readPauseState(env.client, taskQueue, tc.target.id)).toMatchObject({ paused: true, note: paused.note, window: { by: 'alice', reason: 'migration' } });
    } finally {
      await stop(tc);
    }
  });
});

describe('the dashboard', () => {
  it('shows "PAUSED until … by … (reason)" for a paused target', async () => {
    const tc = await monitoredTarget();
    try {
      const end = new Date(Date.now() + 3_600_000);
      await pauseMonitoring(env.client, { targetId: tc.target.id, reason: 'VPS reboot', by: 'alice', until: end, taskQueue });
      const monitor = await readMonitorStatus(env.client, taskQueue, tc, Date.now());
      expect(monitor.paused).toBe(`PAUSED until ${end.toISOString()} by alice (VPS reboot)`);

      const html = renderPage(
        {
          generatedAt: new Date().toISOString(),
          stale: false,
          temporal: { reachable: true, namespace: 'default', webUiUrl: 'http://127.0.0.1:8233' },
          targets: [{ id: tc.target.id, links: { incident: '#', monitorRuns: '#' }, ...monitor }],
          notifications: { available: true, items: [], unread: 0 },
        },
        'nonce',
      );
      expect(html).toContain(`PAUSED until ${end.toISOString()} by alice (VPS reboot)`);

      await resumeMonitoring(env.client, { targetId: tc.target.id, by: 'bob', taskQueue });
      await until(() => readMonitorStatus(env.client, taskQueue, tc, Date.now()), (m) => m.paused === undefined && m.severity === 'HEALTHY', 'the monitor watching again');
    } finally {
      await stop(tc);
    }
  });
});

it('a target without a running monitor cannot be paused', async () => {
  await expect(pauseMonitoring(env.client, { targetId: `nowhere-${process.pid}`, reason: 'x', by: 'alice', taskQueue })).rejects.toThrow(MonitorNotRunningError);
});

describe('the pause and resume commands', () => {
  const config: AppConfig = loadConfig({ MT5_BRIDGE_URL: 'http://127.0.0.1:9' });

  async function cliError(args: string[]): Promise<string> {
    const errors: string[] = [];
    const connect = jest.fn(async () => {
      throw new Error('must not connect');
    });
    const program = new Command('autoheal').exitOverride().configureOutput({ writeErr: (s) => errors.push(s), writeOut: () => undefined });
    registerMaintenanceCommands(program, { loadConfig: () => config, connect });
    await expect(program.parseAsync(args, { from: 'user' })).rejects.toThrow(CommanderError);
    expect(connect).not.toHaveBeenCalled();
    return errors.join('');
  }

  it('pause without an end says it is open-ended and that an open incident is not touched; resume prints the state', async () => {
    const tc = await monitoredTarget();
    const lines: string[] = [];
    const program = new Command('autoheal').exitOverride();
    registerMaintenanceCommands(program, {
      loadConfig: () => ({ ...config, targets: [tc], temporal: { ...config.temporal, taskQueue } }),
      connect: async () => new AutohealClient(new Client({ connection: await Connection.connect({ address: env.address }) }), taskQueue),
      write: (line) => lines.push(line),
    });
    try {
      await program.parseAsync(['pause', '--reason', 'patching', '--by', 'alice'], { from: 'user' });
      expect(lines.join('\n')).toMatch(/monitoring PAUSED/);
      expect(lines.join('\n')).toMatch(/open-ended pause: run "autoheal resume"/);
      expect(lines.join('\n')).toMatch(/a pause never touches incidents/);
      lines.length = 0;
      await program.parseAsync(['resume', '--by', 'bob'], { from: 'user' });
      expect(lines.join('\n')).toMatch(new RegExp(`${tc.target.id}: monitoring ON .*Resumed by bob`));
    } finally {
      await stop(tc);
    }
  });

  it.each([
    [['pause', '--reason', 'patching'], /needs --by/],
    [['pause', '--by', 'alice'], /needs --reason/],
    [['pause', '--reason', 'patching', '--by', 'alice', '--for', '2h', '--until', '2099-01-01T00:00:00Z'], /--for or --until, not both/],
    [['pause', '--reason', 'patching', '--by', 'alice', '--for', 'soon'], /expected a duration/],
    [['pause', '--reason', 'patching', '--by', 'alice', '--until', 'tomorrow'], /expected an ISO time/],
    [['pause', '--reason', 'patching', '--by', 'alice', '--until', '2020-01-01T00:00:00Z'], /already passed/],
    [['pause', '--target', 'other', '--reason', 'patching', '--by', 'alice'], /unknown target "other"/],
    [['resume'], /required option '--by <name>'/],
  ])('autoheal %j is refused before connecting', async (args, message) => {
    expect(await cliError(args)).toMatch(message);
  });
});
