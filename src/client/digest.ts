/**
 * The weekly and monthly digest of a deployment (`autoheal report --digest`, and the digest email
 * the digest workflow sends): the Report over the days that end at the digest's instant, computed
 * from the same facts by the same code as `autoheal report --json` (readReportFacts,
 * computeReport), so its figures are that report's; the incidents of those facts with their
 * detection and recovery times; WARNING counts by condition from the in-app feed against the
 * period before; and what the caller reads outside Temporal (the restart job's Actions runs and
 * the token's expiry), and the rungs of the remediation ladder the report flags. Shapes: src/shared/digest.ts.
 */
import type { Client } from '@temporalio/client';
import type { TargetConfig } from '../config/load-config';
import { FEED_LIMIT } from '../shared/alert-feed';
import {
  type Digest,
  type RestartJobSummary,
  type StoppedRung,
  type TokenExpirySummary,
  type WarningTrends,
  digestIncident,
  monthReview,
  warningTrends,
} from '../shared/digest';
import { DIGEST_DAYS, type DigestPeriod } from '../shared/digest-schedule';
import { DAY_MS, type Report, type RollupFacts } from '../shared/report-math';
import { listNotifications } from './notifications';
import { computeReport, readReportFacts } from './operator-views';

export interface DigestSources {
  /** The restart job's runs and the token's expiry in [from, to]; absent: GitHub is not configured (say why). */
  restartJob?: (period: { fromMs: number; toMs: number; now: Date }) => Promise<{ restartJob: RestartJobSummary; token: TokenExpirySummary }>;
  /** Why there is no restart job to read, when `restartJob` is absent. */
  notConfigured?: string;
  /**
   * The rungs that stopped working in [from, to]. Absent: the rungs the report flags (their
   * 30-day success rate fell below RUNG_SUCCESS_THRESHOLD); none flagged, no such section.
   */
  stoppedRungs?: (period: { fromMs: number; toMs: number }) => Promise<StoppedRung[]>;
}

export async function readDigest(
  client: Client,
  taskQueue: string,
  targets: TargetConfig[],
  request: { period: DigestPeriod; now: Date; timeZone: string },
  sources: DigestSources = {},
): Promise<Digest> {
  const toMs = request.now.getTime();
  const days = DIGEST_DAYS[request.period];
  const fromMs = toMs - days * DAY_MS;
  const window = { fromMs, toMs, now: request.now };
  const notConfigured = sources.notConfigured ?? 'GITHUB_TOKEN and GITHUB_REPOSITORY are not set';
  const [facts, warnings, github, stoppedRungs] = await Promise.all([
    readReportFacts(client, taskQueue, targets, toMs),
    readWarningTrends(client, taskQueue, fromMs, toMs),
    sources.restartJob
      ? sources.restartJob(window)
      : Promise.resolve({
          restartJob: { state: 'not_configured', reason: notConfigured } as const,
          token: { state: 'not_configured', reason: notConfigured } as const,
        }),
    sources.stoppedRungs ? sources.stoppedRungs(window) : Promise.resolve(undefined),
  ]);
  const report = computeReport(facts, days, toMs);
  const incidents = facts
    .flatMap(({ facts: f }) => f.incidents)
    .filter((i) => Date.parse(i.detectedAt) >= fromMs)
    .sort((a, b) => a.detectedAt.localeCompare(b.detectedAt))
    .map(digestIncident);
  return {
    period: request.period,
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    days,
    timeZone: request.timeZone,
    report,
    incidents,
    warnings,
    restartJob: github.restartJob,
    stoppedRungs: stoppedRungs ?? flaggedRungs(report, facts),
    token: github.token,
    ...(request.period === 'month' ? { month: monthReview(report, incidents, request.timeZone) } : {}),
  };
}

/** WARNING notices of the feed by target and condition, this period against the one before. */
async function readWarningTrends(client: Client, taskQueue: string, fromMs: number, toMs: number): Promise<WarningTrends> {
  const all = await listNotifications(client, { taskQueue });
  const warnings = all.filter((n) => n.severity === 'WARNING');
  const oldest = all[all.length - 1]?.at;
  const prevFrom = fromMs - (toMs - fromMs);
  const incomplete = all.length >= FEED_LIMIT && oldest !== undefined && Date.parse(oldest) > prevFrom;
  return { trends: warningTrends(warnings, fromMs, toMs), ...(incomplete ? { incompleteBefore: oldest } : {}) };
}

/**
 * The rungs the report flags (their 30-day success rate fell below RUNG_SUCCESS_THRESHOLD,
 * src/shared/rung-stats.ts): the cheap cure stopped working, look at the VPS.
 */
function flaggedRungs(report: Report, facts: Array<{ target: string; facts: RollupFacts }>): StoppedRung[] {
  return (report.rungs ?? [])
    .filter((r) => r.target !== undefined && r.flag)
    .map((r) => {
      const healed = facts
        .filter((f) => f.target === r.target)
        .flatMap((f) => f.facts.incidents)
        .flatMap((i) => i.rungAttempts ?? [])
        .filter((a) => a.rung === r.rung && a.healed)
        .map((a) => a.dispatchedAt)
        .sort();
      const lastWorkedAt = healed[healed.length - 1];
      return {
        target: r.target as string,
        rung: r.rung,
        failures: r.last30d.tries - r.last30d.heals,
        ...(lastWorkedAt ? { lastWorkedAt } : {}),
        ...(r.flag ? { detail: r.flag } : {}),
      };
    });
}
