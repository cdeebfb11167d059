/**
 * Maintenance windows on a real Temporal dev server: `pauseMonitoring` pauses the target's
 * monitor schedule with a note, MaintenanceWindowWorkflow unpauses it at the end (durable
 * timer), `resumeMonitoring` ends it at once, and `applySchedules` leaves a pause alone. The
 * probe runs for real against the bridge simulator; emails and restarts are fakes.
 */
import { AutohealClient } from '../src/client/autoheal-client';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { Command, CommanderError } from 'commander';
import { loadConfig, type AppConfig, type TargetConfig } from '../src/config/load-config';
import { createProbeActivities } from '../src/activities/probe/index';
import { createScheduleControlActivities } from '../src/activities/schedule-control';
import { applySchedules } from '../src/client/schedules';
import { createTemporalNotificationFeed, listNotifications } from '../src/client/notifications';
import {
  MonitorScheduleMissingError,
  pauseMonitoring,
  readPauseState,
  resumeMonitoring,
} from '../src/client/maintenance';
import { registerMaintenanceCommands } from '../src/cli/commands/maintenance';
import { readMonitorStatus } from '../src/dashboard/read-monitor-status';
import { renderPage } from '../src/dashboard/render-page';
import { createBridgeSimulator, type BridgeSimulator } from '../src/simulator';
import { maintenanceWorkflowId, monitorScheduleId } from '../src/shared/names';
import type { MaintenanceWindowResult } from '../src/workflows/maintenance';
import { createDevServerEnv, uniqueTaskQueue, workflowBundle } from './helpers/temporal';
import { exportFixture } from './healing-fixtures';

jest.setTimeout(180_000);

let env: TestWorkflowEnvironment;
let simulator: BridgeSimulator;
let worker: Worker;
let running: Promise<void>;
const taskQueue = uniqueTaskQueue('maintenance');

