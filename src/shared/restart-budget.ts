/**
 * RESTART_BUDGET as a policy carries it (src/shared/types.ts). Workflow-safe.
 */
import type { Rate } from './rate';
import type { HealingPolicy } from './types';

/** The default budget: 6 restarts within 24 h (docs/remediation.md says why). */
export const DEFAULT_RESTART_BUDGET: Rate = { count: 6, windowMs: 86_400_000 };

/** The target's budget; undefined when off. A policy from before the budget gets the default. */
export function restartBudgetOf(policy: Pick<HealingPolicy, 'restartBudget'>): Rate | undefined {
  if (policy.restartBudget === false) return undefined;
  return policy.restartBudget ?? DEFAULT_RESTART_BUDGET;
}

/** Dispatch times (ISO) within the budget's window ending at `nowMs`, oldest first. */
export function dispatchesInBudgetWindow(dispatches: readonly string[] | undefined, budget: Rate, nowMs: number): string[] {
  const since = nowMs - budget.windowMs;
  return (dispatches ?? []).filter((at) => Date.parse(at) >= since).sort();
}
