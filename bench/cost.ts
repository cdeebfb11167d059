/**
 * Cost: billable Temporal Cloud actions and history events, counted from the histories (rules in
 * ./lib/billing.ts) and, for heartbeats, from the server's own request counter.
 *
 * - healthy, long-lived monitor: K targets watched for a window; their watches hand back every
 *   `refresh` (shortened from the product's 1 h so that whole cycles are seen). Per healthy
 *   target-hour = heartbeats per hour (measured) + the actions of one cycle (the product hands
 *   back once an hour);
 * - one healed incident: a target's terminal disconnects, the restart (webhook to the simulator)
 *   heals it after `restartMs`; every history of the namespace before and after, heartbeats too.
 */
import { Client, Connection } from '@temporalio/client';
import { loadConfig, type AppConfig } from '../src/config/load-config';
import { ensureMonitors } from '../src/client/monitors';
import { createLogger } from '../src/logging/create-logger';
import { createBridgeSimulator, type BridgeSimulator } from '../src/simulator';
import { healingWorkflowId, monitorWorkflowId } from '../src/shared/names';
import { targetMonitorWorkflow } from '../src/workflows/target-monitor';
import { startWorker } from '../src/workers/run-worker';
import { startSmtpServer } from '../test/helpers/smtp';
import { type ActionCount, addCounts, billableActions } from './lib/billing';
import { type BenchServer, startBenchServer } from './lib/dev-server';
import { sleep } from './lib/stats';

const HEARTBEAT_COUNTER = 'service_requests';
// The dev server counts each request in the frontend and again in the history service: the frontend's is the client's.
const HEARTBEAT_LABELS = ['operation="RecordActivityTaskHeartbeat"', 'service_name="frontend"'];

export interface CostResult {
  monitor: { targets: number; windowS: number; refreshS: number; cycles: number; quietActions: number; actionsPerCycle: number; eventsPerCycle: number; heartbeatsPerHour: number; actionsPerHealthyHour: number; eventsPerHealthyHour: number; byKind: Record<string, number> };
  incident: { restartS: number; durationS: number; actions: number; heartbeats: number; events: number; byKind: Record<string, number>; byWorkflow: Record<string, number> };
}

async function allHistories(client: Client, query?: string): Promise<Array<{ id: string; type: string; count: ActionCount }>> {
  const out: Array<{ id: string; type: string; count: ActionCount }> = [];
  for await (const w of client.workflow.list(query ? { query } : {})) {
    const history = await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory();
    out.push({ id: `${w.workflowId}/${w.runId}`, type: w.type, count: billableActions(history) });
  }
  return out;
}

const total = (list: Array<{ count: ActionCount }>): ActionCount => list.reduce((a, b) => addCounts(a, b.count), { total: 0, byKind: {}, events: 0 });

function baseEnv(server: BenchServer, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { TEMPORAL_ADDRESS: server.address, TEMPORAL_TASK_QUEUE: 'bench-cost', CHECK_INTERVAL: '15s', REMEDIATION: 'none', LOG_LEVEL: 'warn', ...extra };
}

async function withTargets(count: number, prefix: string) {
  const bridges: BridgeSimulator[] = [];
  for (let i = 0; i < count; i++) bridges.push(await createBridgeSimulator());
  const yaml = `targets:\n${bridges.map((b, i) => `  - id: ${prefix}-${i}\n    url: ${b.url}\n`).join('')}`;
  return { bridges, yaml };
}

