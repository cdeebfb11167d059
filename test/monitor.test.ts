/**
 * MonitorWorkflow on a real Temporal dev server (the one `npm start` runs), with the real probe
 * activity against the bridge simulator. Alert and remediation activities are fakes here: what
 * they do is proved in their own tests.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowNotFoundError } from '@temporalio/client';
import { loadConfig, type TargetConfig } from '../src/config/load-config';
import { createProbeActivities } from '../src/activities/probe/index';
import { applySchedules } from '../src/client/schedules';
import { createBridgeSimulator, type BridgeSimulator } from '../src/simulator';
import { healingWorkflowId, monitorScheduleId } from '../src/shared/names';
import type { MonitorResult } from '../src/workflows/monitor';
import { createDevServerEnv, uniqueTaskQueue, workflowBundle } from './helpers/temporal';
import { exportFixture } from './healing-fixtures';

jest.setTimeout(180_000);

let env: TestWorkflowEnvironment;
let simulator: BridgeSimulator;
let worker: Worker;
let running: Promise<void>;
const taskQueue = uniqueTaskQueue('monitor');
const fakes = {
  sendAlertEmail: jest.fn(async () => ({ messageId: '<x@test>', accepted: ['ops@test'], rejected: [], response: '250 OK' })),
  notifyInApp: jest.fn(async () => undefined),
  dispatchRemediation: jest.fn(async () => ({ method: 'none' as const, dispatchedAt: new Date().toISOString(), detail: 'test' })),
};

beforeAll(async () => {
  [env, simulator] = await Promise.all([createDevServerEnv(), createBridgeSimulator({ host: '127.0.0.1', port: 0 })]);
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: { ...createProbeActivities({}), ...fakes },
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
/** A target of its own for each test, so incidents of one test never meet another's. */
function targetConfig(overrides: Record<string, string> = {}): TargetConfig {
  const config = loadConfig({ MT5_BRIDGE_URL: simulator.url, CONFIRM_DELAY: '1s', PROBE_TIMEOUT: '1s', ...overrides });
  const tc = config.targets[0] as TargetConfig;
  return { ...tc, target: { ...tc.target, id: `bridge-${process.pid}-${++n}` } };
}

const monitorHandle = (tc: TargetConfig, suffix = '') => env.client.workflow.getHandle(`monitor-${tc.target.id}${suffix}`);

/** Replay fixtures (UPDATE_FIXTURES=1): one monitor run per path it can take. */
const FIXTURE_OF_FAULT: Record<string, string> = { healthy: 'monitor-healthy', account_failing: 'monitor-warned' };

function runMonitor(tc: TargetConfig, suffix = ''): Promise<MonitorResult> {
  return env.client.workflow.execute('monitorWorkflow', {
    taskQueue,
    workflowId: `monitor-${tc.target.id}${suffix}`,
    args: [{ target: tc.target, policy: tc.policy }],
  });
}

async function endIncident(tc: TargetConfig): Promise<void> {
  await env.client.workflow
    .getHandle(healingWorkflowId(tc.target.id, taskQueue))
    .terminate('test over')
    .catch((err) => {
      if (!(err instanceof WorkflowNotFoundError) && !/already completed/i.test(String(err))) throw err;
    });
}

async function healingRuns(tc: TargetConfig): Promise<number> {
  let count = 0;
  for await (const _ of env.client.workflow.list({ query: `WorkflowId = "${healingWorkflowId(tc.target.id, taskQueue)}"` })) count++;
  return count;
}

