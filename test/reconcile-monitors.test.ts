/**
 * Configuration reaches what runs: `reconcileMonitors` (worker start, `autoheal monitor apply`)
 * starts the monitor of every configured target or sends it the current settings, stops the
 * monitors of removed targets (on its own task queue only), and says when a removed target's
 * incident is still open. On a real dev server, with a real worker running the monitors.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../src/activities';
import { createMemoryNotificationFeed } from '../src/activities/alerts';
import type { OutgoingEmail } from '../src/activities/alerts/mailer';
import { describeReconciliation, reconcileMonitors } from '../src/client/reconcile-monitors';
import { loadConfig, type TargetConfig } from '../src/config/load-config';
import { createLogger } from '../src/logging/create-logger';
import { healingWorkflowId, monitorWorkflowId, warningWatchWorkflowId } from '../src/shared/names';
import { healingWorkflow } from '../src/workflows/healing';
import { trackedWarningsQuery } from '../src/workflows/alerting/warnings';
import { configureMonitorSignal, monitorStateQuery, type TargetMonitorView } from '../src/workflows/target-monitor/messages';
import { listNotifications } from '../src/client/notifications';
import { startSimulator, type BridgeSimulator } from './helpers/simulator';
import { createDevServerEnv, uniqueTaskQueue, workflowBundle } from './helpers/temporal';

jest.setTimeout(120_000);

let env: TestWorkflowEnvironment;
let bridge: BridgeSimulator;
beforeAll(async () => {
  [env, bridge] = await Promise.all([createDevServerEnv(), startSimulator()]);
});
afterAll(async () => {
  await bridge?.close();
  await env?.teardown();
});

let run = 0;
/** Targets `<prefix>-<name>` as the targets file gives them, all on the healthy simulator. */
function targets(prefix: string, entries: Array<{ name: string; checkInterval?: string }>): TargetConfig[] {
  const yaml = [
    'targets:',
    ...entries.flatMap((e) => [`  - id: ${prefix}-${e.name}`, `    url: ${bridge.url}`, ...(e.checkInterval ? [`    checkInterval: ${e.checkInterval}`] : [])]),
  ].join('\n');
  return loadConfig({ AUTOHEAL_TARGETS_FILE: 'targets.yaml', REMEDIATION: 'none' }, { readFile: () => yaml }).targets;
}

async function worker(taskQueue: string, sent: OutgoingEmail[] = []): Promise<Worker> {
  const activities = createActivities({
    probe: {},
    alerts: {
      mailer: {
        send: async (email: OutgoingEmail) => {
          sent.push(email);
          return { messageId: email.messageId, accepted: email.to, rejected: [], response: '250' };
        },
        close: () => undefined,
      } as never,
      recipients: ['ops@fidus.test'],
      escalationRecipients: [],
      dashboardUrl: 'http://127.0.0.1:8080',
      feed: createMemoryNotificationFeed(),
      log: createLogger({ level: 'silent' }),
    },
    remediation: { method: 'none', log: createLogger({ level: 'silent' }) },
    ledger: { client: env.client, taskQueue },
  });
  return Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
}

