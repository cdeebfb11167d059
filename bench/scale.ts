/**
 * Scale: N targets at the default CHECK_INTERVAL on this machine, dev server included, each target a
 * simulated bridge (one process hosts them all). The worker runs in a process of its own (the
 * product's worker, bench/scale-worker.ts), and so does the server, so that the CPU and memory
 * of each are read apart (/proc). Measured over a window after every monitor has probed once:
 *
 * - probes on time: for each target, every slot of its phase (t ≡ phase mod interval) in the
 *   window must see a health request within ON_TIME_MS;
 * - detection under load: faults injected one after another into random targets at random
 *   moments, fault → heal-<target> started;
 * - CPU (% of one core) and peak RSS of the worker and of the server, and per target.
 *
 *   npm run bench -- --only scale [--full]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { loadConfig } from '../src/config/load-config';
import { ensureMonitors } from '../src/client/monitors';
import { createBridgeSimulator, type BridgeSimulator } from '../src/simulator';
import { healingWorkflowId } from '../src/shared/names';
import { phaseOffsetMs } from '../src/shared/probe-phase';
import { startBenchServer } from './lib/dev-server';
import { sampler } from './lib/proc-stats';
import { percentile, sleep, summary } from './lib/stats';

/** The default CHECK_INTERVAL (a deployment that sets none). */
const INTERVAL_MS = loadConfig({}).targets[0]!.policy.checkIntervalMs;
/** A probe counts as on time when its request reaches the bridge within this of its slot. */
export const ON_TIME_MS = 2_000;

export interface ScaleRow {
  /** Always the long-lived monitor (results from before 1.0 also have per-run schedule rows). */
  shape: 'monitor';
  targets: number;
  windowS: number;
  /** CHECK_INTERVAL of the run, s (absent in results before it was recorded: 15). */
  intervalS?: number;
  probesExpected: number;
  probesOnTime: number;
  onTimePercent: number;
  lateP95Ms?: number;
  lateMaxMs?: number;
  faults: number;
  detectionMs: number[];
  detectionP95Ms?: number;
  worker: { cpuPercentOfCore: number; rssPeakMb: number };
  server: { cpuPercentOfCore: number; rssPeakMb: number };
  perTarget: { workerCpuPercent: number; serverCpuPercent: number; workerRssMb: number };
}

const FAULTS = ['terminal_disconnected', 'bridge_down', 'placeholder_zeros'] as const;

