/**
 * The wait of a withheld restart, shared by the kill switch's hold (remediation-hold.ts) and the
 * fleet breaker's (fleet-hold.ts): verification goes on every VERIFY_INTERVAL while no restart is
 * sent. Each turn waits one interval (or to the RECOVERY_SLA) and probes; the hold is over when
 * the incident was resolved or superseded meanwhile, its SLA ran out, or the target recovered by
 * itself (two healthy probes in a row). Otherwise the turn gives the probe's report back, for
 * the hold's own check (is the switch back on, the breaker released).
 */
import { formatDuration } from '../../shared/duration';
import type { ProbeReport } from '../../shared/types';
import { judgeSla } from './between-attempts';
import { probe } from './calls';
import { type Incident, nowMs } from './incident';
import type { AttemptOutcome } from './outcome';
import { isHealthyForRecovery } from './verdict';

/** The probe's report is absent when the probe could not run. */
export type WithheldTurn = { ended: AttemptOutcome } | { report: ProbeReport | undefined };

/** The turns of one hold; `why` ends "recovered by itself while …" in the timeline. */
export function withheldWait(incident: Incident, slaDeadline: number, why: string): (text: string) => Promise<WithheldTurn> {
  const { policy, view } = incident;
  let healthyInARow = 0;
  return async (text) => {
    incident.doing(`${text}; verifying every ${formatDuration(policy.verifyIntervalMs)}`);
    const woke = await incident.waitUntil(Math.min(nowMs() + policy.verifyIntervalMs, slaDeadline));
    if (!woke) return { ended: view.resolution ? { kind: 'resolved' } : { kind: 'superseded' } };
    if (nowMs() >= slaDeadline) return { ended: await judgeSla(incident) };
    const report = await probe(incident);
    healthyInARow = isHealthyForRecovery(report) ? healthyInARow + 1 : 0;
    if (healthyInARow >= 2) {
      incident.note('verified', 'healthy', `recovered by itself while ${why} (two consecutive healthy probes)`);
      return { ended: { kind: 'recovered', method: 'self' } };
    }
    return { report };
  };
}
