/**
 * The report's arithmetic over a target's roll-up (src/workflows/rollup.ts): uptime against the
 * 99.99 % objective, error budget, coverage, incident times (MTTD, MTTA, MTTR), auto-heal rate,
 * daily strip. Pure functions over plain data; the CLI, the dashboard, the roll-up workflow and
 * the tests share them.
 *
 * Four states of time, never mixed (docs/operator.md); where two apply, the first one wins:
 * - down: an incident, from its first CRITICAL sighting to its confirmed recovery (open
 *   incidents: to now), whether or not a probe ran meanwhile;
 * - maintenance: the target's monitor was paused (a maintenance window);
 * - unknown: no probe within two check intervals: the worker was down, the monitor stuck or
 *   terminated, the product not yet installed;
 * - up: probed, and none of the above.
 * Measured = up + down. Uptime % = up / measured (none when nothing was measured); coverage =
 * measured / period, and below MIN_COVERAGE the views say "not enough measured time" instead of a
 * percentage. The error budget, (1 − 99.99 %) × period, is charged with down time only: unknown
 * and maintenance never spend it.
 * - MTTD: first CRITICAL sighting → incident opened (confirmed); MTTA: first sighting → CRITICAL
 *   email accepted by the SMTP server; MTTR: first sighting → incident closed.
 */
import type { IncidentFacts } from './contracts/rollup';
import type { Rung } from './types';

export const SLO_OBJECTIVE = 0.9999;
export const DAY_MS = 86_400_000;
/** Below this share of measured time, a period's uptime is "not enough measured time". */
export const MIN_COVERAGE = 0.5;
/** What the views say instead of an uptime figure when coverage is below MIN_COVERAGE. */
export const NOT_ENOUGH_MEASURED = 'not enough measured time';

type Span = [number, number];

/** The monitor right now (its heartbeat or state): the part not yet recorded in the roll-up. */
export interface LiveMonitor {
  /** Start of the current run of probes without a gap (ISO). */
  probingSince?: string;
  /** The latest probe (ISO). */
  lastProbeAt?: string;
  /** False when the latest probe is too old to vouch for the time since (no worker probing). */
  fresh: boolean;
  /** Start of the current pause (ISO), while paused. */
  pausedSince?: string;
}

export interface RollupFacts {
  /** Time covered by probes, no gap wider than two check intervals inside a span (ISO pairs). */
  measured: Array<[string, string]>;
  /** Maintenance windows (ISO pairs). Absent in roll-ups from before maintenance was recorded. */
  maintenance?: Array<[string, string]>;
  incidents: IncidentFacts[];
  /** Two check intervals: a probe this close to a span joins it. */
  maxGapMs?: number;
  live?: LiveMonitor;
}

export interface UptimeFigures {
  periodMs: number;
  upMs: number;
  downMs: number;
  unknownMs: number;
  maintenanceMs: number;
  /** up + down: the time uptime is computed over. */
  measuredMs: number;
  /** measured / period × 100. */
  coveragePct: number;
  /** coverage ≥ MIN_COVERAGE: below, the views show NOT_ENOUGH_MEASURED instead of uptimePct. */
  enoughCoverage: boolean;
  /** up / measured × 100; null when nothing was measured. */
  uptimePct: number | null;
  objectivePct: number;
  /** (1 − objective) × period. */
  errorBudgetMs: number;
  /** errorBudget − down: negative only when real downtime spent more than the budget. */
  errorBudgetLeftMs: number;
}

export interface Percentiles {
  count: number;
  p50Ms?: number;
  p95Ms?: number;
  maxMs?: number;
}

export interface IncidentFiguresSummary {
  incidents: number;
  open: number;
  mttd: Percentiles;
  mtta: Percentiles;
  mttr: Percentiles;
  autoHealed: number;
  /** autoHealed / closed, 0..1; undefined when none closed. */
  autoHealRate?: number;
  escalations: number;
  escalationCauses: Record<string, number>;
}

/** One rung's figures over a set of tries (src/shared/rung-stats.ts computes them). */
export interface RungFigures {
  rung: Rung;
  /** The target, or absent for the figures over every target. */
  target?: string;
  tries: number;
  heals: number;
  /** heals / tries, 0..1; undefined without tries. */
  successRate?: number;
  timeToRecovery: Percentiles;
  /** Over the last 30 days (RUNG_FLAG_WINDOW_MS): tries, heals and whether the rung is flagged. */
  last30d: { tries: number; heals: number; successRate?: number };
  /** Why the rung is flagged, in words; absent when it is not. */
  flag?: string;
}