export async function runCost(options: { targets: number; windowMs: number; refreshMs: number; restartMs: number; port: number }): Promise<CostResult> {
  const server = await startBenchServer(options.port);
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const log = createLogger({ level: 'error' }); // also the SDK's (startWorker installs it once)
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'autoheal-cost-'));
  const closers: Array<() => Promise<unknown>> = [];
  try {
    // ---- healthy, long-lived monitor
    const healthy = await withTargets(options.targets, 'calm');
    closers.push(() => Promise.all(healthy.bridges.map((b) => b.close())));
    writeFileSync(join(dir, 'calm.yaml'), healthy.yaml);
    const calmConfig: AppConfig = loadConfig(baseEnv(server, { AUTOHEAL_TARGETS_FILE: join(dir, 'calm.yaml') }));
    const worker = await startWorker(calmConfig, log);
    closers.push(() => worker.stop());
    const calmQuery = `WorkflowType="${targetMonitorWorkflow.name}"`;
    const startMonitors = async (maxWatchMs?: number) => {
      for (const tc of calmConfig.targets) {
        await client.workflow.start(targetMonitorWorkflow, {
          workflowId: monitorWorkflowId(tc.target.id, 'bench-cost'),
          taskQueue: 'bench-cost',
          args: [{ target: tc.target, policy: tc.policy, ...(maxWatchMs ? { maxWatchMs } : {}) }],
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        });
      }
      await sleep(20_000); // past the first watch (it hands back its first report)
    };
    const stopMonitors = async () => {
      for (const tc of calmConfig.targets) await client.workflow.getHandle(monitorWorkflowId(tc.target.id, 'bench-cost')).terminate('bench: next part');
      await sleep(2_000);
    };

    // 1. The product's settings: heartbeats (what the SDK lets reach the server) and events per hour.
    await startMonitors();
    const hb0 = await server.counter(HEARTBEAT_COUNTER, HEARTBEAT_LABELS);
    const quiet0 = total(await allHistories(client, `${calmQuery} AND ExecutionStatus="Running"`));
    const t0 = Date.now();
    await sleep(options.windowMs);
    const hb1 = await server.counter(HEARTBEAT_COUNTER, HEARTBEAT_LABELS);
    const quiet1 = total(await allHistories(client, `${calmQuery} AND ExecutionStatus="Running"`));
    const hours = (Date.now() - t0) / 3_600_000;
    const heartbeatsPerHour = (hb1 - hb0) / options.targets / hours;
    const quietActions = quiet1.total - quiet0.total; // nothing but heartbeats should happen within the hour
    await stopMonitors();

    // 2. A shortened hand-back, to see whole cycles: what one hand-back costs (the product has one an hour).
    await startMonitors(options.refreshMs);
    const before = total(await allHistories(client, `${calmQuery} AND ExecutionStatus="Running"`));
    await sleep(options.windowMs);
    const after = total(await allHistories(client, `${calmQuery} AND ExecutionStatus="Running"`));
    const cycles = Math.max(1, (after.byKind['activity attempt'] ?? 0) - (before.byKind['activity attempt'] ?? 0));
    const byKind: Record<string, number> = {};
    for (const [k, v] of Object.entries(after.byKind)) byKind[k] = Math.round(((v - (before.byKind[k] ?? 0)) / cycles) * 100) / 100;
    const actionsPerCycle = (after.total - before.total) / cycles;
    const eventsPerCycle = (after.events - before.events) / cycles;
    await stopMonitors();
    const monitor = {
      targets: options.targets,
      windowS: Math.round(options.windowMs / 1000),
      refreshS: Math.round(options.refreshMs / 1000),
      cycles,
      quietActions,
      actionsPerCycle: Math.round(actionsPerCycle * 100) / 100,
      eventsPerCycle: Math.round(eventsPerCycle * 100) / 100,
      heartbeatsPerHour: Math.round(heartbeatsPerHour * 10) / 10,
      actionsPerHealthyHour: Math.round((heartbeatsPerHour + actionsPerCycle) * 10) / 10,
      eventsPerHealthyHour: Math.round(eventsPerCycle * 10) / 10,
      byKind,
    };
    process.stderr.write(`  cost: monitor ${JSON.stringify(monitor)}\n`);

    await worker.stop();

    // ---- one healed incident, on its own target, with real alerts and a webhook restart
    const smtp = await startSmtpServer();
    closers.push(() => smtp.stop());
    const sick = await createBridgeSimulator({ restartToken: 'bench-restart-token-0123', healAfterMs: options.restartMs, placeholderMs: 5_000 });
    closers.push(() => sick.close());
    const incidentConfig = loadConfig(
      baseEnv(server, {
        MT5_BRIDGE_URL: sick.url,
        TEMPORAL_TASK_QUEUE: 'bench-incident',
        REMEDIATION: 'webhook',
        RESTART_URL: `${sick.url}/api/system/full-restart`,
        RESTART_TOKEN: 'bench-restart-token-0123',
        SMTP_HOST: smtp.host,
        SMTP_ALLOW_PLAINTEXT_LOOPBACK: 'true', // the loopback SMTP server of the benchmark speaks no TLS
        SMTP_PORT: String(smtp.port),
        ALERT_RECIPIENT_EMAIL: 'ops@bench.test',
      }),
    );
    const incidentWorker = await startWorker(incidentConfig, log);
    closers.push(() => incidentWorker.stop());
    await ensureMonitors(client, incidentConfig.targets, 'bench-incident');
    await sleep(20_000);
    const notCalm = `ExecutionStatus="Running" OR WorkflowType!="${targetMonitorWorkflow.name}"`;
    const i0 = await allHistories(client, notCalm);
    const ih0 = await server.counter(HEARTBEAT_COUNTER, HEARTBEAT_LABELS);
    const start = Date.now();
    sick.setFault({ mode: 'terminal_disconnected' });
    let result: { status?: string } | undefined;
    for (;;) {
      await sleep(1_000);
      try {
        const d = await client.workflow.getHandle(healingWorkflowId('mt5-bridge', 'bench-incident')).describe();
        if (d.status.name !== 'RUNNING') {
          result = await client.workflow.getHandle(healingWorkflowId('mt5-bridge', 'bench-incident')).result();
          break;
        }
      } catch {
        // not started yet
      }
      if (Date.now() - start > 20 * 60_000) throw new Error('the bench incident did not close in 20 minutes');
    }
    const i1 = await allHistories(client, notCalm);
    const ih1 = await server.counter(HEARTBEAT_COUNTER, HEARTBEAT_LABELS);
    const beforeById = new Map(i0.map((w) => [`${w.id}`, w.count]));
    const byWorkflow: Record<string, number> = {};
    let delta: ActionCount = { total: 0, byKind: {}, events: 0 };
    for (const w of i1) {
      const prev = beforeById.get(w.id) ?? { total: 0, byKind: {}, events: 0 };
      const d: ActionCount = { total: w.count.total - prev.total, events: w.count.events - prev.events, byKind: {} };
      for (const [k, v] of Object.entries(w.count.byKind)) d.byKind[k] = v - (prev.byKind[k] ?? 0);
      if (d.total) byWorkflow[w.type] = (byWorkflow[w.type] ?? 0) + d.total;
      delta = addCounts(delta, d);
    }
    const incident = {
      restartS: Math.round(options.restartMs / 1000),
      durationS: Math.round((Date.now() - start) / 1000),
      actions: delta.total + (ih1 - ih0),
      heartbeats: ih1 - ih0,
      events: delta.events,
      byKind: delta.byKind,
      byWorkflow,
      status: result?.status,
    };
    process.stderr.write(`  cost: incident ${JSON.stringify(incident)}\n`);
    return { monitor, incident };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await connection.close();
    await server.stop();
  }
}