export async function runScale(options: { targets: number; shape: 'monitor'; windowMs: number; faults: number; port: number }): Promise<ScaleRow> {
  const { targets: count, shape, windowMs } = options;
  const server = await startBenchServer(options.port);
  const dir = mkdtempSync(join(tmpdir(), 'autoheal-scale-'));
  const requests = new Map<string, number[]>();
  const bridges: BridgeSimulator[] = [];
  let worker: ChildProcess | undefined;
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  try {
    const ids = Array.from({ length: count }, (_, i) => `bench-${i}`);
    for (const id of ids) {
      const times: number[] = [];
      requests.set(id, times);
      bridges.push(await createBridgeSimulator({ onRequest: (kind, at) => kind === 'health' && times.push(at) }));
    }
    const file = join(dir, 'targets.yaml');
    writeFileSync(file, `targets:\n${ids.map((id, i) => `  - id: ${id}\n    url: ${bridges[i]!.url}\n`).join('')}`);
    const env = {
      PATH: process.env.PATH,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: 'bench-scale',
      AUTOHEAL_TARGETS_FILE: file,
      CHECK_INTERVAL: `${INTERVAL_MS / 1000}s`,
      REMEDIATION: 'none',
      WARNING_HOLD: '2m',
      // faults go one after another into random targets: not a common cause
      FLEET_BREAKER: 'off',
    };
    const config = loadConfig(env);
    worker = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, 'scale-worker.ts')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((ok, fail) => {
      worker!.stdout!.on('data', (c: Buffer) => c.toString().includes('worker ready') && ok());
      worker!.once('exit', (code) => fail(new Error(`the bench worker exited (${code})`)));
    });
    await ensureMonitors(client, config.targets, 'bench-scale');

    // Warm-up: every target probed at least once, then one more interval.
    const warmDeadline = Date.now() + 120_000;
    while ([...requests.values()].some((t) => t.length === 0) && Date.now() < warmDeadline) await sleep(500);
    await sleep(INTERVAL_MS);

    const start = Date.now();
    const end = start + windowMs;
    const workerStats = sampler(worker.pid as number);
    const serverStats = sampler(server.pid);

    // Faults, one after another, on random targets.
    const detectionMs: number[] = [];
    const faultLoop = (async () => {
      for (let i = 0; i < options.faults && Date.now() < end - 45_000; i++) {
        await sleep(Math.random() * INTERVAL_MS);
        const k = Math.floor(Math.random() * count);
        const id = ids[k] as string;
        const injectedAt = Date.now();
        bridges[k]!.setFault({ mode: FAULTS[i % FAULTS.length] });
        let detected: number | undefined;
        while (!detected && Date.now() - injectedAt < 120_000) {
          try {
            const d = await client.workflow.getHandle(healingWorkflowId(id, 'bench-scale')).describe();
            if (d.startTime.getTime() >= injectedAt - 1_000) detected = d.startTime.getTime();
          } catch (err) {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          }
          if (!detected) await sleep(200);
        }
        bridges[k]!.clearFaults();
        await client.workflow.getHandle(healingWorkflowId(id, 'bench-scale')).terminate('bench: next fault').catch(() => undefined);
        if (detected) detectionMs.push(detected - injectedAt);
        process.stderr.write(`  scale ${shape} ${count}: fault ${i + 1} on ${id}: ${detected ? `${detected - injectedAt} ms` : 'NOT detected in 120 s'}\n`);
      }
    })();
    await sleep(windowMs);
    await faultLoop;
    const w = workerStats.stop();
    const s = serverStats.stop();

    // Probes on time, over [start, end): each slot of each target's phase.
    let expected = 0;
    let onTime = 0;
    const late: number[] = [];
    for (const id of ids) {
      const times = requests.get(id) as number[];
      const phase = phaseOffsetMs(id, INTERVAL_MS);
      const first = Math.ceil((start - phase) / INTERVAL_MS) * INTERVAL_MS + phase;
      for (let slot = first; slot + ON_TIME_MS < end; slot += INTERVAL_MS) {
        expected++;
        const hit = times.find((t) => t >= slot - 50 && t < slot + INTERVAL_MS - 50);
        if (hit !== undefined) late.push(Math.max(0, hit - slot));
        if (hit !== undefined && hit - slot <= ON_TIME_MS) onTime++;
      }
    }
    const per = (v: number) => Math.round((v / count) * 1000) / 1000;
    return {
      shape,
      targets: count,
      windowS: Math.round(windowMs / 1000),
      intervalS: INTERVAL_MS / 1000,
      probesExpected: expected,
      probesOnTime: onTime,
      onTimePercent: Math.round((onTime / Math.max(1, expected)) * 10_000) / 100,
      lateP95Ms: percentile(late, 95),
      lateMaxMs: percentile(late, 100),
      faults: detectionMs.length,
      detectionMs,
      detectionP95Ms: summary(detectionMs).p95,
      worker: w,
      server: s,
      perTarget: { workerCpuPercent: per(w.cpuPercentOfCore), serverCpuPercent: per(s.cpuPercentOfCore), workerRssMb: per(w.rssPeakMb) },
    };
  } finally {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker!.once('exit', r));
      worker.kill('SIGTERM');
      const timer = setTimeout(() => worker!.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    await connection.close();
    await Promise.all(bridges.map((b) => b.close()));
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
