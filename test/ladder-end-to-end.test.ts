/**
 * The remediation ladder end to end: the HealingWorkflow on a real Temporal dev server, with the
 * activities the worker builds from its configuration (probe, remediation over HTTP, ledger),
 * against the variant A bridge simulator: its own emergency-restart (the reinit rung, with its
 * admin token) and the VPS restart service (the full restart, REMEDIATION=webhook). Alerts are
 * captured instead of mailed.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { loadConfig } from '../src/config/load-config';
import { createLogger } from '../src/logging/create-logger';
import type { AlertEvent, RecoveryAlert } from '../src/shared/contracts';
import { healingWorkflowId } from '../src/shared/names';
import { createBridgeSimulator, type BridgeSimulator } from '../src/simulator/create-bridge-simulator';
import type { FaultInput } from '../src/simulator/fault';
import type { healingWorkflow } from '../src/workflows/healing';
import type { HealingResult } from '../src/workflows/healing/messages';
import { buildActivities } from '../src/workers/build-activities';
import { createDevServerEnv, uniqueTaskQueue, workflowBundle } from './helpers/temporal';

const ADMIN_TOKEN = 'bridge-admin-token-e2e-31c4b7';
const RESTART_TOKEN = 'vps-restart-token-e2e-8d2f6a';

let temporal: TestWorkflowEnvironment;
let bridge: BridgeSimulator;

beforeAll(async () => {
  temporal = await createDevServerEnv();
}, 120_000);
afterAll(async () => {
  await temporal?.teardown();
});
beforeEach(async () => {
  bridge = await createBridgeSimulator({ port: 0, variant: 'a', adminToken: ADMIN_TOKEN, restartToken: RESTART_TOKEN });
});
afterEach(() => bridge.close());

/** One incident of the simulated bridge with `fault`, healed by the ladder reinit → full-restart; its result, the alerts and the history. */
async function heal(fault: FaultInput): Promise<{ result: HealingResult; alerts: AlertEvent[]; history: string }> {
  bridge.setFault(fault);
  const taskQueue = uniqueTaskQueue('ladder-e2e');
  const config = loadConfig({
    MT5_BRIDGE_URL: bridge.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    REMEDIATION: 'webhook',
    RESTART_URL: `${bridge.url}/api/system/full-restart`,
    RESTART_TOKEN,
    REMEDIATION_LADDER: 'reinit,full-restart',
    REINIT_TOKEN: ADMIN_TOKEN,
    PROBE_TIMEOUT: '2s',
    VERIFY_INTERVAL: '1s',
    VERIFY_TIMEOUT: '30s',
    REINIT_VERIFY_TIMEOUT: '12s',
    REINIT_COOLDOWN: '0s',
    RESTART_COOLDOWN: '1s',
  });
  const { target, policy } = config.targets[0]!;
  const log = createLogger({ level: 'silent' });
  const alerts: AlertEvent[] = [];
  const activities = {
    ...buildActivities({ config, log, client: temporal.client }),
    sendAlertEmail: async (event: AlertEvent) => {
      alerts.push(event);
      return { messageId: `<${event.kind}@test>`, accepted: ['ops@test'], rejected: [], response: '250 OK' };
    },
    notifyInApp: async () => undefined,
  };
  const report = await activities.probeTarget(target);
  expect(report.severity).toBe('CRITICAL');
  const worker = await Worker.create({ connection: temporal.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  return worker.runUntil(async () => {
    const handle = await temporal.client.workflow.start<typeof healingWorkflow>('healingWorkflow', {
      taskQueue,
      workflowId: healingWorkflowId(target.id, taskQueue),
      args: [{ target, policy, trigger: { source: 'monitor', reason: report.summary, at: new Date().toISOString() }, report }],
    });
    const result = (await handle.result()) as HealingResult;
    // the recovery email goes through the target's alert delivery workflow after the close
    const deadline = Date.now() + 10_000;
    while (!alerts.some((a) => a.kind === 'recovery') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    return { result, alerts, history: JSON.stringify(await handle.fetchHistory()) };
  });
}

test('a terminal that loses its broker is healed by reinit alone: no full restart', async () => {
  const { result, alerts, history } = await heal({ mode: 'terminal_disconnected', restart: 'heal' });

  expect(result.status).toBe('RECOVERED');
  expect(bridge.restarts.map((r) => r.endpoint)).toEqual(['emergency-restart']);
  expect(result.attempts).toEqual([expect.objectContaining({ rung: 'reinit', method: 'reinit', outcome: 'recovered' })]);
  const recovery = alerts.find((a): a is RecoveryAlert => a.kind === 'recovery');
  expect(recovery?.method).toBe('MT5 re-initialisation (emergency-restart)');
  expect(history).not.toContain(ADMIN_TOKEN);
  expect(JSON.stringify(result)).not.toContain(ADMIN_TOKEN);
}, 120_000);

test('a dead bridge process gets the full restart directly: no reinit is tried', async () => {
  const { result } = await heal({ mode: 'bridge_down', restart: 'heal' });

  expect(result.status).toBe('RECOVERED');
  expect(bridge.restarts.map((r) => r.endpoint)).toEqual(['full-restart']);
  expect(result.evidence?.diagnosis).toEqual({ rung: 'full-restart', why: 'the bridge does not answer' });
}, 120_000);

test('a terminal that reinit cannot cure gets reinit, then the full restart, then recovery', async () => {
  // the emergency-restart answers success but the terminal stays down; the full restart heals it
  const { result, alerts } = await heal({ mode: 'terminal_disconnected', restart: ['lie', 'heal'] });

  expect(result.status).toBe('RECOVERED');
  expect(bridge.restarts.map((r) => r.endpoint)).toEqual(['emergency-restart', 'full-restart']);
  expect(result.attempts.map((a) => [a.rung, a.outcome])).toEqual([
    ['reinit', 'not_recovered'],
    ['full-restart', 'recovered'],
  ]);
  expect(alerts.find((a): a is RecoveryAlert => a.kind === 'recovery')?.method).toBe('direct restart webhook');
}, 120_000);