describe('a monitor run classifies every simulator fault as the severity table says', () => {
  it.each([
    [{ mode: 'healthy' }, 'HEALTHY', 'none'],
    [{ mode: 'terminal_disconnected' }, 'CRITICAL', 'healing_started'],
    [{ mode: 'trade_not_allowed' }, 'CRITICAL', 'healing_started'],
    [{ mode: 'bridge_down' }, 'CRITICAL', 'healing_started'],
    [{ mode: 'http_500' }, 'CRITICAL', 'healing_started'],
    [{ mode: 'slow', delayMs: 3000 }, 'CRITICAL', 'healing_started'],
    [{ mode: 'malformed' }, 'CRITICAL', 'healing_started'],
    [{ mode: 'placeholder_zeros' }, 'CRITICAL', 'healing_started'],
    [{ mode: 'sync_degraded', failing: 6 }, 'CRITICAL', 'healing_started'],
    [{ mode: 'live_zeros' }, 'WARNING', 'warned'],
    [{ mode: 'account_failing' }, 'WARNING', 'warned'],
    [{ mode: 'sync_degraded', failing: 1 }, 'WARNING', 'warned'],
  ])('%j → %s (%s)', async (fault, severity, action) => {
    const tc = targetConfig();
    if (fault.mode !== 'healthy') simulator.setFault(fault as never);
    try {
      const result = await runMonitor(tc);
      expect(result).toMatchObject({ severity, action });
      const fixture = FIXTURE_OF_FAULT[fault.mode];
      if (fixture) await exportFixture(monitorHandle(tc), fixture);
    } finally {
      await endIncident(tc);
    }
  });

  it('a confirmed CRITICAL sends no WARNING for its failing accounts: the incident covers them', async () => {
    const tc = targetConfig();
    simulator.setFault({ mode: 'terminal_disconnected' } as never);
    fakes.sendAlertEmail.mockClear();
    try {
      await expect(runMonitor(tc)).resolves.toMatchObject({ severity: 'CRITICAL', action: 'healing_started' });
      const history = await env.client.workflow.getHandle(`monitor-${tc.target.id}`).fetchHistory();
      const children = (history.events ?? []).flatMap((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name ?? []);
      const signals = (history.events ?? []).filter((e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes);
      expect(children).toEqual(['healingWorkflow']);
      expect(signals).toHaveLength(0);
      await exportFixture(monitorHandle(tc), 'monitor-critical-starts-healer');
    } finally {
      await endIncident(tc);
    }
  });

  it('trade_not_allowed is HEALTHY when MT5_REQUIRE_TRADE_ALLOWED=false', async () => {
    const tc = targetConfig({ MT5_REQUIRE_TRADE_ALLOWED: 'false' });
    simulator.setFault({ mode: 'trade_not_allowed' } as never);
    await expect(runMonitor(tc)).resolves.toMatchObject({ severity: 'HEALTHY', action: 'none' });
  });
});

describe('incidents', () => {
  it('a CRITICAL seen by two monitor runs starts exactly one healing workflow', async () => {
    const tc = targetConfig();
    simulator.setFault({ mode: 'terminal_disconnected' } as never);
    try {
      const results = await Promise.all([runMonitor(tc, '-a'), runMonitor(tc, '-b')]);
      expect(results.map((r) => r.action).sort()).toEqual(['already_healing', 'healing_started']);
      expect(await healingRuns(tc)).toBe(1);
    } finally {
      await endIncident(tc);
    }
  });

  it('a single failed probe followed by a healthy re-probe starts none', async () => {
    const tc = targetConfig({ CONFIRM_DELAY: '3s' });
    simulator.setFault({ mode: 'bridge_down' } as never);
    const handle = await env.client.workflow.start('monitorWorkflow', {
      taskQueue,
      workflowId: `monitor-${tc.target.id}`,
      args: [{ target: tc.target, policy: tc.policy }],
    });
    // The bridge recovers while the monitor waits to confirm.
    for (;;) {
      const history = await handle.fetchHistory();
      if (history.events?.some((e) => e.timerStartedEventAttributes)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    simulator.clearFaults();
    await expect(handle.result()).resolves.toMatchObject({ action: 'not_confirmed', severity: 'HEALTHY' });
    expect(await healingRuns(tc)).toBe(0);
    await exportFixture(handle, 'monitor-not-confirmed');
  });
});

describe('the schedule', () => {
  it('creates autoheal-monitor-<target> idempotently, and its runs complete against the bridge', async () => {
    const tc = targetConfig({ CHECK_INTERVAL: '1s' });
    const first = await applySchedules(env.client, [tc], taskQueue);
    const again = await applySchedules(env.client, [tc], taskQueue);
    expect(first[0]).toMatchObject({ scheduleId: monitorScheduleId(tc.target.id), action: 'created' });
    expect(again[0]).toMatchObject({ action: 'updated' });
    const schedule = env.client.schedule.getHandle(monitorScheduleId(tc.target.id));
    try {
      for (;;) {
        const d = await schedule.describe();
        const completed = d.info.recentActions.length;
        if (completed >= 2) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const d = await schedule.describe();
      expect(d.policies.overlap).toBe('SKIP');
      const run = d.info.recentActions[0]!.action.workflow;
      await expect(env.client.workflow.getHandle(run.workflowId, run.firstExecutionRunId).result()).resolves.toMatchObject({ severity: 'HEALTHY' });
    } finally {
      await schedule.delete();
    }
  });
});
