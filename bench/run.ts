/**
 * `npm run bench`: the figures of docs/PERFORMANCE.md, produced by the code they describe.
 *
 *   npm run bench                      # quick (a few minutes, for CI): small N, short windows
 *   npm run bench -- --full            # the figures of the docs (about an hour on 2 cores)
 *   npm run bench -- --only scale      # one section: incidents | scale | cost | failover
 *   npm run bench -- --only incidents --ladder [--kinds terminal_disconnected,bridge_down] [--per-kind 1]
 *                                      # the remediation ladder (reinit, full-restart): rung per fault kind, downtime per rung
 *
 * Each section writes bench/results/<section>-<quick|full>-<time>.json and prints its table;
 * `npm run bench:docs` rewrites the tables of docs/PERFORMANCE.md from the latest full results.
 */
import * as os from 'node:os';
import { runCost } from './cost';
import { runFailover } from './failover';
import { runIncidents } from './incidents';
import { runScale, type ScaleRow } from './scale';
import { arg, flag, writeResult } from './lib/stats';

const full = flag('full');
const mode = full ? 'full' : 'quick';
const only = arg('only', '');
const command = `npm run bench${full ? ' -- --full' : ''}${only ? ` ${full ? '' : '-- '}--only ${only}` : ''}`;
const want = (section: string) => !only || only === section;
const s = (ms?: number) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);

async function main() {
  let port = Number(arg('port', '17233')); // --port: another bench may hold the default
  if (want('incidents')) {
    // Full: 32 faults (4 of each of the 8 CRITICAL kinds) on 8 targets, staggered, each restart 150 s.
    // More per kind (--per-kind 30) takes hours on 2 cores; more targets at once measures a burst, not an incident.
    const perKind = Number(arg('per-kind', full ? '4' : '1'));
    const ladder = flag('ladder');
    const kinds = arg('kinds', '').split(',').map((k) => k.trim()).filter(Boolean);
    const o = { perKind, targets: Number(arg('targets', '8')), restartMs: full ? 150_000 : 20_000, ladder, kinds };
    const r = await runIncidents({ ...o, port: port++ });
    console.table(
      (['detection', 'alert', 'dispatch', 'healthyToConfirmed', 'downtime'] as const).map((k) => ({ figure: k, n: r[k].n, p50: s(r[k].p50), p95: s(r[k].p95), max: s(r[k].max) })),
    );
    console.table(Object.entries(r.firstRungByKind).map(([kind, counts]) => ({ kind, firstRung: JSON.stringify(counts), downtimeP50: s(r.downtimeByKind[kind]?.p50) })));
    console.table(Object.entries(r.downtimeByRungs).map(([rungs, d]) => ({ rungs, n: d.n, p50: s(d.p50), p95: s(d.p95), max: s(d.max) })));
    const section = ladder ? 'incidents-ladder' : 'incidents';
    console.log(`written: ${writeResult(section, mode, { command: `${command}${ladder ? ' --ladder' : ''}${kinds.length ? ` --kinds ${kinds.join(',')}` : ''}`, machine: machine(), ...r })}`);
  }
  if (want('scale')) {
    const sizes = full ? [10, 100, 400] : [10];
    const windowMs = full ? 120_000 : 45_000;
    const rows: ScaleRow[] = [];
    for (const targets of sizes) rows.push(await runScale({ targets, shape: 'monitor', windowMs, faults: full ? 6 : 1, port: port++ }));
    console.table(rows.map(({ detectionMs: _d, ...r }) => ({ ...r, worker: `${r.worker.cpuPercentOfCore}% ${r.worker.rssPeakMb} MB`, server: `${r.server.cpuPercentOfCore}% ${r.server.rssPeakMb} MB`, perTarget: JSON.stringify(r.perTarget) })));
    console.log(`written: ${writeResult('scale', mode, { command, machine: machine(), rows })}`);
  }
  if (want('failover')) {
    // Full: 12 kills of the worker holding the watch, at the default timings (about 15 min).
    const r = await runFailover({ kills: Number(arg('kills', full ? '12' : '3')) });
    console.table({ faultToDispatch: { n: r.faultToDispatch.n, p50: s(r.faultToDispatch.p50), p95: s(r.faultToDispatch.p95), max: s(r.faultToDispatch.max) } });
    console.log(`written: ${writeResult('failover', mode, { command, machine: machine(), ...r })}`);
  }
  if (want('cost')) {
    const o = full
      ? { targets: 5, windowMs: 180_000, refreshMs: 60_000, restartMs: 150_000 }
      : { targets: 3, windowMs: 45_000, refreshMs: 20_000, restartMs: 10_000 };
    const r = await runCost({ ...o, port: port++ });
    console.table({ monitor: r.monitor.actionsPerHealthyHour, incident: r.incident.actions });
    console.log(`written: ${writeResult('cost', mode, { command, machine: machine(), ...r })}`);
  }
}

function machine() {
  // The machine is shared: the load average says how much else ran beside the benchmark.
  return { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 1e9), node: process.version, loadAverage1m: Math.round(os.loadavg()[0]! * 10) / 10 };
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
