/**
 * bench/detection: fault → confirmed CRITICAL, on a real Temporal dev server with the real
 * long-lived monitor (targetMonitorWorkflow and its watch activity) against the bridge simulator.
 *
 *   npm run bench:detection                     # 20 faults at the default timings
 *   npm run bench:detection -- --faults 5 --intervals 15s,5s --probe-timeout 5s --confirm-delay 3s
 *
 * Then the patterns that must open no incident at those timings: blips (the terminal drops for
 * 1 s, shorter than CONFIRM_DELAY, `--blips` times) and month end (every balance $0, live and
 * fresh, for a minute); their false incidents are counted.
 *
 * Each fault is injected at a random moment of the probe cycle (the monitor cannot know
 * when a bridge breaks); detection ends when the confirmed CRITICAL opens the incident (the
 * start of heal-<target>). The incident is then ended and the fault cleared before the next one.
 * Prints a table and writes bench/results/detection-<timestamp>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { loadConfig } from '../src/config/load-config';
import { createProbeActivities } from '../src/activities/probe/index';
import { ensureMonitors } from '../src/client/monitors';
import { createBridgeSimulator } from '../src/simulator';
import { EMPTY_LEDGER } from '../src/workflows/attempt-ledger';
import { healingWorkflowId, monitorWorkflowId } from '../src/shared/names';
import { createDevServerEnv, workflowBundle } from '../test/helpers/temporal';

interface Sample {
  interval: string;
  fault: string;
  injectedAt: string;
  confirmedAt: string;
  detectionMs: number;
}

const noopActivities = {
  sendAlertEmail: async () => ({ messageId: '<bench@local>', accepted: [], rejected: [], response: 'bench' }),
  notifyInApp: async () => undefined,
  dispatchRemediation: async () => ({ method: 'none', dispatchedAt: new Date().toISOString(), detail: 'bench' }),
  readAttemptLedger: async () => EMPTY_LEDGER,
  recordLedgerEntry: async () => undefined,
  reportToFleetBreaker: async () => undefined,
};

const FAULTS = ['terminal_disconnected', 'bridge_down', 'placeholder_zeros', 'trade_not_allowed', 'malformed', 'slow'] as const;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const faults = Number(arg('faults', '24'));
  const blips = Number(arg('blips', '10'));
  const intervals = arg('intervals', 'default').split(',');
  const timing = {
    ...(arg('probe-timeout', '') ? { PROBE_TIMEOUT: arg('probe-timeout', '') } : {}),
    ...(arg('confirm-delay', '') ? { CONFIRM_DELAY: arg('confirm-delay', '') } : {}),
  };
  const byKind: Array<Record<string, string | number>> = [];
  const falseIncidents: Array<Record<string, string | number>> = [];
  const env = await createDevServerEnv();
  const simulator = await createBridgeSimulator({ host: '127.0.0.1', port: 0 });
  const rows: Array<Record<string, string | number>> = [];
  const samples: Sample[] = [];
  try {
    for (const interval of intervals) {
      const config = loadConfig({
        MT5_BRIDGE_URL: simulator.url,
        REMEDIATION: 'none',
        ...(interval === 'default' ? {} : { CHECK_INTERVAL: interval }),
        ...timing,
      });
      const tc = config.targets[0]!;
      const intervalMs = tc.policy.checkIntervalMs;
      const label = `${interval === 'default' ? 'defaults: ' : ''}CHECK_INTERVAL ${intervalMs / 1000} s, PROBE_TIMEOUT ${tc.target.probeTimeoutMs / 1000} s, CONFIRM_DELAY ${tc.policy.confirmDelayMs / 1000} s`;
      const taskQueue = `bench-detection-${interval}`;
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: await workflowBundle(),
        // Detection only: the probe is real; the incident is ended as soon as it opens, so
        // alerts and remediation are no-ops here (they are measured by their own tests).
        activities: { ...createProbeActivities({}), ...noopActivities },
      });
      await worker.runUntil(async () => {
        await ensureMonitors(env.client, config.targets, taskQueue);
        const monitor = env.client.workflow.getHandle(monitorWorkflowId(tc.target.id, taskQueue));
        const heal = () => env.client.workflow.getHandle(healingWorkflowId(tc.target.id, taskQueue));
        const mine: number[] = [];
        const kinds = new Map<string, number[]>();
        for (let i = 0; i < faults; i++) {
          await sleep(Math.random() * intervalMs);
          const fault = FAULTS[i % FAULTS.length] as string;
          const injectedAt = Date.now();
          // a hung bridge: every answer far beyond PROBE_TIMEOUT
          simulator.setFault(fault === 'slow' ? { mode: 'slow', delayMs: 60_000 } : { mode: fault as never });
          let confirmedAt: number | undefined;
          while (!confirmedAt && Date.now() - injectedAt < intervalMs * 4 + 30_000) {
            try {
              const d = await heal().describe();
              if (d.startTime.getTime() >= injectedAt - 1000) confirmedAt = d.startTime.getTime();
            } catch (err) {
              if (!(err instanceof WorkflowNotFoundError)) throw err;
            }
            if (!confirmedAt) await sleep(100);
          }
          simulator.clearFaults();
          await heal().terminate('bench: next fault').catch(() => undefined);
          if (!confirmedAt) {
            const open: string[] = [];
            for await (const w of env.client.workflow.list({ query: 'ExecutionStatus = "Running"' })) open.push(`${w.type} ${w.workflowId}`);
            throw new Error(`fault ${i} (${fault}) not detected; running: ${open.join(', ')}`);
          }
          mine.push(confirmedAt - injectedAt);
          kinds.set(fault, [...(kinds.get(fault) ?? []), confirmedAt - injectedAt]);
          samples.push({ interval, fault, injectedAt: new Date(injectedAt).toISOString(), confirmedAt: new Date(confirmedAt).toISOString(), detectionMs: confirmedAt - injectedAt });
          process.stderr.write(`  ${interval} #${i + 1} ${fault}: ${confirmedAt - injectedAt} ms\n`);
          // Let one healthy run pass so the next fault starts from a healthy target.
          await sleep(intervalMs);
        }
        for (const [kind, values] of kinds) {
          const s = [...values].sort((a, b) => a - b);
          byKind.push({ timings: label, fault: kind, n: s.length, p50_ms: percentile(s, 50), p95_ms: percentile(s, 95), max_ms: s[s.length - 1] as number });
        }
        // Patterns that must not open an incident: blips shorter than CONFIRM_DELAY, and month end.
        const incidentsSince = async (since: number): Promise<number> => {
          try {
            const d = await heal().describe();
            return d.startTime.getTime() >= since ? 1 : 0;
          } catch (err) {
            if (err instanceof WorkflowNotFoundError) return 0;
            throw err;
          }
        };
        let blipIncidents = 0;
        for (let i = 0; i < blips; i++) {
          await sleep(Math.random() * intervalMs);
          const at = Date.now();
          simulator.setFault({ mode: 'terminal_disconnected' });
          await sleep(1_000);
          simulator.clearFaults();
          await sleep(intervalMs + tc.policy.confirmDelayMs + 2 * tc.target.probeTimeoutMs + 2_000);
          const opened = await incidentsSince(at);
          blipIncidents += opened;
          if (opened) await heal().terminate('bench: next blip').catch(() => undefined);
        }
        falseIncidents.push({ timings: label, pattern: `terminal drops for 1 s (× ${blips})`, incidents: blipIncidents });
        const monthEndAt = Date.now();
        simulator.setFault({ mode: 'live_zeros' });
        await sleep(60_000);
        simulator.clearFaults();
        falseIncidents.push({ timings: label, pattern: 'month end: every balance $0, live, for 60 s', incidents: await incidentsSince(monthEndAt) });
        await monitor.terminate('bench: next interval');
        const sorted = [...mine].sort((a, b) => a - b);
        const target = 10_000;
        rows.push({
          timings: label,
          interval,
          faults: sorted.length,
          p50_ms: percentile(sorted, 50),
          p95_ms: percentile(sorted, 95),
          max_ms: sorted[sorted.length - 1] as number,
          target_p95_ms: target,
          meets_target: percentile(sorted, 95) <= target ? 'yes' : 'no',
        });
      });
    }
  } finally {
    await simulator.close();
    await env.teardown();
  }
  console.table(rows);
  console.table(byKind);
  console.table(falseIncidents);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `detection-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ bench: 'detection', command: `npm run bench:detection${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`, at: new Date().toISOString(), summary: rows, byKind, falseIncidents, samples }, null, 2));
  console.log(`written: bench/results/${file.split('/').pop()}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
