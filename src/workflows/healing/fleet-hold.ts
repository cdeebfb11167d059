/**
 * The fleet breaker inside an incident (src/workflows/fleet-breaker.ts). Before an automatic
 * dispatch the incident reports itself to the breaker (opened, with whether its bridge answers)
 * (again: it also reported on opening) and reads it with the kill switch; while it is tripped the restart is withheld exactly as when
 * remediation is off (verification goes on every VERIFY_INTERVAL, the incident closes if the
 * target recovers, RECOVERY_SLA escalates), with the breaker's own words in the timeline. No
 * per-incident notice: the breaker sends one for the fleet. A closing incident reports itself.
 */
import type { ProbeReport } from '../../shared/types';
import { breakerText } from '../fleet-breaker';
import type { AttemptOutcome } from './outcome';
import { readRemediationState, reportToFleet } from './calls';
import type { Incident } from './incident';
import { holdWhileRemediationOff } from './remediation-hold';
import { withheldWait } from './withheld-wait';
import type { FleetReport, RemediationSwitchState } from '../../shared/contracts';

/** Undefined when the breaker is not (or no longer) tripped; else how the wait ended. */
export async function holdWhileBreakerTripped(incident: Incident, slaDeadline: number): Promise<AttemptOutcome | undefined> {
  const bridgeDown = bridgeFails(incident.lastReport) ?? false;
  await reportToFleet(incident, fleetReport(incident, 'opened', bridgeDown));
  const trip = (await readRemediationState(incident)).breaker?.tripped;
  if (!trip) return undefined;
  return incident.holding(() => holdWhileTripped(incident, slaDeadline, trip, bridgeDown));
}

async function holdWhileTripped(
  incident: Incident,
  slaDeadline: number,
  tripped: NonNullable<NonNullable<RemediationSwitchState['breaker']>['tripped']>,
  initiallyDown: boolean,
): Promise<AttemptOutcome | undefined> {
  let bridgeDown = initiallyDown;
  let state: RemediationSwitchState;
  let trip: typeof tripped | undefined = tripped;
  let text = breakerText(tripped);
  incident.note('withheld', 'fleet_breaker', text);
  const turn = withheldWait(incident, slaDeadline, 'the fleet breaker withheld restarts');
  for (;;) {
    const waited = await turn(text);
    if ('ended' in waited) return waited.ended;
    const down = bridgeFails(waited.report);
    if (down !== undefined && down !== bridgeDown) {
      bridgeDown = down;
      await reportToFleet(incident, fleetReport(incident, 'probed', bridgeDown));
    }
    state = await readRemediationState(incident);
    if (!state.enabled) {
      // turned off meanwhile: the kill switch's hold, then the breaker again
      const held = await holdWhileRemediationOff(incident, slaDeadline);
      if (held) return held;
      state = await readRemediationState(incident);
    }
    trip = state.breaker?.tripped;
    if (!trip) {
      incident.note('withheld', 'fleet_breaker_released', `${releaseText(state)}: the restart goes ahead`);
      return undefined;
    }
    if (breakerText(trip) !== text) {
      text = breakerText(trip);
      incident.note('withheld', 'fleet_breaker', text);
    }
  }
}

/**
 * Tells the breaker this incident opened, as soon as it opens: by the time the first automatic
 * dispatch is checked, incidents that opened together have all reported.
 */
export async function reportOpenedToFleet(incident: Incident): Promise<void> {
  await reportToFleet(incident, fleetReport(incident, 'opened', bridgeFails(incident.lastReport) ?? false));
}

/** Tells the breaker this incident closed. */
export async function reportClosedToFleet(incident: Incident): Promise<void> {
  await reportToFleet(incident, fleetReport(incident, 'closed'));
}

function fleetReport(incident: Incident, kind: FleetReport['kind'], bridgeDown?: boolean): FleetReport {
  return {
    kind,
    targetId: incident.target.id,
    incidentId: incident.id,
    openedAt: incident.view.openedAt,
    ...(bridgeDown === undefined ? {} : { bridgeDown }),
  };
}

/** Whether the probe found the bridge unreachable; undefined when there was no probe. */
function bridgeFails(report: ProbeReport | undefined): boolean | undefined {
  if (!report) return undefined;
  return report.checks.some((c) => c.check === 'bridge' && c.status === 'fail');
}

/** Why the breaker let the restart go: the latest change, an override or a clearing. */
function releaseText(state: RemediationSwitchState): string {
  const history = state.breaker?.history ?? [];
  return history[history.length - 1]?.text ?? 'fleet breaker cleared';
}
