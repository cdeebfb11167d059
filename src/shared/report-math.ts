/**
 * The report's arithmetic over a target's roll-up (src/workflows/rollup.ts): uptime against the
 * 99.99 % objective, error budget, incident times (MTTD, MTTA, MTTR), auto-heal rate, daily
 * strip. Pure functions over plain data; the CLI, the dashboard and the tests share them.
 *
 * Definitions (docs/operator.md):
 * - measured time: the spans the roll-up saw ticking (a worker ran); the rest of a period is
 *   unknown, and unknown is never up.
 * - down: from an incident's detection to its close (open incidents: to now), within measured time.
 * - uptime % = up / period, up = measured − down; error budget = (1 − 99.99 %) × period; budget
 *   left = budget − (period − up), i.e. down and unknown both spend it.
 * - MTTD: first CRITICAL sighting → incident opened (confirmed); MTTA: detection → CRITICAL email
 *   accepted by the SMTP server; MTTR: detection → incident closed.
 */

export const SLO_OBJECTIVE = 0.9999;
export const DAY_MS = 86_400_000;

type Span = [number, number];

export interface RollupFacts {
  measured: Array<[string, string]>;
  incidents: IncidentFacts[];
  tickMs?: number;
  lastTickAt?: string;
}

export interface IncidentFacts {
  incidentId: string;
  targetId: string;
  outcome: 'RECOVERED' | 'RESOLVED' | 'HEALING' | 'ESCALATED';
  detectedAt: string;
  openedAt: string;
  alertedAt?: string;
  dispatchedAt?: string;
  closedAt?: string;
  acknowledged?: { by: string; at: string };
  resolvedBy?: string;
  attempts: number;
  forcedBy: string[];
  escalation?: { at: string; reason: string };
  autoHealed: boolean;
  method?: string;
}

export interface UptimeFigures {
  periodMs: number;
  measuredMs: number;
  unknownMs: number;
  downMs: number;
  upMs: number;
  /** up / period × 100 (unknown is never up). */
  uptimePct: number;
  objectivePct: number;
  errorBudgetMs: number;
  /** Negative when the budget is spent. */
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

export interface DayCell {
  /** YYYY-MM-DD (UTC). */
  day: string;
  measuredMs: number;
  downMs: number;
  unknownMs: number;
}

const ms = (iso: string | undefined): number => (iso ? Date.parse(iso) : Number.NaN);

function merge(spans: Span[]): Span[] {
  const sorted = spans.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else out.push([s[0], s[1]]);
  }
  return out;
}

function clip(spans: Span[], [from, to]: Span): Span[] {
  return spans.map(([a, b]): Span => [Math.max(a, from), Math.min(b, to)]).filter(([a, b]) => b > a);
}

function total(spans: Span[]): number {
  return spans.reduce((sum, [a, b]) => sum + (b - a), 0);
}

function intersect(x: Span[], y: Span[]): Span[] {
  const out: Span[] = [];
  for (const a of x) for (const b of y) {
    const lo = Math.max(a[0], b[0]);
    const hi = Math.min(a[1], b[1]);
    if (hi > lo) out.push([lo, hi]);
  }
  return merge(out);
}

/** Measured spans, the running one extended to now while the roll-up still ticks on time. */
export function measuredSpans(facts: RollupFacts, nowMs: number): Span[] {
  const spans: Span[] = facts.measured.map(([a, b]) => [ms(a), ms(b)]);
  const last = ms(facts.lastTickAt);
  if (facts.tickMs && Number.isFinite(last) && nowMs - last <= 1.5 * facts.tickMs) spans.push([last, nowMs]);
  return merge(spans);
}

export function downSpans(incidents: IncidentFacts[], nowMs: number): Span[] {
  return merge(incidents.map((i): Span => [ms(i.detectedAt), Number.isFinite(ms(i.closedAt)) ? ms(i.closedAt) : nowMs]));
}

export function uptime(facts: RollupFacts, window: Span, nowMs: number): UptimeFigures {
  const periodMs = window[1] - window[0];
  const measured = clip(measuredSpans(facts, nowMs), window);
  const measuredMs = total(measured);
  const downMs = total(intersect(measured, clip(downSpans(facts.incidents, nowMs), window)));
  const upMs = measuredMs - downMs;
  const errorBudgetMs = periodMs * (1 - SLO_OBJECTIVE);
  return {
    periodMs,
    measuredMs,
    unknownMs: periodMs - measuredMs,
    downMs,
    upMs,
    uptimePct: periodMs > 0 ? (upMs / periodMs) * 100 : 0,
    objectivePct: SLO_OBJECTIVE * 100,
    errorBudgetMs,
    errorBudgetLeftMs: errorBudgetMs - (periodMs - upMs),
  };
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
  for (const i of incidents) if (i.escalation) escalationCauses[i.escalation.reason] = (escalationCauses[i.escalation.reason] ?? 0) + 1;
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
  const measured = measuredSpans(facts, nowMs);
  const down = downSpans(facts.incidents, nowMs);
  const cells: DayCell[] = [];
  for (let d = days - 1; d >= 0; d--) {
    const from = today - d * DAY_MS;
    const to = Math.min(from + DAY_MS, nowMs);
    const m = clip(measured, [from, to]);
    const measuredMs = total(m);
    cells.push({
      day: new Date(from).toISOString().slice(0, 10),
      measuredMs,
      downMs: total(intersect(m, clip(down, [from, to]))),
      unknownMs: to - from - measuredMs,
    });
  }
  return cells;
}
