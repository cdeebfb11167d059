/**
 * The monitor's pause (a maintenance window: an operator's, or a recurring one of the schedule):
 * the wait while it lasts, its end by its own durable timer (with a feed notification), and its
 * record as maintenance in the target's roll-up. Workflow code.
 */
import { condition, log, proxyActivities, setCurrentDetails } from '@temporalio/workflow';
import type { Activities } from '../../shared/contracts';
import { NOTIFY_IN_APP_ACTIVITY_OPTIONS } from '../../shared/alert-policy';
import { runAgeLeftMs } from '../run-age';
import { type MonitorPause, windowEndedNote } from './messages';
import type { MonitorState } from './state';

const { notifyInApp } = proxyActivities<Activities>(NOTIFY_IN_APP_ACTIVITY_OPTIONS);
/** The roll-up's record of a maintenance window: a few quick tries; the monitor never waits long on it. */
const { recordMaintenance } = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', maximumAttempts: 3 },
});

/**
 * Records the pause, from its start to now (or its window's end), as maintenance in the target's
 * roll-up: neither up nor down in the report. Called each time the wait ends (resumed, replaced,
 * new settings, continue-as-new): the roll-up merges the overlapping spans.
 */
export async function recordPause(targetId: string, pause: MonitorPause): Promise<void> {
  const nowMs = Date.now();
  const untilMs = pause.until ? Date.parse(pause.until) : Number.NaN;
  const end = new Date(Number.isFinite(untilMs) ? Math.min(untilMs, nowMs) : nowMs).toISOString();
  try {
    await recordMaintenance(targetId, [pause.at, end]);
  } catch (err) {
    log.warn('The maintenance window could not be recorded in the roll-up: the report counts it as unknown', { target: targetId, error: String(err) });
  }
}

/**
 * Waits while paused: until resumed, a new pause replaces this one, new settings arrive, the
 * history is full or old (MAX_RUN_AGE_MS: the pause goes on in the next run), or the window's
 * end (then the pause ends here, with a feed notification).
 */
export async function waitOutPause(state: MonitorState, otherwise: () => boolean): Promise<void> {
  const pause = state.pause as MonitorPause;
  state.phase = 'paused';
  setCurrentDetails(`${pause.note}: no probes, alerts or restarts for ${state.settings.target.id}. An open incident is not touched.`);
  const changed = () => state.pause !== pause || otherwise();
  const untilMs = pause.until === undefined ? Number.POSITIVE_INFINITY : Date.parse(pause.until);
  const remaining = untilMs - Date.now();
  const woken = remaining > 0 ? await condition(changed, Math.min(remaining, runAgeLeftMs())) : changed();
  if (woken || state.pause !== pause || Date.now() < untilMs) return;
  state.pause = undefined;
  state.note = windowEndedNote(pause);
  const targetId = state.settings.target.id;
  log.info('Maintenance window ended: monitoring resumes', { target: targetId });
  try {
    await notifyInApp({
      severity: 'INFO',
      targetId,
      text: `Maintenance window of ${targetId} ended: monitoring resumed (paused by ${pause.by}: ${pause.reason})`,
      at: new Date().toISOString(),
    });
  } catch (err) {
    log.warn('Could not record the end of the maintenance window in the feed', { target: targetId, error: String(err) });
  }
}
