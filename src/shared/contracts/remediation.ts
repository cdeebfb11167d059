/** The remediation activities' contracts: one restart request, its receipt, and the restart run it started. */
import type { RestartRunQuery, RestartRunState } from '../restart-run';
import type { Rung } from '../types';

export interface RemediationRequest {
  targetId: string;
  incidentId: string;
  attempt: number;
  reason: string;
  /** auto_sync_service | operator:<name> */
  trigger: string;
  /**
   * An operator's forceRecovery (or an incident an operator started): a human decision, sent
   * even while the kill switch is off. Absent: automatic, checked against the switch right
   * before each HTTP attempt.
   */
  forced?: boolean;
  /**
   * The deployment's remediation mode, carried by the incident (its policy's REMEDIATION), not
   * the mode of whichever worker runs the dispatch: true, a dry run (nothing is ever sent); false,
   * a real restart (a dry-run worker refuses it, retryably, rather than pretend). Absent in
   * requests scheduled by an older version: the worker's own mode decides.
   */
  dryRun?: boolean;
  /**
   * The ladder's rung (src/shared/remediation-ladder.ts): `reinit`, the bridge's own
   * emergency-restart; `full-restart` (and absent), the worker's REMEDIATION method (GitHub or the
   * restart webhook).
   */
  rung?: Rung;
}

export interface RemediationReceipt {
  /** `reinit`: the bridge's emergency-restart (the ladder's first rung). */
  method: 'github' | 'webhook' | 'reinit' | 'none' | 'dry-run';
  dispatchedAt: string;
  /** What was done, e.g. "repository_dispatch mt5-full-restart to owner/repo (HTTP 204)". */
  detail: string;
  /** GitHub: the title of the Actions run this dispatch starts (restartRunTitle), to follow it by. */
  runTitle?: string;
}

export interface RemediationActivities {
  /**
   * Triggers one restart of the target. Success means the restart was requested, never that
   * the bridge recovered: verification probes decide that. Failures that retrying cannot fix
   * throw a non-retryable error of a type in `NON_RETRYABLE_REMEDIATION_ERRORS`, whose message
   * is the diagnosis.
   */
  dispatchRemediation(request: RemediationRequest): Promise<RemediationReceipt>;
  /**
   * Reads the GitHub Actions run a dispatch started (src/shared/restart-run.ts): its state, or
   * `unreadable` when the token cannot read Actions runs. Throws when the list did not answer
   * this time (the next poll tries again).
   */
  readRestartRun(query: RestartRunQuery): Promise<RestartRunState>;
}

/** Error type names (ApplicationFailure.type) of remediation failures that retrying can't fix. */
export const NON_RETRYABLE_REMEDIATION_ERRORS = [
  'RemediationNotConfiguredError',
  'RemediationUnauthorizedError',
  'RemediationForbiddenError',
  'RemediationTargetNotFoundError',
  'RemediationRejectedError',
] as const;
// RemediationSwitchedOffError is non-retryable too, but never escalates: the incident goes back to
// the kill switch's hold (healing/attempt.ts).