/** Running monitors as visibility lists them (it follows a start by a moment). */
async function listedRunning(workflowIds: string[], taskQueue: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const seen = new Set<string>();
    for await (const w of env.client.workflow.list({ query: `ExecutionStatus="Running" AND TaskQueue="${taskQueue}"` })) seen.add(w.workflowId);
    if (workflowIds.every((id) => seen.has(id))) return;
    if (Date.now() > deadline) throw new Error(`monitors not listed: ${workflowIds.join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const status = async (workflowId: string) => (await env.client.workflow.getHandle(workflowId).describe()).status.name;

test('starts the missing, sends a changed interval to the running monitor, and stops the monitor of a removed target', async () => {
  const prefix = `rm${++run}-${process.pid}`;
  const taskQueue = uniqueTaskQueue('reconcile');
  const [keep, drop] = [monitorWorkflowId(`${prefix}-keep`, taskQueue), monitorWorkflowId(`${prefix}-drop`, taskQueue)];
  const w = await worker(taskQueue);
  await w.runUntil(async () => {
    const first = await reconcileMonitors(env.client, targets(prefix, [{ name: 'keep', checkInterval: '15s' }, { name: 'drop' }]), taskQueue);
    expect(first.ensured.map((m) => m.action)).toEqual(['started', 'started']);
    expect(first.removed).toEqual([]);
    await listedRunning([keep, drop], taskQueue);

    const second = await reconcileMonitors(env.client, targets(prefix, [{ name: 'keep', checkInterval: '40s' }]), taskQueue);
    expect(second.ensured).toMatchObject([{ workflowId: keep, action: 'configured' }]);
    expect(second.removed).toEqual([{ workflowId: drop, targetId: `${prefix}-drop`, openIncident: undefined }]);
    expect(await status(drop)).toBe('TERMINATED');
    const deadline = Date.now() + 20_000;
    let view = await env.client.workflow.getHandle(keep).query(monitorStateQuery);
    while (view.checkIntervalMs !== 40_000 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      view = await env.client.workflow.getHandle(keep).query(monitorStateQuery);
    }
    expect(view.checkIntervalMs).toBe(40_000);
    expect(describeReconciliation(second)).toEqual([
      expect.stringMatching(new RegExp(`^Monitor ${keep} configured`)),
      `Monitor ${drop} stopped: target ${prefix}-drop is no longer configured`,
    ]);
    await env.client.workflow.getHandle(keep).terminate('test over');
  });
});

test("leaves another task queue's monitors alone, and says that a removed target's open incident is left to finish", async () => {
  const prefix = `rm${++run}-${process.pid}`;
  const [mine, theirs] = [uniqueTaskQueue('mine'), uniqueTaskQueue('theirs')];
  const other = monitorWorkflowId(`${prefix}-other`, theirs);
  const gone = `${prefix}-gone`;
  // An incident in flight: started on a queue no worker polls, so it stays RUNNING.
  const incident = await env.client.workflow.start(healingWorkflow, { taskQueue: mine, workflowId: healingWorkflowId(gone, mine), args: [] as never });
  try {
    await reconcileMonitors(env.client, targets(prefix, [{ name: 'other' }]), theirs);
    await reconcileMonitors(env.client, targets(prefix, [{ name: 'gone' }]), mine);
    await listedRunning([other], theirs);
    await listedRunning([monitorWorkflowId(gone, mine)], mine);
    const r = await reconcileMonitors(env.client, targets(prefix, [{ name: 'stay' }]), mine);
    expect(r.removed).toEqual([{ workflowId: monitorWorkflowId(gone, mine), targetId: gone, openIncident: healingWorkflowId(gone, mine) }]);
    expect(describeReconciliation(r)).toContain(
      `Monitor ${monitorWorkflowId(gone, mine)} stopped: target ${gone} is no longer configured; its open incident ${healingWorkflowId(gone, mine)} is left to finish`,
    );
    expect(await status(other)).toBe('RUNNING');
    expect((await incident.describe()).status.name).toBe('RUNNING');
  } finally {
    for (const id of [other, monitorWorkflowId(`${prefix}-stay`, mine), healingWorkflowId(gone, mine)])
      await env.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
  }
});

test('two workers starting at once both succeed, and one monitor runs per target', async () => {
  const prefix = `rm${++run}-${process.pid}`;
  const taskQueue = uniqueTaskQueue('reconcile');
  const tcs = targets(prefix, [{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
  try {
    const results = await Promise.all([reconcileMonitors(env.client, tcs, taskQueue), reconcileMonitors(env.client, tcs, taskQueue)]);
    for (const r of results) expect(r.ensured).toHaveLength(3);
    await listedRunning(tcs.map((tc) => monitorWorkflowId(tc.target.id, taskQueue)), taskQueue);
    let runs = 0;
    for await (const _ of env.client.workflow.list({ query: `WorkflowType="targetMonitorWorkflow" AND TaskQueue="${taskQueue}"` })) runs += 1;
    expect(runs).toBe(3);
  } finally {
    for (const tc of tcs) await env.client.workflow.getHandle(monitorWorkflowId(tc.target.id, taskQueue)).terminate('test over').catch(() => undefined);
  }
});

test('a changed WARNING_HOLD, re-applied as a worker restart does, reaches the running warning watch', async () => {
  const prefix = `rm${++run}-${process.pid}`;
  const taskQueue = uniqueTaskQueue('reconcile-hold');
  const sim = await startSimulator();
  sim.setFault({ mode: 'account_failing' }); // one account fails to sync: a WARNING
  const sent: OutgoingEmail[] = [];
  const configured = (hold: string): TargetConfig[] =>
    loadConfig(
      { AUTOHEAL_TARGETS_FILE: 'targets.yaml', REMEDIATION: 'none', WARNING_HOLD: hold, WARNING_GROUP_WAIT: '0s' },
      { readFile: () => ['targets:', `  - id: ${prefix}-hold`, `    url: ${sim.url}`, '    checkInterval: 1s'].join('\n') },
    ).targets;
  const watch = env.client.workflow.getHandle(warningWatchWorkflowId(`${prefix}-hold`, taskQueue));
  const w = await worker(taskQueue, sent);
  try {
    await w.runUntil(async () => {
      await reconcileMonitors(env.client, configured('10m'), taskQueue);
      // the watch holds the condition: 10 minutes are far off
      const deadline = Date.now() + 30_000;
      let tracked = await watch.query(trackedWarningsQuery).catch(() => []);
      while (!tracked.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        tracked = await watch.query(trackedWarningsQuery).catch(() => []);
      }
      expect(tracked).toEqual([expect.objectContaining({ emails: 0 })]);
      const runId = (await watch.describe()).runId;
      await new Promise((r) => setTimeout(r, 3_000));
      expect(sent).toHaveLength(0);

      // the worker restarts with WARNING_HOLD=2s: the monitor gets it, and hands it to the watch
      const again = await reconcileMonitors(env.client, configured('2s'), taskQueue);
      expect(again.ensured).toMatchObject([{ action: 'configured' }]);
      const until = Date.now() + 30_000;
      while (!sent.length && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
      expect(sent.map((e) => e.subject)).toEqual(['⚠️ FIDUS MT5 WARNING']);
      expect((await watch.describe()).runId).toBe(runId); // the running watch, not a new one
    });
  } finally {
    for (const id of [monitorWorkflowId(`${prefix}-hold`, taskQueue), warningWatchWorkflowId(`${prefix}-hold`, taskQueue)])
      await env.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
    await sim.close();
  }
});

describe('a stale worker cannot unmonitor targets', () => {
  const [T1, T2, T3] = ['2025-10-31T08:00:00.000Z', '2025-10-31T09:00:00.000Z', '2025-10-31T10:00:00.000Z'];

  /** Polls the monitor's state until `done` holds (a signal reaches the workflow a moment after it is sent). */
  async function viewWhen(workflowId: string, done: (v: TargetMonitorView) => boolean): Promise<TargetMonitorView> {
    const deadline = Date.now() + 20_000;
    let view = await env.client.workflow.getHandle(workflowId).query(monitorStateQuery);
    while (!done(view) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      view = await env.client.workflow.getHandle(workflowId).query(monitorStateQuery);
    }
    return view;
  }

  test('a worker whose configuration is older than the one the monitors run on stops and re-points nothing and says so; a newer one stops the removed target and says it in the feed', async () => {
    const prefix = `rm${++run}-${process.pid}`;
    const taskQueue = uniqueTaskQueue('stale');
    const [keep, drop] = [monitorWorkflowId(`${prefix}-keep`, taskQueue), monitorWorkflowId(`${prefix}-drop`, taskQueue)];
    const feed = { workflowId: `feed-${prefix}`, taskQueue };
    const w = await worker(taskQueue);
    try {
      await w.runUntil(async () => {
        await reconcileMonitors(env.client, targets(prefix, [{ name: 'keep', checkInterval: '15s' }, { name: 'drop' }]), taskQueue, { configuredAt: T2, feed });
        await listedRunning([keep, drop], taskQueue);
        await viewWhen(keep, (v) => v.configuredAt === T2);

        // an older worker starts: its list lacks drop, and its keep probes every 40 s
        const stale = await reconcileMonitors(env.client, targets(prefix, [{ name: 'keep', checkInterval: '40s' }]), taskQueue, { configuredAt: T1, feed });
        expect(stale).toEqual({ ensured: [], removed: [], stale: { configuredAt: T1, newest: T2, leftRunning: [drop] } });
        expect(describeReconciliation(stale)).toEqual([
          `This configuration (configured at ${T1}) is older than the one the monitors run on (configured at ${T2}): no monitor was started, re-configured or stopped; ${drop} keeps running although not in this list. Is an older worker starting? After a deliberate rollback run "autoheal monitor apply --force" (or touch the targets file)`,
        ]);
        expect(await status(drop)).toBe('RUNNING');
        expect((await env.client.workflow.getHandle(keep).query(monitorStateQuery)).checkIntervalMs).toBe(15_000);

        // a newer configuration removes drop: stopped, and said in the feed
        const newer = await reconcileMonitors(env.client, targets(prefix, [{ name: 'keep', checkInterval: '40s' }]), taskQueue, { configuredAt: T3, feed });
        expect(newer.stale).toBeUndefined();
        expect(newer.removed).toEqual([{ workflowId: drop, targetId: `${prefix}-drop`, openIncident: undefined }]);
        expect(await status(drop)).toBe('TERMINATED');
        expect(await viewWhen(keep, (v) => v.configuredAt === T3)).toMatchObject({ configuredAt: T3, checkIntervalMs: 40_000 });
        const deadline = Date.now() + 20_000;
        let said = await listNotifications(env.client, { ...feed, targetId: `${prefix}-drop` });
        while (!said.length && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 200));
          said = await listNotifications(env.client, { ...feed, targetId: `${prefix}-drop` });
        }
        expect(said).toEqual([
          expect.objectContaining({
            severity: 'INFO',
            text: `Monitoring of ${prefix}-drop stopped: the target is no longer configured (configuration of ${T3})`,
          }),
        ]);
        expect((await env.client.workflow.getHandle(keep).describe()).memo).toMatchObject({ configuredAt: T3 });
      });
    } finally {
      for (const id of [keep, drop, feed.workflowId]) await env.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
    }
  });

  test('a monitor ignores settings from an older configuration, and takes them with --force', async () => {
    const prefix = `rm${++run}-${process.pid}`;
    const taskQueue = uniqueTaskQueue('stale-monitor');
    const keep = monitorWorkflowId(`${prefix}-keep`, taskQueue);
    const feed = { workflowId: `feed-${prefix}`, taskQueue };
    const w = await worker(taskQueue);
    try {
      await w.runUntil(async () => {
        await reconcileMonitors(env.client, targets(prefix, [{ name: 'keep', checkInterval: '15s' }]), taskQueue, { configuredAt: T2, feed });
        await viewWhen(keep, (v) => v.configuredAt === T2);
        const [older] = targets(prefix, [{ name: 'keep', checkInterval: '40s' }]);
        const handle = env.client.workflow.getHandle(keep);
        // sent straight to the monitor, as a worker that missed the age check would
        await handle.signal(configureMonitorSignal, { target: older!.target, policy: older!.policy, configuredAt: T1 });
        // a newer stamp with the same 15 s settings: once it shows, the older signal before it was handled
        const [same] = targets(prefix, [{ name: 'keep', checkInterval: '15s' }]);
        await handle.signal(configureMonitorSignal, { target: same!.target, policy: same!.policy, configuredAt: T3 });
        expect(await viewWhen(keep, (v) => v.configuredAt === T3)).toMatchObject({ configuredAt: T3, checkIntervalMs: 15_000 });

        // a deliberate rollback: autoheal monitor apply --force
        const forced = await reconcileMonitors(env.client, targets(prefix, [{ name: 'keep', checkInterval: '40s' }]), taskQueue, { configuredAt: T1, force: true, feed });
        expect(forced.stale).toBeUndefined();
        expect(await viewWhen(keep, (v) => v.checkIntervalMs === 40_000)).toMatchObject({ configuredAt: T1, checkIntervalMs: 40_000 });
        // and from then on, that configuration is the one in force: a restart with it is not stale
        expect((await reconcileMonitors(env.client, targets(prefix, [{ name: 'keep', checkInterval: '40s' }]), taskQueue, { configuredAt: T1, feed })).stale).toBeUndefined();
      });
    } finally {
      for (const id of [keep, feed.workflowId]) await env.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
    }
  });
});
