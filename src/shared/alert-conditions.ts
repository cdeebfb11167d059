/**
 * WARNING conditions of a classification, keyed for deduplication. Workflow-safe: pure.
 */
import type { Classification } from './types';

/** One WARNING condition: a stable key (for dedup) and what was seen. */
export interface WarningCondition {
  /** e.g. `account:886557`, `balances:live_zeros`, `sync_rate`. */
  key: string;
  issue: string;
}

/**
 * The WARNING conditions of a classification: one per account for the account check (so that a
 * second failing account is news, and the first one is not repeated), one per other check.
 * Accounts covered by a balances warning (every account reads a live $0: money moved) are not
 * repeated one by one: month end is one condition, not one email per account.
 * Keys depend on what is wrong, never on figures that change from probe to probe.
 */
export function warningConditions(classification: Pick<Classification, 'checks'>): WarningCondition[] {
  const out: WarningCondition[] = [];
  const seen = new Set<string>();
  const coveredByBalances = new Set(
    classification.checks
      .filter((c) => c.check === 'balances' && c.status === 'warn')
      .flatMap((c) => c.accounts ?? []),
  );
  const push = (key: string, issue: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ key, issue });
  };
  for (const check of classification.checks) {
    if (check.status !== 'warn') continue;
    if (check.check === 'account' && check.accounts?.length) {
      for (const login of check.accounts)
        if (!coveredByBalances.has(login)) push(`account:${login}`, check.evidence);
    } else if (check.check === 'balances') {
      push('balances:live_zeros', check.evidence);
    } else {
      push(check.check, check.evidence);
    }
  }
  return out;
}
