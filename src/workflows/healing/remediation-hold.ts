/**
 * The remediation kill switch inside an attempt: read before each automatic dispatch; while it
 * is off the incident withholds the restart and keeps verifying (src/workflows/remediation-switch.ts).
 */
import { withheldText } from '../remediation-switch';
import type { AttemptOutcome } from './outcome';
import { readRemediationState } from './calls';
import type { Incident } from './incident';
import { withheldWait } from './withheld-wait';
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
  let state = initial;
  incident.note('withheld', 'remediation_off', text);
  incident.notify('WARNING', `${incident.target.id}: ${text}; probes, alerts and verification go on`);
  const turn = withheldWait(incident, slaDeadline, 'remediation was off');
  for (;;) {
    const waited = await turn(text);
    if ('ended' in waited) return waited.ended;
    state = await readRemediationState(incident);
    if (state.enabled) {
      incident.note('withheld', 'remediation_on', `remediation turned back on by ${state.last?.by ?? 'unknown'}: the restart goes ahead`);
      return undefined;
    }
  }
}

