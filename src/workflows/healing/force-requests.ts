/**
 * An operator's forceRecovery as the incident takes it: queued for its own attempt, or joined to
 * the restart being prepared or dispatched (or already queued): one restart at a time. A request
 * may name the ladder rung (`incident force --rung full-restart`); the validator refuses an
 * unknown one. Workflow code: deterministic.
 */
import { RUNGS, type Rung } from '../../shared/remediation-ladder';
import { type ForceRequest, type Incident, iso } from './incident';

/** Accepts a forceRecovery (the update's handler). */
export function acceptForce(incident: Incident, reason: string, by: string, rung?: Rung): void {
  const request: ForceRequest = { reason, by, at: iso(), ...(rung ? { rung } : {}) };
  const said = `forceRecovery by ${by}: ${reason}${rung ? ` (rung ${rung})` : ''}`;
  const underway = incident.dispatchInFlight || incident.preparingDispatch;
  if (underway || incident.forceRequests.length > 0) {
    const joined = incident.dispatchInFlight ? 'being dispatched' : incident.preparingDispatch ? 'being prepared' : 'requested';
    if (underway) incident.joinedForce.push(request);
    incident.note('force_recovery', 'joined', `${said} — joins the restart already ${joined}`);
    return;
  }
  incident.forceRequests.push(request);
  incident.note('force_recovery', 'requested', said);
}

/** The update's validator for the rung a request names (absent: the incident's current rung). */
export function requireKnownRung(rung: unknown): void {
  if (rung !== undefined && !RUNGS.includes(rung as Rung)) throw new Error(`rung must be one of ${RUNGS.join(', ')}`);
}
