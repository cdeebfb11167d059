/**
 * Pure judgements of the healing workflow over probe reports. Workflow-safe.
 */
import type { ProbeReport } from '../../shared/types';

/**
 * One probe counts towards recovery when no check is CRITICAL, the account data is fresh (at
 * least one account synced: placeholders such as `no_cache` 0.0 balances never count) and the
 * bridge is not warming up (variant B refilling its cache after the restart: verification waits
 * for the warm-up to end instead of counting a half-filled cache). Recovery needs two such probes
 * in a row; the restart endpoint's own answer never decides. (`warmingUp` is absent from every
 * report recorded before it existed, so old histories judge as they did.)
 */
export function isHealthyForRecovery(report: ProbeReport | undefined): boolean {
  if (!report) return false;
  return report.severity !== 'CRITICAL' && report.observation.health.ok && report.syncedAccounts > 0 && !report.warmingUp;
}

/** Names of the checks at CRITICAL in the report, e.g. ["terminal", "sync_rate"]. */
export function failingChecks(report: ProbeReport | undefined): string[] {
  return report ? report.checks.filter((c) => c.status === 'fail').map((c) => c.check) : [];
}

/** DOWN when the bridge itself did not answer, DEGRADED when it answers with failing checks. */
export function bridgeStatus(report: ProbeReport | undefined): 'DEGRADED' | 'DOWN' {
  return report?.checks.some((c) => c.check === 'bridge' && c.status === 'fail') ? 'DOWN' : 'DEGRADED';
}