beforeAll(async () => {
  [env, simulator] = await Promise.all([createDevServerEnv(), createBridgeSimulator({ host: '127.0.0.1', port: 0 })]);
  const feed = createTemporalNotificationFeed(env.client, { taskQueue });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: {
      ...createProbeActivities({}),
      ...createScheduleControlActivities({ client: env.client }),
      notifyInApp: async (n: Parameters<typeof feed.add>[0]) => feed.add(n),
      sendAlertEmail: async () => ({ messageId: '<x@test>', accepted: ['ops@test'], rejected: [], response: '250 OK' }),
      dispatchRemediation: async () => ({ method: 'none' as const, dispatchedAt: new Date().toISOString(), detail: 'test' }),
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

let n = 0;
/** A target of its own for each test, probing every second, with its schedule applied. */
async function scheduledTarget(): Promise<TargetConfig> {
  const config = loadConfig({ MT5_BRIDGE_URL: simulator.url, CHECK_INTERVAL: '1s', CONFIRM_DELAY: '1s', PROBE_TIMEOUT: '1s' });
  const tc = config.targets[0] as TargetConfig;
  const mine = { ...tc, target: { ...tc.target, id: `paused-${process.pid}-${++n}` } };
  await applySchedules(env.client, [mine], taskQueue);
  return mine;
}

const schedule = (tc: TargetConfig) => env.client.schedule.getHandle(monitorScheduleId(tc.target.id));
const actionsTaken = async (tc: TargetConfig) => (await schedule(tc).describe()).info.numActionsTaken;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await sleep(200);
  }
}

async function feedTexts(tc: TargetConfig): Promise<string[]> {
  return (await listNotifications(env.client, { targetId: tc.target.id })).map((x) => x.text);
}

describe('pause --for 3s', () => {
  it('pauses the schedule with a note, starts no monitor run in the window, and the window workflow unpauses it at the end with a feed notification', async () => {
    const tc = await scheduledTarget();
    try {
      await until(() => actionsTaken(tc), (k) => k >= 1, 'a first monitor run');
      const end = new Date(Date.now() + 3_000);
      const state = await pauseMonitoring(env.client, { targetId: tc.target.id, reason: 'OS patching', by: 'alice', until: end, taskQueue });

      expect(state).toMatchObject({ paused: true, window: { workflowId: maintenanceWorkflowId(tc.target.id), until: end.toISOString(), by: 'alice', reason: 'OS patching' } });
      const described = await schedule(tc).describe();
      expect(described.state).toMatchObject({ paused: true, note: `PAUSED until ${end.toISOString()} by alice (OS patching)` });

      const atPause = await actionsTaken(tc);
      await sleep(2_000);
      expect(await actionsTaken(tc)).toBe(atPause);

      const windowRun = env.client.workflow.getHandle(maintenanceWorkflowId(tc.target.id));
      const result: MaintenanceWindowResult = await windowRun.result();
      expect(result.outcome).toBe('unpaused');
      await exportFixture(windowRun, 'maintenance-window');
      expect(Date.parse(result.endedAt)).toBeGreaterThanOrEqual(end.getTime());
      expect((await schedule(tc).describe()).state).toMatchObject({ paused: false, note: expect.stringContaining('Maintenance window ended') });
      expect(await feedTexts(tc)).toEqual(
        expect.arrayContaining([
          `Maintenance window of ${tc.target.id} ended: monitoring resumed (paused by alice: OS patching)`,
          `Monitoring of ${tc.target.id} paused by alice until ${end.toISOString()}: OS patching`,
        ]),
      );
      await until(() => actionsTaken(tc), (k) => k > atPause, 'monitor runs after the window');
    } finally {
      await schedule(tc).delete();
    }
  });
});

describe('resume', () => {
  it('before the end unpauses at once and ends the window workflow', async () => {
    const tc = await scheduledTarget();
    try {
      await pauseMonitoring(env.client, { targetId: tc.target.id, reason: 'disk swap', by: 'alice', until: new Date(Date.now() + 3_600_000), taskQueue });
      const state = await resumeMonitoring(env.client, { targetId: tc.target.id, by: 'bob', taskQueue });

      expect(state).toMatchObject({ paused: false, wasPaused: true, note: 'Resumed by bob', window: undefined });
      expect((await schedule(tc).describe()).state.paused).toBe(false);
      const window = await env.client.workflow.getHandle(maintenanceWorkflowId(tc.target.id)).describe();
      expect(window.status.name).toBe('TERMINATED');
      expect((await feedTexts(tc)).some((t) => t.startsWith(`Monitoring of ${tc.target.id} resumed by bob`))).toBe(true);
    } finally {
      await schedule(tc).delete();
    }
  });

  it('of a target that is not paused says so and changes nothing', async () => {
    const tc = await scheduledTarget();
    try {
      await expect(resumeMonitoring(env.client, { targetId: tc.target.id, by: 'bob', taskQueue })).resolves.toMatchObject({ paused: false, wasPaused: false });
    } finally {
      await schedule(tc).delete();
    }
  });
});

describe('a second pause', () => {
  it('replaces the window: an open-ended pause after a timed one has no end', async () => {
    const tc = await scheduledTarget();
    try {
      await pauseMonitoring(env.client, { targetId: tc.target.id, reason: 'first', by: 'alice', until: new Date(Date.now() + 3_600_000), taskQueue });
      const state = await pauseMonitoring(env.client, { targetId: tc.target.id, reason: 'hardware', by: 'carol', taskQueue });

      expect(state).toMatchObject({ paused: true, window: undefined, note: 'PAUSED with no end (until "autoheal resume") by carol (hardware)' });
      expect((await env.client.workflow.getHandle(maintenanceWorkflowId(tc.target.id)).describe()).status.name).toBe('TERMINATED');
    } finally {
      await schedule(tc).delete();
    }
  });
});

describe('applySchedules', () => {
  it('updating a paused schedule keeps the pause and its note', async () => {
    const tc = await scheduledTarget();
    try {
      const paused = await pauseMonitoring(env.client, { targetId: tc.target.id, reason: 'migration', by: 'alice', until: new Date(Date.now() + 3_600_000), taskQueue });
      const slower = { ...tc, policy: { ...tc.policy, checkIntervalMs: 5_000 } };
      await expect(applySchedules(env.client, [slower], taskQueue)).resolves.toMatchObject([{ action: 'updated' }]);

      const d = await schedule(tc).describe();
      expect(d.state).toMatchObject({ paused: true, note: paused.note });
      expect(d.spec.intervals?.[0]?.every).toBe(5_000);
      expect(await readPauseState(env.client, tc.target.id)).toMatchObject({ paused: true, window: { by: 'alice', reason: 'migration' } });
    } finally {
      await resumeMonitoring(env.client, { targetId: tc.target.id, by: 'test', taskQueue });
      await schedule(tc).delete();
    }
  });
});

describe('the dashboard', () => {
  it('shows "PAUSED until … by … (reason)" for a paused target', async () => {
    const tc = await scheduledTarget();
    try {
      const end = new Date(Date.now() + 3_600_000);
      await pauseMonitoring(env.client, { targetId: tc.target.id, reason: 'VPS reboot', by: 'alice', until: end, taskQueue });
      const monitor = await readMonitorStatus(env.client, tc, Date.now());
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
      expect((await readMonitorStatus(env.client, tc, Date.now())).paused).toBeUndefined();
    } finally {
      await schedule(tc).delete();
    }
  });
});

it('a target without a monitor schedule cannot be paused', async () => {
  await expect(pauseMonitoring(env.client, { targetId: `nowhere-${process.pid}`, reason: 'x', by: 'alice', taskQueue })).rejects.toThrow(MonitorScheduleMissingError);
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
    const tc = await scheduledTarget();
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
      await schedule(tc).delete();
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
