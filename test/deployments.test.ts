/**
 * Two deployments in one namespace (production on the default task queue, staging on its own),
 * each with the default target id `mt5-bridge` and its own bridge, on one real dev server: each
 * deployment's monitor probes its own bridge, an outage of one is healed through that
 * deployment's restart route only, and one deployment's kill switch does not hold the other.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { AutohealClient } from '../src/client/autoheal-client';
import { ensureMonitors } from '../src/client/monitors';
import { type AppConfig, loadConfig } from '../src/config/load-config';
import { createLogger } from '../src/logging/create-logger';
import type { AlertEvent, EmailReceipt } from '../src/shared/contracts';
import {
  DEFAULT_TASK_QUEUE,
  attemptLedgerWorkflowId,
  healingWorkflowId,
  monitorWorkflowId,
  remediationSwitchWorkflowId,
} from '../src/shared/names';
import { type BridgeSimulator, createBridgeSimulator } from '../src/simulator';
import { buildActivities } from '../src/workers/build-activities';
import type { HealingResult } from '../src/workflows/healing/messages';
import { targetMonitorWorkflow } from '../src/workflows/target-monitor';
import { createDevServerEnv, trackWorker, workflowBundle } from './helpers/temporal';
import { waitFor } from './helpers/wait';

try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // already installed in this process
}

const STAGING = 'staging';
const TOKEN = 'deployments-restart-token-5b1c';

let env: TestWorkflowEnvironment;
let production: BridgeSimulator;
let staging: BridgeSimulator;

beforeAll(async () => {
  [env, production, staging] = await Promise.all([
    createDevServerEnv(),
    createBridgeSimulator({ port: 0, restartToken: TOKEN, healAfterMs: 0 }),
    createBridgeSimulator({ port: 0, restartToken: TOKEN, healAfterMs: 0 }),
  ]);
});
afterAll(async () => {
  await Promise.all([production?.close(), staging?.close()]);
  await env?.teardown();
});

/** A deployment's configuration: its bridge, its restart webhook on that bridge, its task queue. */
function deployment(bridge: BridgeSimulator, taskQueue?: string): AppConfig {
  return loadConfig({
    MT5_BRIDGE_URL: bridge.url,
    CHECK_INTERVAL: '1s',
    CONFIRM_DELAY: '1s',
    PROBE_TIMEOUT: '1s',
    VERIFY_INTERVAL: '1s',
    REMEDIATION: 'webhook',
    RESTART_URL: `${bridge.url}/api/system/full-restart`,
    RESTART_TOKEN: TOKEN,
    TEMPORAL_ADDRESS: env.address,
    ...(taskQueue ? { TEMPORAL_TASK_QUEUE: taskQueue } : {}),
  });
}

/** The deployment's worker, with the product's activities; emails are recorded, never sent. */
async function workerOf(config: AppConfig, emails: AlertEvent[]): Promise<Worker> {
  const activities = buildActivities({ config, log: createLogger({ level: 'silent' }), client: env.client });
  return trackWorker(
    await Worker.create({
      connection: env.nativeConnection,
      taskQueue: config.temporal.taskQueue,
      workflowBundle: await workflowBundle(),
      activities: {
        ...activities,
        sendAlertEmail: async (event: AlertEvent): Promise<EmailReceipt> => {
          emails.push(event);
          return { messageId: `<${event.kind}@test>`, accepted: ['ops@example.com'], rejected: [], response: '250 OK' };
        },
      },
    }),
  );
}

const exists = async (workflowId: string): Promise<boolean> =>
  env.client.workflow
    .getHandle(workflowId)
    .describe()
    .then(
      () => true,
      () => false,
    );

