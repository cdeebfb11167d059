/**
 * The safety envelope of automatic restarts, checked right before each automatic dispatch,
 * after the kill switch (runAttempt): first the target's restart budget (restart-budget.ts:
 * past it the incident escalates instead of dispatching), then the fleet breaker (fleet-hold.ts:
 * while it is tripped the restart is withheld). An operator's forceRecovery passes: it is a
 * human decision, and it is counted in the budget like every dispatch.
 */
import type { AttemptOutcome } from './outcome';
import { holdWhileBreakerTripped } from './fleet-hold';
import type { ForceRequest, Incident } from './incident';
import { escalateWhenBudgetUsed } from './restart-budget';

/** Undefined: the automatic dispatch may go; else how the attempt ends instead. */
export async function checkSafetyEnvelope(
  incident: Incident,
  force: ForceRequest | undefined,
  slaDeadline: number,
): Promise<AttemptOutcome | undefined> {
  if (force) return undefined;
  if (await escalateWhenBudgetUsed(incident)) return { kind: 'escalated' };
  return holdWhileBreakerTripped(incident, slaDeadline);
}
