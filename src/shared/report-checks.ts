/**
 * Judgements over the checks of a probe report that both the probe (its log line) and the
 * healing workflow (the incident's log line) make: one definition each. Workflow-safe.
 */
import type { CheckResult } from './types';

/** True when the terminal check failed: the runbook's "MT5 Terminal NOT CONNECTED" case. */
export function isTerminalNotConnected(report: { checks: CheckResult[] } | undefined): boolean {
  return !!report?.checks.some((c) => c.check === 'terminal' && c.status === 'fail');
}
