/**
 * MaintenanceWindowWorkflow: the durable end of an operator's pause (one per target, workflow
 * id `autoheal-maintenance-<target>`). The pause itself is the paused monitor schedule (set by
 * the client before this starts); this workflow sleeps on a durable timer until the window's
 * end, then unpauses the schedule and says so in the in-app feed. A worker or server restart
 * only delays the end; `autoheal resume` terminates it; a new pause replaces it.
 */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities, UnpauseOutcome } from '../shared/contracts';
import { NOTIFY_IN_APP_ACTIVITY_OPTIONS } from '../shared/alert-policy';

export interface MaintenanceWindowInput {
  targetId: string;
  /** ISO time the window ends. */
  until: string;
  by: string;
  reason: string;
  /** The note the schedule was paused with: the window only ends that pause, not a newer one. */
  pauseNote: string;
}

export interface MaintenanceWindowResult {
  /** What the unpause found. */
  outcome: UnpauseOutcome;
  endedAt: string;
}

const { unpauseMonitorSchedule } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m' },
});
const { notifyInApp } = proxyActivities<Activities>(NOTIFY_IN_APP_ACTIVITY_OPTIONS);

/** The note the schedule gets when the window ends. */
export const windowEndedNote = (input: MaintenanceWindowInput): string =>
  `Maintenance window ended at ${input.until} (paused by ${input.by}: ${input.reason})`;

export async function maintenanceWindowWorkflow(input: MaintenanceWindowInput): Promise<MaintenanceWindowResult> {
  const remaining = Date.parse(input.until) - Date.now();
  if (remaining > 0) await sleep(remaining);
  const outcome = await unpauseMonitorSchedule(input.targetId, windowEndedNote(input), input.pauseNote);
  const endedAt = new Date(Date.now()).toISOString();
  if (outcome === 'unpaused') {
    await notifyInApp({
      severity: 'INFO',
      targetId: input.targetId,
      text: `Maintenance window of ${input.targetId} ended: monitoring resumed (paused by ${input.by}: ${input.reason})`,
      at: endedAt,
    });
  }
  return { outcome, endedAt };
}
