/**
 * Climbing the remediation ladder between attempts (docs/remediation.md, "Climbing"): a rung that
 * failed its verification hands over to the next without waiting for another CRITICAL (the last
 * rung repeats until ESCALATE_AFTER, counted across rungs); a rung that cannot be used at all (a
 * non-retryable failure of a rung that is not the last) hands over at once; a ladder with no rung
 * that cures the diagnosed fault calls people at once. Workflow code: deterministic.
 */
import type { Rung } from '../../shared/remediation-ladder';
import type { Incident } from './incident';
import { escalate } from './parking';

/** The rung of the incident's latest attempt (full-restart for an attempt from before the ladder). */
function lastRung(incident: Incident): Rung | undefined {
  const last = incident.view.attempts[incident.view.attempts.length - 1];
  return last ? (last.rung ?? 'full-restart') : undefined;
}

/** After a failed attempt: the next attempt takes the next rung; `stopping` (escalating, parked): no note. */
export function climb(incident: Incident, stopping: boolean): void {
  const rung = lastRung(incident);
  incident.rungs.climbAfter(rung);
  const next = incident.rungs.current().rung;
  if (!stopping && next !== rung && incident.rungs.ladder.length > 1) {
    incident.note('attempt_failed', 'next_rung', `the ${rung ?? 'full-restart'} rung did not recover the target: the next attempt takes ${next}`);
  }
}

/**
 * A non-retryable failure (no emergency-restart on this bridge, a refused token): when its rung is
 * not the last, nothing was restarted and the next rung goes at once (true). Parked (a forced
 * attempt), the incident parks again.
 */
export function nextRungAfterUnusable(incident: Incident, diagnosis: string, parked: boolean): boolean {
  const rung = lastRung(incident);
  if (rung === undefined || incident.rungs.isLast(rung)) return false;
  incident.rungs.climbAfter(rung);
  incident.note('attempt_failed', 'next_rung', `the ${rung} rung cannot be used (${diagnosis}): going on with ${incident.rungs.current().rung}`);
  if (parked) {
    incident.setStatus('ESCALATED');
    incident.note('escalated', 'still escalated', 'the forced attempt did not recover the target; parked again');
  }
  return true;
}

/** The diagnosis calls for a rung the target's ladder does not have: escalates at once (true). */
export function escalateWhenNoRungCures(incident: Incident): boolean {
  if (!incident.rungs.noCuringRung) return false;
  const { view, target } = incident;
  const rungs = incident.rungs.ladder.map((r) => r.rung).join(', ');
  escalate(
    incident,
    'no rung of the ladder cures this fault',
    `${view.evidence?.diagnosis.why ?? 'the fault'}: the ladder of ${target.id} (${rungs}) has no rung that cures it (a reinit cannot reach a bridge that does not answer, nor cure a dead database or sync service); last probe: ${incident.lastReport?.summary ?? 'none'}`,
  );
  return true;
}
