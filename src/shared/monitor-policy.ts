/**
 * How the long-lived monitor (src/workflows/target-monitor) spends Temporal actions: when its
 * looping probe activity hands a report back to the workflow, how often it heartbeats, and when
 * a probe shown on the dashboard is too old. Workflow-safe: pure.
 *
 * The budget (docs/PERFORMANCE.md): a healthy target costs one activity per MONITOR_MAX_WATCH_MS
 * plus the heartbeats that reach the server (the SDK throttles them to one per 80% of the
 * heartbeat timeout), under 300 billable actions per hour with the 16 s heartbeat timeout.
 */
import { warningConditions } from './alert-conditions';
import type { HealingPolicy, ProbeReport } from './types';

/**
 * Heartbeat timeout of the watch activity: how long a dead worker holds its targets' watches. A
 * SIGKILLed or out-of-memory worker is noticed this long after its last heartbeat at most, and
 * the watch resumes on another worker a second later (the retry's initial interval), so that a
 * fault at that moment is still restarted within the seed's 30 s (`npm run bench -- --only
 * failover`, docs/PERFORMANCE.md "Failover"). The SDK sends at most one heartbeat per 80 % of it
 * (12.8 s): about 281 billable heartbeat actions per target-hour, which with the watch's hourly
 * hand-back and the roll-up's coverage signals (12 an hour) keeps a healthy target under 300
 * (15 s would cost 300 heartbeats alone; 60 s cost 75 and held a dead worker's targets for up
 * to a minute and a half).
 */
export const MONITOR_HEARTBEAT_TIMEOUT_MS = 16_000;

/** A watch returns after this long even when nothing changed: fresh activity code, and one history entry an hour. */
export const MONITOR_MAX_WATCH_MS = 60 * 60_000;

/** The monitor continues as new past this many history events (or when the server suggests it). */
export const MONITOR_CONTINUE_AS_NEW_EVENTS = 2_000;

/**
 * While WARNING conditions (or an intermittent fault) last, the watch returns this often so that
 * the warning watch keeps seeing them: its hold (WARNING_HOLD, 2 min) needs a second sighting,
 * and a condition not seen for 10 min counts as cleared. Between a check interval and 5 min.
 */
export function warningRefreshMs(policy: Pick<HealingPolicy, 'checkIntervalMs' | 'warningHoldMs'>): number {
  const hold = policy.warningHoldMs && policy.warningHoldMs > 0 ? policy.warningHoldMs : 60_000;
  return Math.max(policy.checkIntervalMs, Math.min(hold, 5 * 60_000));
}

/**
 * While the target stays CRITICAL (an incident is open), the watch returns this often and the
 * monitor asks for the healer again: nothing new starts while `heal-<target>` runs, and a target
 * still down after its incident was closed opens a new one within this delay.
 */
export function criticalRecheckMs(policy: Pick<HealingPolicy, 'checkIntervalMs'>): number {
  return Math.max(policy.checkIntervalMs, 60_000);
}

/**
 * The dashboard's last probe comes from the watch's heartbeat details, which reach the server at
 * most every 12.8 s (80 % of the heartbeat timeout): a probe is stale when older than that plus three check intervals (at least
 * two minutes).
 */
export function monitorStaleAfterMs(checkIntervalMs: number): number {
  return Math.max(0.8 * MONITOR_HEARTBEAT_TIMEOUT_MS + 3 * checkIntervalMs, 120_000);
}

/**
 * What the watch compares probe after probe: the severity, and for a WARNING its conditions. A
 * change hands the report to the workflow; readings that move (balances, latencies) do not.
 */
export function reportSignature(report: Pick<ProbeReport, 'severity' | 'checks'>): string {
  if (report.severity !== 'WARNING') return report.severity;
  const keys = warningConditions(report).map((c) => c.key);
  return [report.severity, ...keys.sort()].join('|');
}

/**
 * Measured time: two probes at most this far apart (two check intervals) cover the time between
 * them; a wider gap is unknown (the watch, the roll-up and the report share the rule).
 */
export const coverageGapMs = (checkIntervalMs: number): number => 2 * checkIntervalMs;

/** The signature of a healthy target: where a new monitor starts. */
export const HEALTHY_SIGNATURE = 'HEALTHY';