/** `autoheal report --json`: the shapes of docs/operator.md. */
export interface ReportWindows {
  '24h': UptimeFigures;
  '7d': UptimeFigures;
  '30d': UptimeFigures;
}

export interface TargetReport {
  target: string;
  uptime: ReportWindows;
  /** The figures over the report's --days. */
  period: UptimeFigures;
  incidents: IncidentFiguresSummary;
  days: DayCell[];
}

export interface Report {
  generatedAt: string;
  days: number;
  objectivePct: number;
  targets: TargetReport[];
  /**
   * Each rung of the remediation ladder tried in the period, per target then overall (no
   * `target`): tries, heals, time to recovery, and a flag when its 30-day success rate fell below
   * RUNG_SUCCESS_THRESHOLD (src/shared/rung-stats.ts). Absent in reports from before the ladder.
   */
  rungs?: RungFigures[];
  overall: { uptime: ReportWindows; period: UptimeFigures; incidents: IncidentFiguresSummary };
}

export interface DayCell {
  /** YYYY-MM-DD (UTC). */
  day: string;
  upMs: number;
  downMs: number;
  unknownMs: number;
  maintenanceMs: number;
  /** up + down. */
  measuredMs: number;
}

const ms = (iso: string | undefined): number => (iso ? Date.parse(iso) : Number.NaN);

/** Sorted, overlapping spans (and those at most `gapMs` apart) joined. */
function merge(spans: Span[], gapMs = 0): Span[] {
  const sorted = spans
    .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b) && b >= a)
    .sort((x, y) => x[0] - y[0]);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s[0] <= last[1] + gapMs) last[1] = Math.max(last[1], s[1]);
    else out.push([s[0], s[1]]);
  }
  return out;
}

/** The same over ISO pairs (the roll-up workflow keeps them so). Workflow-safe. */
export function mergeIsoSpans(spans: Array<[string, string]>, gapMs = 0): Array<[string, string]> {
  return merge(
    spans.map(([a, b]): Span => [ms(a), ms(b)]),
    gapMs,
  ).map(([a, b]) => [new Date(a).toISOString(), new Date(b).toISOString()]);
}

function clip(spans: Span[], [from, to]: Span): Span[] {
  return spans.map(([a, b]): Span => [Math.max(a, from), Math.min(b, to)]).filter(([a, b]) => b > a);
}

function total(spans: Span[]): number {
  return spans.reduce((sum, [a, b]) => sum + (b - a), 0);
}

function intersect(x: Span[], y: Span[]): Span[] {
  const out: Span[] = [];
  for (const a of x)
    for (const b of y) {
      const lo = Math.max(a[0], b[0]);
      const hi = Math.min(a[1], b[1]);
      if (hi > lo) out.push([lo, hi]);
    }
  return merge(out);
}

/** Probed spans: the recorded ones and the monitor's current run (to now while its probes are fresh). */
export function measuredSpans(facts: RollupFacts, nowMs: number): Span[] {
  const spans: Span[] = facts.measured.map(([a, b]) => [ms(a), ms(b)]);
  const live = facts.live;
  const last = ms(live?.lastProbeAt);
  if (live && Number.isFinite(last)) {
    const since = ms(live.probingSince);
    spans.push([
      Number.isFinite(since) ? Math.min(since, last) : last,
      live.fresh ? Math.max(last, nowMs) : last,
    ]);
  }
  return merge(spans, facts.maxGapMs ?? 0);
}

export function maintenanceSpans(facts: RollupFacts, nowMs: number): Span[] {
  const spans: Span[] = (facts.maintenance ?? []).map(([a, b]) => [ms(a), ms(b)]);
  const paused = ms(facts.live?.pausedSince);
  if (Number.isFinite(paused)) spans.push([paused, nowMs]);
  return merge(spans);
}

export function downSpans(incidents: IncidentFacts[], nowMs: number): Span[] {
  return merge(
    incidents.map((i): Span => [ms(i.detectedAt), Number.isFinite(ms(i.closedAt)) ? ms(i.closedAt) : nowMs]),
  );
}

