/**
 * The weekly and monthly digests (pure, workflow-safe plain data): what `autoheal report --digest`
 * prints and the digest email says. The figures are `autoheal report --json`'s own: a digest
 * carries the Report computed by the same code (src/client/operator-views.ts over
 * src/shared/report-math.ts) over the days that end at the digest's instant. The rest is read
 * beside it: the incidents of the period with their detection and recovery times, WARNING counts
 * by condition against the period before (from the in-app feed), the restart job's runs (the
 * GitHub Actions API), the rungs that stopped working (a hook: empty until the remediation ladder
 * records rung outcomes), the GITHUB_TOKEN's expiry, and for the month the downtime against the
 * seed's 4.38-minute budget and the failure patterns. Nothing here ever holds a secret.
 */
import { DateTime } from 'luxon';
import type { IncidentFacts } from './contracts/rollup';
import type { DigestPeriod } from './digest-schedule';
import { type Report, SLO_OBJECTIVE } from './report-math';

/** The seed's "Acceptable Downtime: 4.38 minutes/month": 0.01 % of an average month (30.44 days). */
export const MONTHLY_BUDGET_MS = Math.round((1 - SLO_OBJECTIVE) * (365.25 / 12) * 86_400_000);

/** The target id of the product's own notices (the token warnings' and the fleet breaker's): digests go to its alert delivery. */
export const DIGEST_NOTICE_TARGET = 'fleet';

/** One incident of the period: when it was seen, how long detection and recovery took. */
export interface DigestIncident {
  incidentId: string;
  target: string;
  outcome: IncidentFacts['outcome'];
  detectedAt: string;
  /** First sighting → incident opened (MTTD of this one). */
  detectionMs?: number;
  /** First sighting → closed (MTTR of this one); absent while open. */
  recoveryMs?: number;
  /** Checks failing when it opened (incidents recorded before this was kept: absent). */
  checks?: string[];
  method?: string;
  escalated: boolean;
  autoHealed: boolean;
}

/** WARNING alerts of one condition of one target: this period against the one before. */
export interface WarningTrend {
  target: string;
  /** The condition's key (`account:886557`, `sync_rate`…), or `unrecorded` for notices older than the keys. */
  condition: string;
  count: number;
  previous: number;
}

export interface WarningTrends {
  trends: WarningTrend[];
  /** Set when the feed (it keeps its newest notifications only) does not reach back over both periods. */
  incompleteBefore?: string;
}

/** The restart job's Actions runs in the period (GET …/actions/workflows/{file}/runs?created=…). */
export type RestartJobSummary =
  | { state: 'not_configured'; reason: string }
  | { state: 'unreadable'; detail: string }
  | {
      state: 'read';
      repository: string;
      workflowFile: string;
      runs: number;
      failed: number;
      /** The runs that did not succeed (newest first, at most 20). */
      failures: Array<{ title: string; conclusion: string; createdAt: string; url: string }>;
    };

/**
 * A rung of the remediation ladder that stopped working in the period. HOOK: nothing produces
 * these yet; the digest shows the section only when there are some.
 */
export interface StoppedRung {
  target: string;
  rung: string;
  /** Last time this rung brought the target back, if ever. */
  lastWorkedAt?: string;
  failures: number;
  detail?: string;
}

/** GITHUB_TOKEN's expiry as GitHub's answer to the runs read says it. */
export type TokenExpirySummary =
  | { state: 'not_configured'; reason: string }
  | { state: 'unknown'; detail: string }
  | { state: 'read'; expiresAt?: string; daysLeft?: number; warnings: string[] };

/** The seed's monthly review: downtime against the budget, and the failure patterns. */
export interface MonthReview {
  downMs: number;
  budgetMs: number;
  budgetLeftMs: number;
  byCheck: Record<string, number>;
  byTarget: Record<string, number>;
  /** Incidents by local hour of detection (DIGEST_TIMEZONE), 24 cells. */
  byHour: number[];
}

export interface Digest {
  period: DigestPeriod;
  /** Start and end of the period (ISO); `to` is the digest's instant. */
  from: string;
  to: string;
  days: number;
  timeZone: string;
  /** `autoheal report --days <days> --json` at `to`: the same figures. */
  report: Report;
  incidents: DigestIncident[];
  warnings: WarningTrends;
  restartJob: RestartJobSummary;
  stoppedRungs: StoppedRung[];
  token: TokenExpirySummary;
  /** The monthly digest only. */
  month?: MonthReview;
}

const ms = (iso: string | undefined): number => (iso ? Date.parse(iso) : Number.NaN);
const finite = (n: number): number | undefined => (Number.isFinite(n) ? n : undefined);

export function digestIncident(i: IncidentFacts): DigestIncident {
  return {
    incidentId: i.incidentId,
    target: i.targetId,
    outcome: i.outcome,
    detectedAt: i.detectedAt,
    detectionMs: finite(ms(i.openedAt) - ms(i.detectedAt)),
    recoveryMs: finite(ms(i.closedAt) - ms(i.detectedAt)),
    ...(i.checks?.length ? { checks: [...i.checks] } : {}),
    ...(i.method ? { method: i.method } : {}),
    escalated: !!i.escalation,
    autoHealed: i.autoHealed,
  };
}

/** A WARNING notice of the feed, as far as the trends read it. */
export interface WarningNotice {
  targetId: string;
  at: string;
  conditionKeys?: string[];
}

/** WARNING alerts by target and condition in [from, to) against [from − (to − from), from). */
export function warningTrends(notices: WarningNotice[], fromMs: number, toMs: number): Array<WarningTrend> {
  const prevFrom = fromMs - (toMs - fromMs);
  const counts = new Map<string, WarningTrend>();
  for (const n of notices) {
    const at = ms(n.at);
    if (!(at >= prevFrom && at < toMs)) continue;
    for (const condition of n.conditionKeys?.length ? n.conditionKeys : ['unrecorded']) {
      const key = `${n.targetId}\u0000${condition}`;
      const t = counts.get(key) ?? { target: n.targetId, condition, count: 0, previous: 0 };
      if (at >= fromMs) t.count += 1;
      else t.previous += 1;
      counts.set(key, t);
    }
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || b.previous - a.previous || a.target.localeCompare(b.target) || a.condition.localeCompare(b.condition));
}

/** Downtime against MONTHLY_BUDGET_MS, incidents by check, by target and by local hour of detection. */
export function monthReview(report: Report, incidents: DigestIncident[], timeZone: string): MonthReview {
  const byCheck: Record<string, number> = {};
  const byTarget: Record<string, number> = {};
  const byHour = Array.from({ length: 24 }, () => 0);
  for (const i of incidents) {
    for (const c of i.checks?.length ? i.checks : ['unrecorded']) byCheck[c] = (byCheck[c] ?? 0) + 1;
    byTarget[i.target] = (byTarget[i.target] ?? 0) + 1;
    const hour = DateTime.fromMillis(ms(i.detectedAt), { zone: timeZone }).hour;
    if (Number.isInteger(hour)) byHour[hour] = (byHour[hour] ?? 0) + 1;
  }
  const downMs = report.overall.period.downMs;
  return { downMs, budgetMs: MONTHLY_BUDGET_MS, budgetLeftMs: MONTHLY_BUDGET_MS - downMs, byCheck, byTarget, byHour };
}
