/**
 * The attempt ledger's activity contracts: what a HealingWorkflow reads of its target's attempts
 * across incidents (the long-lived attemptLedgerWorkflow, src/workflows/attempt-ledger.ts), and
 * what it records there.
 */

export interface AttemptLedgerState {
  /** ISO times of failed attempts within the window. */
  failures: string[];
  /** ISO time of the last full restart dispatched to the target (RESTART_COOLDOWN spaces these). */
  lastDispatchAt?: string;
  /** ISO time of the last reinit (the ladder's emergency-restart) of the target (REINIT_COOLDOWN); absent: none known. */
  lastReinitAt?: string;
  /** The window the failures are trimmed to, ms (the latest one recorded). */
  windowMs: number;
  /** ISO times of the restarts dispatched within `budgetWindowMs`, oldest first (absent in older ledgers). */
  dispatches?: string[];
  /** The restart budget's window the dispatches are trimmed to, ms (absent: 24 h). */
  budgetWindowMs?: number;
}

export interface LedgerEntry {
  kind: 'dispatch' | 'failure';
  /** ISO time of the dispatch or of the failed attempt's end. */
  at: string;
  /** The target's ESCALATION_WINDOW, ms. */
  windowMs: number;
  incidentId: string;
  /** RESTART_BUDGET's window, ms (absent from older workers: the window stays as it was). */
  budgetWindowMs?: number;
  /** A dispatch that sends nothing (REMEDIATION=dry-run or none): it sets the spacing, not the budget. */
  simulated?: boolean;
  /** `reinit`: the ladder's emergency-restart, with its own spacing (counted in the budget all the same). Absent: a full restart. */
  rung?: 'reinit' | 'full-restart';
}

export interface LedgerActivities {
  /** The target's failed attempts within the window and last dispatch; empty when none yet. */
  readAttemptLedger(targetId: string): Promise<AttemptLedgerState>;
  /** Records a dispatch or a failed attempt, starting the target's ledger when needed. */
  recordLedgerEntry(targetId: string, entry: LedgerEntry): Promise<void>;
}
