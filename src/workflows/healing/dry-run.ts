/**
 * Dry-run attempts: with REMEDIATION=dry-run (the deployment's mode, carried by the incident's
 * policy) each restart is recorded and announced, never sent. An attempt that did not verify
 * therefore says nothing about restarts: it is recorded as a dry run that did not recover, not as
 * a failed restart, and the attempt ledger does not count it (so that, after leaving dry-run, a
 * real outage still gets ESCALATE_AFTER attempts). Such an incident escalates by RECOVERY_SLA.
 */
import type { Incident } from './incident';

/** True when the attempt that just failed was a dry run (its receipt, or the policy, says so). */
export function failedAttemptWasDryRun(incident: Incident): boolean {
  const last = incident.view.attempts[incident.view.attempts.length - 1];
  return last?.method === 'dry-run';
}

/** Records the dry run that did not recover the target, instead of a failure; never escalates by itself. */
export function recordDryRunNotRecovered(incident: Incident): false {
  const last = incident.view.attempts[incident.view.attempts.length - 1];
  if (last) {
    last.outcome = 'dry_run_not_recovered';
    last.detail += ' — dry run: nothing was sent, so this is not a failed restart (not counted towards ESCALATE_AFTER)';
  }
  incident.note(
    'attempt_failed',
    'dry_run',
    `attempt ${last?.attempt ?? '?'} was a dry run and did not recover the target: not counted as a failed restart`,
  );
  return false;
}
