/**
 * Where an incident waits between restarts (the backoff after a failed attempt, the restart
 * spacing, the kill switch's hold), RECOVERY_SLA is judged after a probe, as verification does
 * (attempt.ts): after a late wake-up (the worker was down) a bridge that recovered by itself
 * meanwhile closes RECOVERED, on two healthy probes VERIFY_INTERVAL apart like every recovery,
 * with no escalation email.
 */
import { sleep } from '@temporalio/workflow';
import { formatDuration } from '../../shared/duration';
import type { AttemptOutcome } from './outcome';
import { probe } from './calls';
import { type Incident, nowMs } from './incident';
import { isHealthyForRecovery } from './verdict';

/** RECOVERY_SLA ran out between attempts: `recovered` when two probes say so, else `sla`. */
export async function judgeSla(incident: Incident): Promise<AttemptOutcome> {
  incident.doing('RECOVERY_SLA ran out: probing before escalating');
  if (!isHealthyForRecovery(await probe(incident))) return { kind: 'sla' };
  await sleep(incident.policy.verifyIntervalMs);
  if (!isHealthyForRecovery(await probe(incident))) return { kind: 'sla' };
  incident.note('verified', 'healthy', 'recovered by itself before RECOVERY_SLA was judged (two consecutive healthy probes)');
  return { kind: 'recovered', method: 'self' };
}

/**
 * The backoff after a failed attempt: at least one verify interval (the restart spacing comes on
 * top, in runAttempt). Undefined: go on with the next attempt.
 */
export async function backoff(incident: Incident): Promise<AttemptOutcome | undefined> {
  const { policy, view } = incident;
  incident.doing(
    `attempt ${view.attempts.length} failed; next attempt after a ${formatDuration(policy.verifyIntervalMs)} backoff`,
  );
  const woke = await incident.waitUntil(Math.min(nowMs() + policy.verifyIntervalMs, incident.slaDeadlineMs));
  if (!woke && view.resolution) return { kind: 'resolved' };
  if (nowMs() >= incident.slaDeadlineMs && incident.forceRequests.length === 0) return judgeSla(incident);
  return undefined;
}