test('two deployments with one target id keep their own monitor, healer, ledger and kill switch', async () => {
  const prod = deployment(production);
  const stage = deployment(staging, STAGING);
  expect(prod.temporal.taskQueue).toBe(DEFAULT_TASK_QUEUE);
  expect(prod.targets[0]?.target.id).toBe('mt5-bridge');
  expect(stage.targets[0]?.target.id).toBe('mt5-bridge');
  const prodClient = new AutohealClient(env.client, prod.temporal.taskQueue);
  const stageClient = new AutohealClient(env.client, STAGING);
  const prodEmails: AlertEvent[] = [];
  const stageEmails: AlertEvent[] = [];
  const [prodWorker, stageWorker] = [await workerOf(prod, prodEmails), await workerOf(stage, stageEmails)];

  await prodWorker.runUntil(() =>
    stageWorker.runUntil(async () => {
      // Production's worker starts first, staging's second (the order in which staging used to
      // take production's monitor over and point it at the staging bridge).
      await prodClient.monitors.reconcile(prod.targets);
      const staged = await stageClient.monitors.reconcile(stage.targets);
      expect(staged.ensured).toEqual([expect.objectContaining({ workflowId: 'autoheal-monitor-mt5-bridge@staging', action: 'started' })]);
      expect(staged.removed).toEqual([]);

      // Production's ids are the bare ones; each monitor runs on its own queue and watches its own bridge.
      const prodMonitor = env.client.workflow.getHandle(monitorWorkflowId('mt5-bridge', DEFAULT_TASK_QUEUE));
      const stageMonitor = env.client.workflow.getHandle(monitorWorkflowId('mt5-bridge', STAGING));
      expect(prodMonitor.workflowId).toBe('autoheal-monitor-mt5-bridge');
      expect((await prodMonitor.describe()).taskQueue).toBe(DEFAULT_TASK_QUEUE);
      expect((await stageMonitor.describe()).taskQueue).toBe(STAGING);
      const [prodProbes, stageProbes] = [production.state().requests.health, staging.state().requests.health];
      await waitFor(
        'probes of both bridges',
        () => [production.state().requests.health, staging.state().requests.health],
        ([p, s]) => (p ?? 0) >= prodProbes + 3 && (s ?? 0) >= stageProbes + 3,
        { timeoutMs: 60_000 },
      );
      await waitFor('both monitors HEALTHY', () => Promise.all([prodClient.monitors.read('mt5-bridge'), stageClient.monitors.read('mt5-bridge')]), (r) =>
        r.every((m) => m.watch?.severity === 'HEALTHY'),
      { timeoutMs: 60_000 });

      // The staging bridge goes down: staging's incident, restarted through staging's webhook only.
      staging.setFault({ mode: 'terminal_disconnected' });
      const stageHealer = env.client.workflow.getHandle(healingWorkflowId('mt5-bridge', STAGING));
      await waitFor('the staging incident', () => exists(stageHealer.workflowId), Boolean, { timeoutMs: 60_000 });
      const stageResult = (await stageHealer.result()) as HealingResult;
      expect(stageResult.status).toBe('RECOVERED');
      expect(staging.restarts).toHaveLength(1);
      expect(production.restarts).toHaveLength(0);
      expect((await stageHealer.describe()).taskQueue).toBe(STAGING);
      expect(stageEmails.map((e) => e.kind)).toContain('critical');
      // Production's healer, ledger and kill switch were never touched.
      for (const id of [healingWorkflowId('mt5-bridge', DEFAULT_TASK_QUEUE), attemptLedgerWorkflowId('mt5-bridge', DEFAULT_TASK_QUEUE), remediationSwitchWorkflowId(DEFAULT_TASK_QUEUE)])
        expect(await exists(id)).toBe(false);
      expect(await exists(attemptLedgerWorkflowId('mt5-bridge', STAGING))).toBe(true);
      expect(prodEmails).toEqual([]);
      // Each deployment's listing sees only its own incidents.
      const listed = await waitFor(
        "staging's incident listed",
        () => stageClient.operator.incidents(['mt5-bridge'], Date.now() - 3_600_000),
        (list) => list.length > 0,
      );
      expect(listed).toEqual([expect.objectContaining({ incidentId: stageResult.incidentId, outcome: 'RECOVERED' })]);
      expect(await prodClient.operator.incidents(['mt5-bridge'], Date.now() - 3_600_000)).toEqual([]);

      // Staging's kill switch off does not hold production: production's outage is restarted.
      await stageClient.remediation.off({ by: 'alice', reason: 'staging maintenance' });
      expect((await stageClient.remediation.state()).enabled).toBe(false);
      expect((await prodClient.remediation.state()).enabled).toBe(true);
      production.setFault({ mode: 'terminal_disconnected' });
      const prodHealer = env.client.workflow.getHandle(healingWorkflowId('mt5-bridge', DEFAULT_TASK_QUEUE));
      expect(prodHealer.workflowId).toBe('heal-mt5-bridge');
      await waitFor('the production incident', () => exists(prodHealer.workflowId), Boolean, { timeoutMs: 60_000 });
      const prodResult = (await prodHealer.result()) as HealingResult;
      expect(prodResult.status).toBe('RECOVERED');
      expect(prodResult.timeline.map((t) => t.step)).not.toContain('withheld');
      expect(production.restarts).toHaveLength(1);
      expect(staging.restarts).toHaveLength(1);
      expect((await stageClient.remediation.state()).enabled).toBe(false);

      for (const monitor of [prodMonitor, stageMonitor]) await monitor.terminate('test over');
    }),
  );
});

test("a worker refuses a monitor that another deployment's task queue runs, and leaves it alone", async () => {
  // A monitor under production's id on another deployment's task queue (started by hand, or by a
  // worker of another version that named every deployment's monitor alike).
  const prod = deployment(production);
  const bare = monitorWorkflowId('mt5-bridge', DEFAULT_TASK_QUEUE);
  const squatter = await env.client.workflow.start(targetMonitorWorkflow, {
    workflowId: bare,
    taskQueue: 'staging-before-upgrade',
    args: [{ target: { ...prod.targets[0]!.target, url: staging.url }, policy: prod.targets[0]!.policy }],
  });
  try {
    const ensured = await ensureMonitors(env.client, prod.targets, DEFAULT_TASK_QUEUE);
    expect(ensured).toEqual([{ workflowId: bare, targetId: 'mt5-bridge', action: 'refused', owner: 'staging-before-upgrade' }]);
    const history = (await squatter.fetchHistory()).events ?? [];
    expect(history.filter((e) => e.workflowExecutionSignaledEventAttributes)).toEqual([]);
    expect((await squatter.describe()).taskQueue).toBe('staging-before-upgrade');
  } finally {
    await squatter.terminate('test over');
  }
});
