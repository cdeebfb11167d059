/**
 * `npm run bench:docs`: rewrites the generated tables of docs/PERFORMANCE.md (between
 * `<!-- bench:<section> -->` and `<!-- /bench:<section> -->`) from the latest full results in
 * bench/results, with the command that produced them and the promise each figure answers.
 * Nothing in those tables is typed by hand.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_DIR, summary } from './lib/stats';

type Summary = { n: number; p50?: number; p95?: number; max?: number };
const DOC = join(__dirname, '..', 'docs', 'PERFORMANCE.md');

function latest(section: string): { file: string; data: Record<string, unknown> } | undefined {
  const files = readdirSync(RESULTS_DIR)
    .filter((f) => f.startsWith(`${section}-full-`) && f.endsWith('.json'))
    .sort();
  const file = files[files.length - 1];
  return file ? { file, data: JSON.parse(readFileSync(join(RESULTS_DIR, file), 'utf8')) as Record<string, unknown> } : undefined;
}

const s = (ms?: number) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`);
const ms = (v?: number) => (v === undefined ? '–' : v < 1000 ? `${Math.round(v)} ms` : s(v));
const ok = (pass: boolean) => (pass ? '✅' : '❌');
const source = (r: { file: string; data: Record<string, unknown> }) => {
  const m = r.data.machine as { cpus?: number; loadAverage1m?: number } | undefined;
  return `\`${String(r.data.command)}\` → \`bench/results/${r.file}\` (${m?.cpus ?? '?'} cores, load average ${m?.loadAverage1m ?? '?'} at the start: the machine is shared)`;
};

/** The downtime per fault kind of an incidents run (older runs kept only their samples). */
function downtimeByKindOf(data: Record<string, unknown>): Record<string, Summary> {
  if (data.downtimeByKind) return data.downtimeByKind as Record<string, Summary>;
  const samples = (data.samples ?? []) as Array<{ kind: string; downtimeMs?: number }>;
  const kinds = [...new Set(samples.map((x) => x.kind))];
  return Object.fromEntries(kinds.map((k) => [k, summary(samples.filter((x) => x.kind === k && x.downtimeMs !== undefined).map((x) => x.downtimeMs as number))]));
}

function incidents(): string {
  const r = latest('incidents');
  if (!r) return '_No full run yet: `npm run bench -- --full --only incidents`._';
  const d = r.data as unknown as Record<string, Summary> & { restartMs: number; perKind: number; incidents: number; recovered: number; detectionByKind: Record<string, Summary> };
  const row = (name: string, x: Summary, promise: string, pass: boolean | undefined) =>
    `| ${name} | ${x.n} | ${s(x.p50)} | ${s(x.p95)} | ${s(x.max)} | ${promise} | ${pass === undefined ? '' : ok(pass)} |`;
  const lines = [
    `${source(r)}: ${d.incidents} incidents (${d.perKind} of each kind), ${d.recovered} RECOVERED; each restart takes ${s(d.restartMs)} (the terminal back, then 10 s of placeholder data).`,
    '',
    '| figure | n | p50 | p95 | max | seed / acceptance | |',
    '|---|---|---|---|---|---|---|',
    row('detection (fault → incident opened)', d.detection!, 'seed < 30 s; p95 ≤ 10 s at the defaults', (d.detection!.p95 ?? Infinity) <= 10_000),
    row('→ CRITICAL email accepted by SMTP', d.alert!, 'seed: alert < 45 s after the failure; p95 ≤ 2 s after detection', (d.alert!.p95 ?? Infinity) <= 2_000),
    row('→ restart accepted by the bridge', d.dispatch!, 'p95 ≤ 2 s after detection', (d.dispatch!.p95 ?? Infinity) <= 2_000),
    row('bridge healthy → recovery confirmed', d.healthyToConfirmed!, '≤ one VERIFY_INTERVAL (15 s)', (d.healthyToConfirmed!.p95 ?? Infinity) <= 15_000),
    row(`downtime (fault → confirmed), ${s(d.restartMs)} restart`, d.downtime!, 'seed: recovery < 5 min; p95 ≤ 4 min', (d.downtime!.p95 ?? Infinity) <= 240_000),
    '',
    '| fault kind | n | detection p50 | p95 | max |',
    '|---|---|---|---|---|',
    ...Object.entries(d.detectionByKind).map(([k, x]) => `| ${k} | ${x.n} | ${s(x.p50)} | ${s(x.p95)} | ${s(x.max)} |`),
  ];
  return lines.join('\n');
}

