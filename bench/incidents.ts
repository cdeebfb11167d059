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
 *
 * With `ladder` (`--ladder`), every target runs REMEDIATION_LADDER=reinit,full-restart against the
 * variant A simulator's emergency-restart, which heals in `reinitMs` (a re-initialisation takes
 * seconds), and one more kind joins: a terminal that reinit cannot cure (`terminal_stuck`: the
 * emergency-restart answers success and the terminal stays down; the full restart heals it).
 * Each incident then says which rungs it took (`rungs`), and the result gives the first rung per
 * fault kind and the downtime per rung path (reinit; reinit → full-restart; full-restart).
 * `kinds` limits the run to some fault kinds (`--kinds terminal_disconnected,bridge_down`).
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

/** A terminal that the emergency-restart cannot cure (it says success, the terminal stays down): the ladder's second rung heals it. */
export const LADDER_ONLY_KINDS: Array<{ kind: string; fault: FaultInput }> = [
  { kind: 'terminal_stuck', fault: { mode: 'terminal_disconnected', restart: ['lie', 'heal'] } },
];

export interface IncidentSample {
  kind: string;
  target: string;
  /** The rungs the incident took, in order ("reinit", "full-restart"): what the bridge received. */
  rungs: string[];
  detectionMs: number;
  alertMs?: number;
  dispatchMs?: number;
  healthyToConfirmedMs?: number;
  downtimeMs?: number;
  status: string;
}

const RESTART_TOKEN = 'bench-restart-token-0123456789';
const REINIT_TOKEN = 'bench-admin-token-0123456789';
const PLACEHOLDER_MS = 10_000;

export interface IncidentsOptions {
  perKind: number;
  targets: number;
  restartMs: number;
  port: number;
  /** REMEDIATION_LADDER=reinit,full-restart on every target (default: today's single full restart). */
  ladder?: boolean;
  /** How long the emergency-restart takes to heal (default 5 s). */
  reinitMs?: number;
  /** Only these fault kinds (default: every kind). */
  kinds?: string[];
}

export async function runIncidents(options: IncidentsOptions) {
  const reinitMs = options.reinitMs ?? 5_000;
  const kinds = [...FAULT_KINDS, ...(options.ladder ? LADDER_ONLY_KINDS : [])].filter((k) => !options.kinds?.length || options.kinds.includes(k.kind));
  if (!kinds.length) throw new Error(`--kinds: none of ${options.kinds?.join(', ')} is a fault kind (${[...FAULT_KINDS, ...LADDER_ONLY_KINDS].map((k) => k.kind).join(', ')})`);
  const server = await startBenchServer(options.port);
  const smtp = await startSmtpServer();
  const dir = mkdtempSync(join(tmpdir(), 'autoheal-incidents-'));
  const bridges: BridgeSimulator[] = [];
  const healAfterMs = Math.max(0, options.restartMs - PLACEHOLDER_MS);
  for (let i = 0; i < options.targets; i++) {
    bridges.push(await createBridgeSimulator({ restartToken: RESTART_TOKEN, adminToken: REINIT_TOKEN, healAfterMs, placeholderMs: PLACEHOLDER_MS }));
  }
  const ladder = options.ladder ? '    ladder: [reinit, full-restart]\n    reinitTokenEnv: REINIT_TOKEN\n' : '';
  const ids = bridges.map((_, i) => `sick-${i}`);
  writeFileSync(
    join(dir, 'targets.yaml'),
    `targets:\n${bridges.map((b, i) => `  - id: ${ids[i]}\n    url: ${b.url}\n    restartUrl: ${b.url}/api/system/full-restart\n    restartTokenEnv: RESTART_TOKEN\n${ladder}`).join('')}`,
  );
  const config = loadConfig({
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: 'bench-incidents',
    AUTOHEAL_TARGETS_FILE: join(dir, 'targets.yaml'),
    REMEDIATION: 'webhook',
    RESTART_TOKEN,
    ...(options.ladder ? { REINIT_TOKEN } : {}),
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
    const queue = kinds.flatMap((k) => Array.from({ length: options.perKind }, () => k));
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
        bridge.setFault({ restart: 'heal', ...next.fault, reinitHealAfterMs: reinitMs });
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
        const calls = bridge.restarts.slice(restartsBefore).filter((c) => !c.duplicate);
        const restart = calls[0];
        const healer = calls[calls.length - 1];
        const email = smtp.messages.find((m) => m.acceptedAt >= injectedAt && /CRITICAL/.test(m.mail.subject ?? '') && (m.mail.text ?? '').includes(id));
        const verified = result.figures.verifiedHealthyAt ? Date.parse(result.figures.verifiedHealthyAt) : undefined;
        // the restart that healed: a reinit heals in reinitMs with no placeholders, a full restart as a real one
        const healthyAt = healer
          ? Date.parse(healer.at) + (healer.endpoint === 'emergency-restart' ? reinitMs : healAfterMs + PLACEHOLDER_MS)
          : undefined;
        const sample: IncidentSample = {
          kind: next.kind,
          target: id,
          rungs: calls.map((c) => (c.endpoint === 'emergency-restart' ? 'reinit' : 'full-restart')),
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
  const byKind = Object.fromEntries(kinds.map(({ kind }) => [kind, summary(samples.filter((s) => s.kind === kind).map((s) => s.detectionMs))]));
  // which rung each kind started with, and the downtime each rung path gave
  const firstRungByKind = Object.fromEntries(
    kinds.map(({ kind }) => {
      const counts: Record<string, number> = {};
      for (const s of samples.filter((x) => x.kind === kind)) counts[s.rungs[0] ?? 'none'] = (counts[s.rungs[0] ?? 'none'] ?? 0) + 1;
      return [kind, counts];
    }),
  );
  const paths = [...new Set(samples.map((s) => s.rungs.join(' → ') || 'none'))];
  const downtimeByRungs = Object.fromEntries(
    paths.map((p) => [p, summary(samples.filter((s) => (s.rungs.join(' → ') || 'none') === p).map((s) => s.downtimeMs).filter((v): v is number => v !== undefined))]),
  );
  const downtimeByKind = Object.fromEntries(
    kinds.map(({ kind }) => [kind, summary(samples.filter((s) => s.kind === kind).map((s) => s.downtimeMs).filter((v): v is number => v !== undefined))]),
  );
  return {
    restartMs: options.restartMs,
    ladder: options.ladder ? 'reinit,full-restart' : 'full-restart',
    ...(options.ladder ? { reinitMs } : {}),
    perKind: options.perKind,
    incidents: samples.length,
    recovered: samples.filter((s) => s.status === 'RECOVERED').length,
    detection: of((s) => s.detectionMs),
    alert: of((s) => s.alertMs),
    dispatch: of((s) => s.dispatchMs),
    healthyToConfirmed: of((s) => s.healthyToConfirmedMs),
    downtime: of((s) => s.downtimeMs),
    detectionByKind: byKind,
    firstRungByKind,
    downtimeByRungs,
    downtimeByKind,
    samples,
  };
}
