/**
 * The verification of one restart: durable timers every VERIFY_INTERVAL until two consecutive
 * healthy probes, VERIFY_TIMEOUT (counted from when the restart ran: restart-run.ts), RECOVERY_SLA,
 * a failed restart job or an operator message decides. The restart endpoint's own answer never
 * decides recovery.
 */
import type { AttemptRecord, RemediationReceipt } from '../../shared/contracts';
import { formatDuration } from '../../shared/duration';
import type { LadderRung } from '../../shared/remediation-ladder';
import type { AttemptOutcome } from './outcome';
import { probe } from './calls';
import { type Incident, nowMs } from './incident';
import { restartJobFailed, verificationWindow } from './restart-run';
import { isHealthyForRecovery } from './verdict';

/** Durable timers every VERIFY_INTERVAL: two consecutive healthy probes with fresh live data. */
export async function verify(
  incident: Incident,
  attempt: number,
  dispatchStartMs: number,
  slaDeadline: number,
  conclude: (outcome: AttemptRecord['outcome'], text: string) => void,
  receipt?: RemediationReceipt,
  step: LadderRung = incident.rungs.current(),
): Promise<AttemptOutcome> {
  const { policy, view } = incident;
  const timing = verificationWindow(incident, attempt, dispatchStartMs, receipt, step.verifyTimeoutMs);
  let deadline = timing.deadline();
  let healthyInARow = 0;
  incident.doing(
    `verifying attempt ${attempt}: probing every ${formatDuration(policy.verifyIntervalMs)} ${timing.until()}`,
  );
  // A deadline (RECOVERY_SLA, VERIFY_TIMEOUT) is judged after a probe: after a late wake-up (the
  // worker was down) a bridge that recovered meanwhile closes RECOVERED, without an escalation;
  // a healthy probe at a deadline gets the second probe that recovery needs.
  for (;;) {
    const confirming = healthyInARow === 1;
    const woke = await incident.waitUntil(
      confirming
        ? nowMs() + policy.verifyIntervalMs
        : Math.min(nowMs() + policy.verifyIntervalMs, deadline, slaDeadline),
    );
    if (!woke) {
      if (view.resolution) {
        conclude('not_recovered', `verification stopped: resolved by ${view.resolution.by}`);
        return { kind: 'resolved' };
      }
      conclude('not_recovered', 'superseded by an operator forceRecovery');
      return { kind: 'superseded' };
    }
    const runFailure = await timing.run?.poll();
    deadline = timing.deadline();
    if (runFailure) return restartJobFailed(incident, attempt, runFailure, conclude);
    const report = await probe(incident);
    healthyInARow = isHealthyForRecovery(report) ? healthyInARow + 1 : 0;
    if (healthyInARow >= 2) {
      const text = `verified healthy on two consecutive probes (${report?.syncedAccounts}/${report?.expectedAccounts} accounts live)`;
      conclude('recovered', text);
      incident.note('verified', 'healthy', `attempt ${attempt}: ${text}`);
      return { kind: 'recovered' };
    }
    if (healthyInARow === 1 && (nowMs() >= slaDeadline || nowMs() >= deadline)) continue;
    if (nowMs() >= slaDeadline) {
      conclude(
        'not_recovered',
        `still failing when RECOVERY_SLA (${formatDuration(policy.recoverySlaMs)}) ran out: ${report?.summary ?? 'the probe could not run'}`,
      );
      return { kind: 'sla' };
    }
    if (nowMs() >= deadline) {
      const window = step.rung === 'reinit' ? 'REINIT_VERIFY_TIMEOUT' : 'VERIFY_TIMEOUT';
      const text = `not healthy after ${formatDuration(step.verifyTimeoutMs)} (${window}): ${report?.summary ?? 'the probe could not run'}`;
      conclude('not_recovered', text);
      incident.note('attempt_failed', 'not_recovered', `attempt ${attempt}: ${text}`);
      return { kind: 'failed' };
    }
  }
}
