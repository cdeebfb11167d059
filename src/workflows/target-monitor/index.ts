/**
 * targetMonitorWorkflow: the one long-lived monitor of a target (workflow id
 * `autoheal-monitor-<target>`, started or re-configured by every worker start with
 * signal-with-start). Its watch activity probes every CHECK_INTERVAL and hands a report back
 * only when the classification changes, or when it is due (1 h healthy; sooner while a WARNING,
 * an intermittent fault or a CRITICAL lasts); then the workflow does what a monitor run did:
 * confirm a new CRITICAL with a re-probe after CONFIRM_DELAY and start `heal-<target>`, count an
 * unconfirmed one (intermittent faults), hand WARNING conditions to the warning watch. It
 * continues as new when its history grows, carrying its state.
 *
 * Maintenance windows live here too: `pauseMonitor` stops the watch until `resumeMonitor` or the
 * window's end (a durable timer), then monitoring resumes with a note in the in-app feed. An open
 * incident is not touched. The target's recurring windows (targets file `maintenance:`) pause it
 * the same way, by "schedule" (schedule.ts); the wait and its record: pause.ts. See
 * docs/maintenance.md and docs/PERFORMANCE.md.
 */
import {
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  setHandler,
  sleep,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
import { runAgeReached } from '../run-age';
import { MONITOR_CONTINUE_AS_NEW_EVENTS } from '../../shared/monitor-policy';
import type { MonitorInput } from '../../shared/types';
import { act, watchAndConfirm } from './cycle';
import {
  CONFIGURED_AT_MEMO,
  type MonitorPause,
  configureMonitorSignal,
  monitorStateQuery,
  pauseMonitorUpdate,
  pauseNote,
  resumeMonitorUpdate,
} from './messages';
import { recordPause, waitOutPause } from './pause';
import { applySchedule, startWindowTimer } from './schedule';
import { MonitorState, type TargetMonitorInput } from './state';

export type { TargetMonitorInput } from './state';

/** Back-off after a cycle failed in an unexpected way: the monitor never stops over one. */
const CYCLE_FAILURE_BACKOFF_MS = 5_000;

export async function targetMonitorWorkflow(input: TargetMonitorInput): Promise<void> {
  const state = new MonitorState(input);
  let pendingSettings: MonitorInput | undefined;
  let scope: CancellationScope | undefined;
  let interrupted = false;
  /** Stops the running watch (a pause, new settings): the loop starts over from its top. */
  const interrupt = () => {
    if (!scope) return;
    interrupted = true;
    scope.cancel();
  };

  // The memo holds the newest configuredAt, for reconciliation to read (a data-guarded command:
  // histories from before configuredAt existed carry none, so they replay unchanged).
  const stampMemo = (at: string) => {
    if (workflowInfo().memo?.[CONFIGURED_AT_MEMO] !== at) upsertMemo({ [CONFIGURED_AT_MEMO]: at });
  };
  if (state.configuredAt) stampMemo(state.configuredAt);

  setHandler(monitorStateQuery, () => state.view());
  setHandler(configureMonitorSignal, (signalled) => {
    const { configuredAt, overrideNewer, ...next } = signalled;
    if (configuredAt && state.configuredAt && configuredAt < state.configuredAt && !overrideNewer) {
      log.warn('Settings from an older configuration ignored', {
        target: state.settings.target.id,
        configuredAt,
        newest: state.configuredAt,
      });
      return;
    }
    if (configuredAt && configuredAt !== state.configuredAt) {
      state.configuredAt = configuredAt;
      stampMemo(configuredAt);
    }
    if (JSON.stringify(next) === JSON.stringify(pendingSettings ?? state.settings)) return;
    pendingSettings = next;
    interrupt();
  });
  setHandler(
    pauseMonitorUpdate,
    (request) => {
      const pause: MonitorPause = {
        by: request.by.trim(),
        reason: request.reason.trim(),
        ...(request.until ? { until: new Date(request.until).toISOString() } : {}),
        note: pauseNote({ by: request.by.trim(), reason: request.reason.trim(), until: request.until }),
        at: new Date().toISOString(),
      };
      state.pause = pause;
      state.note = pause.note;
      log.info('Monitoring paused', { target: state.settings.target.id, note: pause.note });
      interrupt();
      return state.view();
    },
    {
      validator: (request) => {
        if (typeof request?.by !== 'string' || !request.by.trim()) throw new Error('a pause needs by: who pauses');
        if (typeof request.reason !== 'string' || !request.reason.trim()) throw new Error('a pause needs reason: why');
        if (request.until !== undefined && !(Date.parse(request.until) > Date.now()))
          throw new Error(`the end of the pause (${request.until}) has already passed or is not a time`);
      },
    },
  );
  setHandler(
    resumeMonitorUpdate,
    (request) => {
      const wasPaused = state.pause !== undefined;
      if (wasPaused) {
        state.pause = undefined;
        // ends the occurrence of a scheduled window in progress too (its next one pauses again)
        if (state.settings.maintenance?.length) state.scheduleResumedAt = new Date().toISOString();
        state.note = `Resumed by ${request.by.trim()}`;
        log.info('Monitoring resumed', { target: state.settings.target.id, by: request.by });
      }
      return { wasPaused, view: state.view() };
    },
    {
      validator: (request) => {
        if (typeof request?.by !== 'string' || !request.by.trim()) throw new Error('resume needs by: who resumes');
      },
    },
  );

  const maxEvents = input.continueAsNewAfterEvents ?? MONITOR_CONTINUE_AS_NEW_EVENTS;
  const historyFull = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= maxEvents || runAgeReached();

  for (;;) {
    if (historyFull()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof targetMonitorWorkflow>({
        ...state.settings,
        ...(pendingSettings ?? {}),
        ...(state.configuredAt ? { configuredAt: state.configuredAt } : {}),
        carried: state.carry(),
        ...(input.continueAsNewAfterEvents ? { continueAsNewAfterEvents: input.continueAsNewAfterEvents } : {}),
        ...(input.maxWatchMs ? { maxWatchMs: input.maxWatchMs } : {}),
      });
    }
    if (pendingSettings) {
      state.settings = pendingSettings;
      pendingSettings = undefined;
      log.info('Monitor settings changed', { target: state.settings.target.id });
    }
    if (state.settings.maintenance?.length || state.pause?.scheduled) await applySchedule(state);
    if (state.pause) {
      const pause = state.pause;
      await waitOutPause(state, () => pendingSettings !== undefined || historyFull());
      await recordPause(state.settings.target.id, pause);
      continue;
    }

    interrupted = false;
    // The next scheduled window's start stops the watch (the loop's top then pauses).
    const cancelWindowTimer = startWindowTimer(state, interrupt);
    try {
      scope = new CancellationScope();
      const outcome = await scope.run(() => watchAndConfirm(state));
      scope = undefined;
      cancelWindowTimer?.();
      await act(state, outcome);
    } catch (err) {
      cancelWindowTimer?.();
      scope = undefined;
      if (isCancellation(err) && interrupted) {
        interrupted = false;
        continue;
      }
      if (isCancellation(err)) throw err; // the monitor itself was cancelled
      log.error('Monitor cycle failed; starting over', { target: state.settings.target.id, error: String(err) });
      await sleep(CYCLE_FAILURE_BACKOFF_MS);
    }
  }
}