/**
 * The remediation ladder against the full restart alone: the first rung per fault kind and the
 * downtime each rung path gave (`--ladder`), next to the same kinds' downtime without it (the
 * latest full `incidents` run).
 */
function incidentsLadder(): string {
  const r = latest('incidents-ladder');
  if (!r) return '_No full run yet: `npm run bench -- --full --only incidents --ladder`._';
  const d = r.data as unknown as {
    restartMs: number; reinitMs: number; perKind: number; incidents: number; recovered: number;
    firstRungByKind: Record<string, Record<string, number>>; downtimeByRungs: Record<string, Summary>; downtimeByKind: Record<string, Summary>;
  };
  const aloneRun = latest('incidents');
  const alone = aloneRun && downtimeByKindOf(aloneRun.data);
  return [
    `${source(r)}: ${d.incidents} incidents (${d.perKind} of each kind), ${d.recovered} RECOVERED; REMEDIATION_LADDER=reinit,full-restart; a reinit heals in ${s(d.reinitMs)}, a full restart in ${s(d.restartMs)}.`,
    '',
    ...(aloneRun ? [`The full restart alone: \`bench/results/${aloneRun.file}\` (the same ${s(Number(aloneRun.data.restartMs))} restart).`, ''] : []),
    '| fault kind | first rung | downtime p50 with the ladder | p95 | full restart alone p50 |',
    '|---|---|---|---|---|',
    ...Object.entries(d.firstRungByKind).map(([k, counts]) => {
      const x = d.downtimeByKind[k] ?? { n: 0 };
      return `| ${k} | ${Object.entries(counts).map(([rung, n]) => `${rung} (${n})`).join(', ')} | ${s(x.p50)} | ${s(x.p95)} | ${s(alone?.[k]?.p50)} |`;
    }),
    '',
    '| rungs taken | n | downtime p50 | p95 | max |',
    '|---|---|---|---|---|',
    ...Object.entries(d.downtimeByRungs).map(([k, x]) => `| ${k} | ${x.n} | ${s(x.p50)} | ${s(x.p95)} | ${s(x.max)} |`),
  ].join('\n');
}

