/**
 * RESTART_BUDGET inside an incident: before an automatic dispatch the target's ledger is read
 * afresh (its dispatches within the budget's window, across incidents, forced ones included);
 * when they reach the budget, the incident escalates to people instead of restarting again. A
 * ledger that cannot be read leaves the budget to what the incident read before (a line in the
 * timeline): an unreadable ledger must not stop healing silently.
 */
import { formatDuration } from '../../shared/duration';
import { formatRate } from '../../shared/rate';
import { dispatchesInBudgetWindow, restartBudgetOf } from '../../shared/restart-budget';
import { readLedger } from './calls';
import { type Incident, iso, nowMs } from './incident';
import { escalate } from './parking';

/** True when the target has used its budget: the incident has escalated (and parks). */
export async function escalateWhenBudgetUsed(incident: Incident): Promise<boolean> {
  const { policy, target } = incident;
  const budget = restartBudgetOf(policy);
  // REMEDIATION=dry-run or none sends nothing: nothing to budget
  if (!budget || policy.remediation === 'dry-run' || policy.remediation === 'none') return false;
  await readLedger(incident);
  const used = dispatchesInBudgetWindow(incident.ledger.dispatches, budget, nowMs());
  if (used.length < budget.count) return false;
  const window = formatDuration(budget.windowMs);
  const oldest = Date.parse(used[0] as string);
  escalate(
    incident,
    `restart budget used: ${used.length} restarts within ${window}`,
    `${used.length} restarts of ${target.id} were dispatched within ${window} (RESTART_BUDGET ${formatRate(budget)}, across incidents, forced ones included): ` +
      `no further automatic restart (the next would be allowed after ${iso(oldest + budget.windowMs)}); restarts are not fixing this fault. ` +
      `An operator's forceRecovery still restarts (and is counted). Last probe: ${incident.lastReport?.summary ?? 'none'}`,
  );
  return true;
}
