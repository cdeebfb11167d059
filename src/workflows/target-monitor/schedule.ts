/**
 * The target's recurring maintenance windows (MonitorInput.maintenance, from the targets file's
 * `maintenance:`) inside its long-lived monitor. An occurrence is an operator pause in every way
 * (no probes, alerts or restarts; recorded as maintenance in the roll-up; ended by the monitor's
 * durable timer, with a feed notification), set by "schedule" with the window's name as the
 * reason:
 *
 * - at the loop's top, `applySchedule` starts the pause of an occurrence in progress, and drops
 *   a scheduled pause the (new) schedule no longer has;
 * - while a watch runs, `startWindowTimer` holds a durable timer for the next occurrence's start
 *   that stops the watch (the loop then pauses);
 * - an operator's pause replaces a scheduled one (and when it ends within the occurrence, the
 *   schedule pauses again for the rest of it); an operator's resume ends the occurrence in
 *   progress for good (`scheduleResumedAt`): the next occurrence pauses again.
 *
 * An incident open when a window starts keeps its course (the pause never touches heal-<target>),
 * and no new incident opens during the window. Workflow code: Date.now() is the workflow's clock.
 */
import { CancellationScope, log, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../../shared/contracts';
import { NOTIFY_IN_APP_ACTIVITY_OPTIONS } from '../../shared/alert-policy';
import { currentOccurrence, nextOccurrence } from '../../shared/maintenance-schedule';
import { type MonitorPause, pauseNote } from './messages';
import type { MonitorState } from './state';

const { notifyInApp } = proxyActivities<Activities>(NOTIFY_IN_APP_ACTIVITY_OPTIONS);

/** Who a scheduled pause is by. */
export const SCHEDULE_BY = 'schedule';

const iso = (ms: number): string => new Date(ms).toISOString();

/** Starts or drops the scheduled pause as the schedule says at this instant. */
export async function applySchedule(state: MonitorState): Promise<void> {
  const windows = state.settings.maintenance;
  const targetId = state.settings.target.id;
  const nowMs = Date.now();
  const current = currentOccurrence(windows, nowMs);
  const scheduled = state.pause?.scheduled ? state.pause : undefined;
  if (scheduled) {
    if (current && scheduled.reason === current.name && scheduled.until === iso(current.endMs)) return;
    // The schedule changed under the pause (new settings): this occurrence is no longer declared.
    state.pause = undefined;
    state.note = `Maintenance window "${scheduled.reason}" no longer in the schedule: monitoring resumed`;
    log.info('Scheduled maintenance window withdrawn: monitoring resumes', { target: targetId, window: scheduled.reason });
  }
  if (state.pause || !current) return;
  const resumedMs = state.scheduleResumedAt ? Date.parse(state.scheduleResumedAt) : Number.NaN;
  if (current.startMs <= resumedMs) return; // an operator ended this occurrence
  const until = iso(current.endMs);
  const pause: MonitorPause = {
    by: SCHEDULE_BY,
    reason: current.name,
    until,
    note: pauseNote({ by: SCHEDULE_BY, reason: current.name, until }),
    at: iso(current.startMs),
    scheduled: true,
  };
  state.pause = pause;
  state.note = pause.note;
  log.info('Scheduled maintenance window started: monitoring paused', { target: targetId, note: pause.note });
  try {
    await notifyInApp({
      severity: 'INFO',
      targetId,
      text: `Maintenance window "${current.name}" of ${targetId} started: no checks, alerts or restarts until ${until} (paused by schedule; an open incident keeps its course)`,
      at: iso(nowMs),
    });
  } catch (err) {
    log.warn('Could not record the start of the maintenance window in the feed', { target: targetId, error: String(err) });
  }
}

/**
 * A durable timer for the next occurrence's start, calling `onStart` when it fires (the monitor
 * stops its watch). Returns how to cancel it (the watch ended first), or undefined when the
 * target has no window. Nothing is scheduled for a target without windows.
 */
export function startWindowTimer(state: MonitorState, onStart: () => void): (() => void) | undefined {
  const next = nextOccurrence(state.settings.maintenance, Date.now());
  if (!next) return undefined;
  const scope = new CancellationScope();
  void scope.run(() => sleep(next.startMs - Date.now())).then(onStart, () => undefined);
  return () => scope.cancel();
}