function scale(): string {
  const r = latest('scale');
  if (!r) return '_No full run yet: `npm run bench -- --full --only scale`._';
  type Row = {
    shape: string; targets: number; windowS: number; intervalS?: number; probesExpected: number; probesOnTime: number; onTimePercent: number; lateP95Ms?: number; lateMaxMs?: number;
    faults: number; detectionMs: number[]; detectionP95Ms?: number; worker: { cpuPercentOfCore: number; rssPeakMb: number }; server: { cpuPercentOfCore: number; rssPeakMb: number };
    perTarget: { workerCpuPercent: number; serverCpuPercent: number; workerRssMb: number };
  };
  const rows = (r.data.rows as Row[]).map((x) => {
    const accept = x.targets === 400 ? ` ${ok(x.onTimePercent >= 99 && (x.detectionP95Ms ?? Infinity) <= 10_000)}` : '';
    return `| ${x.shape === 'monitor' ? 'long-lived monitor' : 'per-run schedule (legacy)'} | ${x.targets} | ${x.probesOnTime} / ${x.probesExpected} (${x.onTimePercent}%) | ${ms(x.lateP95Ms)} / ${ms(x.lateMaxMs)} | ${x.detectionMs.map((v) => s(v)).join(', ') || '–'} (p95 ${s(x.detectionP95Ms)}) | ${x.worker.cpuPercentOfCore}%, ${x.worker.rssPeakMb} MB | ${x.server.cpuPercentOfCore}%, ${x.server.rssPeakMb} MB | ${x.perTarget.workerCpuPercent}% / ${x.perTarget.serverCpuPercent}% |${accept} |`;
  });
  return [
    `${source(r)}; CHECK_INTERVAL ${(r.data.rows as Row[])[0]?.intervalS ?? 15} s, a window of ${(r.data.rows as Row[])[0]?.windowS ?? '?'} s per row. A probe is on time when it reaches its bridge within 2 s of its slot.`,
    '',
    '| shape | targets | probes on time / expected | lateness p95 / max | detection of faults injected under load | worker CPU (of a core), peak RSS | server CPU, peak RSS | per target: worker / server CPU | 400: ≥ 99% on time, detection p95 ≤ 10 s |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function cost(): string {
  const r = latest('cost');
  if (!r) return '_No full run yet: `npm run bench -- --full --only cost`._';
  const d = r.data as unknown as {
    monitor: { targets: number; windowS: number; refreshS: number; heartbeatsPerHour: number; actionsPerCycle: number; eventsPerCycle: number; quietActions: number; actionsPerHealthyHour: number; eventsPerHealthyHour: number };
    schedule?: { actionsPerRun: number; actionsPerHealthyHour: number; eventsPerHealthyHour: number; byKind: Record<string, number> };
    incident: { restartS: number; durationS: number; actions: number; heartbeats: number; events: number; byWorkflow: Record<string, number> };
  };
  const m = d.monitor;
  return [
    `${source(r)}.`,
    '',
    '| shape | billable actions per healthy target-hour | history events per healthy target-hour | how | ≤ 300 |',
    '|---|---|---|---|---|',
    `| long-lived monitor | ${m.actionsPerHealthyHour} | ${m.eventsPerHealthyHour} | ${m.heartbeatsPerHour} heartbeats/h reaching the server (measured over ${m.windowS} s on ${m.targets} targets; ${m.quietActions} other actions in that window) + ${m.actionsPerCycle} actions and ${m.eventsPerCycle} events per hourly hand-back (measured with the hand-back shortened to ${m.refreshS} s) | ${ok(m.actionsPerHealthyHour <= 300)} |`,
    ...(d.schedule
      ? [`| per-run schedule (legacy) | ${d.schedule.actionsPerHealthyHour} | ${d.schedule.eventsPerHealthyHour} | ${d.schedule.actionsPerRun} actions per run: ${Object.entries(d.schedule.byKind).map(([k, v]) => `${k} ${v}`).join(', ')} | ${ok(d.schedule.actionsPerHealthyHour <= 300)} |`]
      : []),
    '',
    `One healed incident (terminal disconnected, restart of ${d.incident.restartS} s, closed after ${d.incident.durationS} s): ${d.incident.actions} billable actions (${d.incident.heartbeats} of them heartbeats) and ${d.incident.events} history events, by workflow type: ${Object.entries(d.incident.byWorkflow).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
  ].join('\n');
}

function failover(): string {
  const r = latest('failover');
  if (!r) return '_No full run yet: `npm run bench -- --full --only failover`._';
  const d = r.data as unknown as { kills: number; heartbeatTimeoutMs: number; checkIntervalMs: number; confirmDelayMs: number; probeTimeoutMs: number; faultToDispatch: Summary };
  const f = d.faultToDispatch;
  return [
    `${source(r)}; defaults CHECK_INTERVAL ${s(d.checkIntervalMs)}, CONFIRM_DELAY ${s(d.confirmDelayMs)}, PROBE_TIMEOUT ${s(d.probeTimeoutMs)}, watch heartbeat timeout ${s(d.heartbeatTimeoutMs)}.`,
    '',
    '| kills | fault → restart request p50 | p95 | max | p95 ≤ 30 s |',
    '|---|---|---|---|---|',
    `| ${f.n} | ${s(f.p50)} | ${s(f.p95)} | ${s(f.max)} | ${ok((f.p95 ?? Infinity) <= 30_000)} |`,
  ].join('\n');
}

let doc = readFileSync(DOC, 'utf8');
for (const [section, render] of [['incidents', incidents], ['incidents-ladder', incidentsLadder], ['scale', scale], ['cost', cost], ['failover', failover]] as const) {
  const open = `<!-- bench:${section} -->`;
  const close = `<!-- /bench:${section} -->`;
  const a = doc.indexOf(open);
  const b = doc.indexOf(close);
  if (a < 0 || b < a) throw new Error(`docs/PERFORMANCE.md has no ${open} … ${close} block`);
  doc = `${doc.slice(0, a + open.length)}\n${render()}\n${doc.slice(b)}`;
}
writeFileSync(DOC, doc);
console.log('docs/PERFORMANCE.md: tables rewritten from the latest full results');
