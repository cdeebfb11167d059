/**
 * The remediation kill switch inside an attempt: read before each automatic dispatch; while it
 * is off the incident withholds the restart and keeps verifying (src/workflows/remediation-switch.ts).
 */
import { formatDuration } from '../../shared/duration';
import { withheldText } from '../remediation-switch';
import type { AttemptOutcome } from './outcome';
import { judgeSla } from './between-attempts';
import { probe, readRemediationState } from './calls';
import { type Incident, nowMs } from './incident';
import { isHealthyForRecovery } from './verdict';
import type { RemediationSwitchState } from '../../shared/contracts';

/**
 * The kill switch, read before each automatic dispatch. While remediation is off no restart is
 * sent: the incident says so (timeline, in-app note), keeps verifying every VERIFY_INTERVAL and
 * closes if the target recovers by itself. Returns undefined when remediation is (back) on and
 * the dispatch may go ahead, or how the wait ended (recovered, resolved, forced, SLA).
 */
export async function holdWhileRemediationOff(incident: Incident, slaDeadline: number): Promise<AttemptOutcome | undefined> {
  const state = await readRemediationState(incident);
  if (state.enabled) return undefined;
  const text = withheldText(state);
  return incident.holding(() => holdWhileOff(incident, slaDeadline, state, text));
}

async function holdWhileOff(
  incident: Incident,
  slaDeadline: number,
  initial: RemediationSwitchState,
  text: string,
): Promise<AttemptOutcome | undefined> {
  const { policy, view } = incident;
  let state = initial;
  incident.note('withheld', 'remediation_off', text);
  incident.notify('WARNING', `${incident.target.id}: ${text}; probes, alerts and verification go on`);
  let healthyInARow = 0;
  for (;;) {
    incident.doing(`${text}; verifying every ${formatDuration(policy.verifyIntervalMs)}`);
    const woke = await incident.waitUntil(Math.min(nowMs() + policy.verifyIntervalMs, slaDeadline));
    if (!woke) return view.resolution ? { kind: 'resolved' } : { kind: 'superseded' };
    if (nowMs() >= slaDeadline) return judgeSla(incident);
    const report = await probe(incident);
    healthyInARow = isHealthyForRecovery(report) ? healthyInARow + 1 : 0;
    if (healthyInARow >= 2) {
      incident.note('verified', 'healthy', 'recovered by itself while remediation was off (two consecutive healthy probes)');
      return { kind: 'recovered', method: 'self' };
    }
    state = await readRemediationState(incident);
    if (state.enabled) {
      incident.note('withheld', 'remediation_on', `remediation turned back on by ${state.last?.by ?? 'unknown'}: the restart goes ahead`);
      return undefined;
    }
  }
}

