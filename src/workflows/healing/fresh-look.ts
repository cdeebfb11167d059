/**
 * A fresh look before a restart. A restart drops the terminal's sessions for minutes, so one
 * that follows a wait (RESTART_COOLDOWN, the back-off between attempts, a forced attempt while
 * parked, a kill-switch hold, a CRITICAL handed on by a whole watch) looks at the target first:
 * a probe, and when it is healthy a second one VERIFY_INTERVAL later; healthy twice closes the
 * incident RECOVERED with no restart ("recovered before the restart was sent"). Without it a
 * bridge that came back during the wait was restarted anyway, and since every such incident ended
 * RECOVERED the loop restart → new incident → wait → restart never escalated.
 *
 * "Follows a wait" is judged by the age of the newest probe: older than FRESH_LOOK_AFTER_MS, the
 * target is looked at again. Right after the monitor confirmed the CRITICAL (a probe seconds old)
 * the restart goes at once, so detection-to-dispatch stays as short as it was.
 */
import { formatDuration } from '../../shared/duration';
import type { AttemptOutcome } from './outcome';
import { probe } from './calls';
import { type Incident, nowMs } from './incident';
import { isHealthyForRecovery } from './verdict';

/** A probe older than this is not a look at the target as it is now. */
export const FRESH_LOOK_AFTER_MS = 15_000;

/** Whether the newest probe of the incident is too old to restart on. */
export function needsFreshLook(incident: Incident): boolean {
  const probedAt = Date.parse(incident.lastReport?.observation?.probedAt ?? '');
  return !Number.isFinite(probedAt) || nowMs() - probedAt > FRESH_LOOK_AFTER_MS;
}

/**
 * Probes before the dispatch. Undefined: the target is still failing (or a probe could not run),
 * the restart goes ahead. `recovered` (method `before-restart`) on two healthy probes
 * VERIFY_INTERVAL apart; `resolved` when an operator resolves meanwhile.
 */
export async function freshLook(incident: Incident): Promise<AttemptOutcome | undefined> {
  const { policy, view } = incident;
  incident.doing('looking at the target again before the restart');
  if (!isHealthyForRecovery(await probe(incident))) return undefined;
  incident.note(
    'probe',
    'healthy',
    `healthy on a fresh look before the restart: looking once more in ${formatDuration(policy.verifyIntervalMs)} before sending anything`,
  );
  incident.doing(`the target looks healthy again: confirming in ${formatDuration(policy.verifyIntervalMs)} before any restart`);
  const woke = await incident.waitUntil(nowMs() + policy.verifyIntervalMs);
  if (!woke && view.resolution) return { kind: 'resolved' };
  const second = await probe(incident);
  if (!isHealthyForRecovery(second)) {
    incident.note('probe', 'failing', `failing again on the second look (${second?.summary ?? 'the probe could not run'}): the restart goes ahead`);
    return undefined;
  }
  incident.note(
    'verified',
    'healthy',
    `recovered before the restart was sent (two consecutive healthy probes ${formatDuration(policy.verifyIntervalMs)} apart): no restart`,
  );
  return { kind: 'recovered', method: 'before-restart' };
}
