/**
 * Measuring each rung of the remediation ladder (`autoheal report`, docs/remediation.md,
 * "Measuring each rung"): how often each rung was tried, how often it healed, and its time to
 * recovery (from its dispatch to the second healthy probe), per target and overall; a rung whose
 * success rate over the last RUNG_FLAG_WINDOW_MS fell below RUNG_SUCCESS_THRESHOLD (with at least
 * RUNG_MIN_TRIES tries) is flagged: the cheap cure stopped working, look at the VPS (Meta's
 * RepairBrain keeps the same account of which repair works). Pure; workflow-safe
 * (`rungAttemptsOf` runs in the healing workflow at close).
 */
import type { AttemptRecord } from './contracts';
import { type RungFigures, percentiles } from './report-math';
import type { Rung, RungAttempt } from './types';

export type { RungAttempt } from './types';
export type { RungFigures } from './report-math';

/** Below this success rate over the flag window, a rung is flagged. 50 %: a cure that fails more often than it works costs the desk its minutes for nothing. */
export const RUNG_SUCCESS_THRESHOLD = 0.5;
/** Fewer tries than this say nothing about a rung: never flagged. */
export const RUNG_MIN_TRIES = 3;
/** The window the flag judges: the last 30 days, whatever the report's --days. */
export const RUNG_FLAG_WINDOW_MS = 30 * 86_400_000;

/**
 * The rung tries of an incident's attempts: those whose restart was sent (a dispatch that
 * failed, a dry run, an attempt still verifying or withheld by the kill switch is no try).
 */
export function rungAttemptsOf(attempts: readonly AttemptRecord[]): RungAttempt[] {
  return attempts
    .filter((a) => a.dispatchedAt && a.method !== 'dry-run' && a.outcome !== 'in_progress' && a.outcome !== 'dry_run_not_recovered')
    .map((a) => {
      const healed = a.outcome === 'recovered';
      const recoveryMs = healed && a.endedAt ? Date.parse(a.endedAt) - Date.parse(a.dispatchedAt as string) : undefined;
      return {
        rung: a.rung ?? 'full-restart',
        dispatchedAt: a.dispatchedAt as string,
        healed,
        ...(recoveryMs !== undefined && Number.isFinite(recoveryMs) ? { recoveryMs } : {}),
      };
    });
}

/** The figures of each rung tried, per target (`target` set) then over all targets, rungs in ladder order. */
export function rungFigures(
  byTarget: Array<{ target: string; tries: RungAttempt[] }>,
  sinceMs: number,
  nowMs: number,
): RungFigures[] {
  const figures = (rung: Rung, tries: RungAttempt[], target?: string): RungFigures => {
    const inPeriod = tries.filter((t) => t.rung === rung && Date.parse(t.dispatchedAt) >= sinceMs);
    const recent = tries.filter((t) => t.rung === rung && Date.parse(t.dispatchedAt) >= nowMs - RUNG_FLAG_WINDOW_MS);
    const heals = inPeriod.filter((t) => t.healed).length;
    const recentHeals = recent.filter((t) => t.healed).length;
    const recentRate = recent.length ? recentHeals / recent.length : undefined;
    const flagged = recentRate !== undefined && recent.length >= RUNG_MIN_TRIES && recentRate < RUNG_SUCCESS_THRESHOLD;
    return {
      rung,
      ...(target ? { target } : {}),
      tries: inPeriod.length,
      heals,
      ...(inPeriod.length ? { successRate: heals / inPeriod.length } : {}),
      timeToRecovery: percentiles(inPeriod.filter((t) => t.healed && t.recoveryMs !== undefined).map((t) => t.recoveryMs as number)),
      last30d: { tries: recent.length, heals: recentHeals, ...(recentRate === undefined ? {} : { successRate: recentRate }) },
      ...(flagged
        ? {
            flag: `${rung} healed ${recentHeals} of ${recent.length} tries over the last 30 days (below ${Math.round(RUNG_SUCCESS_THRESHOLD * 100)}%)${
              rung === 'reinit' ? ': the cheap cure stopped working, look at the VPS' : ': restarts are not curing this target, look at the VPS'
            }`,
          }
        : {}),
    };
  };
  const order: Rung[] = ['reinit', 'full-restart'];
  const used = (tries: RungAttempt[]) => order.filter((r) => tries.some((t) => t.rung === r));
  const perTarget = byTarget.flatMap(({ target, tries }) => used(tries).map((rung) => figures(rung, tries, target)));
  const all = byTarget.flatMap((t) => t.tries);
  return [...perTarget, ...used(all).map((rung) => figures(rung, all))];
}