/** The four states of one window, in ms: down, then maintenance, then up (probed); the rest unknown. */
export function timeStates(
  facts: RollupFacts,
  window: Span,
  nowMs: number,
): Pick<DayCell, 'upMs' | 'downMs' | 'unknownMs' | 'maintenanceMs'> {
  const down = clip(downSpans(facts.incidents, nowMs), window);
  const maintenance = clip(maintenanceSpans(facts, nowMs), window);
  const probed = clip(measuredSpans(facts, nowMs), window);
  const downMs = total(down);
  const maintenanceMs = total(maintenance) - total(intersect(maintenance, down));
  const upMs = total(probed) - total(intersect(probed, merge([...down, ...maintenance])));
  return {
    upMs,
    downMs,
    maintenanceMs,
    unknownMs: Math.max(0, window[1] - window[0] - downMs - maintenanceMs - upMs),
  };
}

/** Uptime, coverage and error budget from the four states (also sums of several targets'). */
export function figuresOf(
  s: Pick<UptimeFigures, 'periodMs' | 'upMs' | 'downMs' | 'unknownMs' | 'maintenanceMs'>,
): UptimeFigures {
  const measuredMs = s.upMs + s.downMs;
  const errorBudgetMs = s.periodMs * (1 - SLO_OBJECTIVE);
  return {
    periodMs: s.periodMs,
    upMs: s.upMs,
    downMs: s.downMs,
    unknownMs: s.unknownMs,
    maintenanceMs: s.maintenanceMs,
    measuredMs,
    coveragePct: s.periodMs > 0 ? (measuredMs / s.periodMs) * 100 : 0,
    enoughCoverage: s.periodMs > 0 && measuredMs / s.periodMs >= MIN_COVERAGE,
    uptimePct: measuredMs > 0 ? (s.upMs / measuredMs) * 100 : null,
    objectivePct: SLO_OBJECTIVE * 100,
    errorBudgetMs,
    errorBudgetLeftMs: errorBudgetMs - s.downMs,
  };
}

export function uptime(facts: RollupFacts, window: Span, nowMs: number): UptimeFigures {
  return figuresOf({ periodMs: window[1] - window[0], ...timeStates(facts, window, nowMs) });
}

/** "99.995% (coverage 98.2%)", or "not enough measured time (coverage 0.1%)": every view says it so. */
export function uptimeText(f: Pick<UptimeFigures, 'uptimePct' | 'coveragePct' | 'enoughCoverage'>): string {
  const coverage = `coverage ${f.coveragePct > 0 && f.coveragePct < 0.1 ? '<0.1' : f.coveragePct.toFixed(1)}%`;
  return f.enoughCoverage && f.uptimePct !== null
    ? `${f.uptimePct.toFixed(3)}% (${coverage})`
    : `${NOT_ENOUGH_MEASURED} (${coverage})`;
}

/** Nearest-rank percentiles. */
export function percentiles(values: number[]): Percentiles {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return { count: 0 };
  const rank = (p: number): number => v[Math.max(0, Math.ceil(p * v.length) - 1)] as number;
  return { count: v.length, p50Ms: rank(0.5), p95Ms: rank(0.95), maxMs: v[v.length - 1] };
}

export function incidentFigures(incidents: IncidentFacts[]): IncidentFiguresSummary {
  const closed = incidents.filter((i) => i.closedAt);
  const autoHealed = closed.filter((i) => i.autoHealed).length;
  const escalationCauses: Record<string, number> = {};
  for (const i of incidents)
    if (i.escalation)
      escalationCauses[i.escalation.reason] = (escalationCauses[i.escalation.reason] ?? 0) + 1;
  return {
    incidents: incidents.length,
    open: incidents.length - closed.length,
    mttd: percentiles(incidents.map((i) => ms(i.openedAt) - ms(i.detectedAt))),
    mtta: percentiles(incidents.map((i) => ms(i.alertedAt) - ms(i.detectedAt))),
    mttr: percentiles(closed.map((i) => ms(i.closedAt) - ms(i.detectedAt))),
    autoHealed,
    autoHealRate: closed.length ? autoHealed / closed.length : undefined,
    escalations: incidents.filter((i) => i.escalation).length,
    escalationCauses,
  };
}

/** One cell per UTC day, oldest first, the last being today (up to now). */
export function dailyStrip(facts: RollupFacts, days: number, nowMs: number): DayCell[] {
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const cells: DayCell[] = [];
  for (let d = days - 1; d >= 0; d--) {
    const from = today - d * DAY_MS;
    const to = Math.min(from + DAY_MS, nowMs);
    const states = timeStates(facts, [from, to], nowMs);
    cells.push({
      day: new Date(from).toISOString().slice(0, 10),
      ...states,
      measuredMs: states.upMs + states.downMs,
    });
  }
  return cells;
}
