/**
 * Per incident, on the full product in one process (dev server apart): the real worker
 * (startWorker: probe, alerts by SMTP to a loopback server, webhook restarts to each target's
 * simulated bridge), the real monitors (ensureMonitors). Every CRITICAL fault kind of the
 * severity table is injected at a random moment, many targets at once; the restart heals the
 * bridge after `restartMs` (the terminal back, then 10 s of placeholder data as the cache
 * refills: what a real restart looks like). For each incident:
 *
 * - detection: fault injected → heal-<target> started (the confirmed CRITICAL);
 * - → alert: heal started → the CRITICAL email accepted by the SMTP server;
 * - → dispatch: heal started → the restart request accepted by the bridge;
 * - healthy → confirmed: the bridge fully healthy again → the incident's verified recovery;
 * - downtime: fault injected → verified recovery.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { loadConfig } from '../src/config/load-config';
import { ensureMonitors } from '../src/client/monitors';
import { createLogger } from '../src/logging/create-logger';
import { createBridgeSimulator, type BridgeSimulator, type FaultInput } from '../src/simulator';
import { healingWorkflowId } from '../src/shared/names';
import { startWorker } from '../src/workers/run-worker';
import type { HealingResult } from '../src/workflows/healing/messages';
import { startSmtpServer } from '../test/helpers/smtp';
import { startBenchServer } from './lib/dev-server';
import { sleep, summary } from './lib/stats';

export const FAULT_KINDS: Array<{ kind: string; fault: FaultInput }> = [
  { kind: 'terminal_disconnected', fault: { mode: 'terminal_disconnected' } },
  { kind: 'bridge_down', fault: { mode: 'bridge_down' } },
  { kind: 'placeholder_zeros', fault: { mode: 'placeholder_zeros' } },
  { kind: 'trade_not_allowed', fault: { mode: 'trade_not_allowed' } },
  { kind: 'malformed', fault: { mode: 'malformed' } },
  { kind: 'http_500', fault: { mode: 'http_500' } },
  { kind: 'slow', fault: { mode: 'slow', delayMs: 10_000 } },
  { kind: 'sync_degraded', fault: { mode: 'sync_degraded', failing: 6 } },
];

export interface IncidentSample {
  kind: string;
  target: string;
  detectionMs: number;
  alertMs?: number;
  dispatchMs?: number;
  healthyToConfirmedMs?: number;
  downtimeMs?: number;
  status: string;
}

const RESTART_TOKEN = 'bench-restart-token-0123456789';
const PLACEHOLDER_MS = 10_000;

export async function runIncidents(options: { perKind: number; targets: number; restartMs: number; port: number }) {
  const server = await startBenchServer(options.port);
  const smtp = await startSmtpServer();
  const dir = mkdtempSync(join(tmpdir(), 'autoheal-incidents-'));
  const bridges: BridgeSimulator[] = [];
  const healAfterMs = Math.max(0, options.restartMs - PLACEHOLDER_MS);
  for (let i = 0; i < options.targets; i++) bridges.push(await createBridgeSimulator({ restartToken: RESTART_TOKEN, healAfterMs, placeholderMs: PLACEHOLDER_MS }));
  const ids = bridges.map((_, i) => `sick-${i}`);
  writeFileSync(
    join(dir, 'targets.yaml'),
    `targets:\n${bridges.map((b, i) => `  - id: ${ids[i]}\n    url: ${b.url}\n    restartUrl: ${b.url}/api/system/full-restart\n    restartTokenEnv: RESTART_TOKEN\n`).join('')}`,
  );
  const config = loadConfig({
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: 'bench-incidents',
    AUTOHEAL_TARGETS_FILE: join(dir, 'targets.yaml'),
    REMEDIATION: 'webhook',
    RESTART_TOKEN,
    // Incidents of one target follow each other here; the spacing between restarts is not what is measured,
    // nor the safety envelope (staggered faults on 8 targets would trip the fleet breaker on purpose).
    RESTART_COOLDOWN: '20s',
    RESTART_BUDGET: 'off',
    FLEET_BREAKER: 'off',
    SMTP_HOST: smtp.host,
    SMTP_ALLOW_PLAINTEXT_LOOPBACK: 'true', // the loopback SMTP server of the benchmark speaks no TLS
    SMTP_PORT: String(smtp.port),
    ALERT_RECIPIENT_EMAIL: 'ops@bench.test',
  });
  const worker = await startWorker(config, createLogger({ level: 'error' }));
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const samples: IncidentSample[] = [];
  try {
    await ensureMonitors(client, config.targets, 'bench-incidents');
    await sleep(20_000);
    // Every kind perKind times, spread over the targets.
    const queue = FAULT_KINDS.flatMap((k) => Array.from({ length: options.perKind }, () => k));
    const total = queue.length;
    const runTarget = async (i: number) => {
      const id = ids[i] as string;
      const bridge = bridges[i] as BridgeSimulator;
      await sleep(i * 20_000); // staggered: incidents interleave instead of starting as one burst
      for (;;) {
        const next = queue.shift();
        if (!next) return;
        await sleep(Math.random() * 15_000);
        const injectedAt = Date.now();
        const restartsBefore = bridge.restarts.length;
        bridge.setFault({ ...next.fault, restart: 'heal' });
        let startedAt: number | undefined;
        let runId: string | undefined;
        while (!startedAt) {
          try {
            const d = await client.workflow.getHandle(healingWorkflowId(id, 'bench-incidents')).describe();
            if (d.startTime.getTime() >= injectedAt - 1_000) {
              startedAt = d.startTime.getTime();
              runId = d.runId;
            }
          } catch (err) {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          }
          if (!startedAt) await sleep(500);
          if (Date.now() - injectedAt > 180_000) throw new Error(`${next.kind} on ${id} not detected in 3 minutes`);
        }
        const result = (await client.workflow.getHandle(healingWorkflowId(id, 'bench-incidents'), runId).result()) as HealingResult;
        const restart = bridge.restarts[restartsBefore];
        const email = smtp.messages.find((m) => m.acceptedAt >= injectedAt && /CRITICAL/.test(m.mail.subject ?? '') && (m.mail.text ?? '').includes(id));
        const verified = result.figures.verifiedHealthyAt ? Date.parse(result.figures.verifiedHealthyAt) : undefined;
        const healthyAt = restart ? Date.parse(restart.at) + healAfterMs + PLACEHOLDER_MS : undefined;
        const sample: IncidentSample = {
          kind: next.kind,
          target: id,
          detectionMs: startedAt - injectedAt,
          ...(email ? { alertMs: email.acceptedAt - startedAt } : {}),
          ...(restart ? { dispatchMs: Date.parse(restart.at) - startedAt } : {}),
          ...(verified && healthyAt ? { healthyToConfirmedMs: verified - healthyAt } : {}),
          ...(verified ? { downtimeMs: verified - injectedAt } : {}),
          status: result.status,
        };
        samples.push(sample);
        process.stderr.write(`  incident ${samples.length}/${total} ${next.kind} on ${id}: ${JSON.stringify(sample)}\n`);
        bridge.clearFaults();
        await sleep(20_000); // the monitor sees the target healthy again before the next fault
      }
    };
    await Promise.all(ids.map((_, i) => runTarget(i)));
  } finally {
    await worker.stop();
    await connection.close();
    await Promise.all(bridges.map((b) => b.close()));
    await smtp.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const of = (pick: (s: IncidentSample) => number | undefined) => summary(samples.map(pick).filter((v): v is number => v !== undefined));
  const byKind = Object.fromEntries(FAULT_KINDS.map(({ kind }) => [kind, summary(samples.filter((s) => s.kind === kind).map((s) => s.detectionMs))]));
  return {
    restartMs: options.restartMs,
    perKind: options.perKind,
    incidents: samples.length,
    recovered: samples.filter((s) => s.status === 'RECOVERED').length,
    detection: of((s) => s.detectionMs),
    alert: of((s) => s.alertMs),
    dispatch: of((s) => s.dispatchMs),
    healthyToConfirmed: of((s) => s.healthyToConfirmedMs),
    downtime: of((s) => s.downtimeMs),
    detectionByKind: byKind,
    samples,
  };
}
