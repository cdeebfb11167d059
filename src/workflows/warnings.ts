/**
 * WarningWatchWorkflow: WARNING routing with deduplication that survives restarts (one per
 * target, workflow id `autoheal-warnings-<target>`). Monitor runs are short (one per schedule
 * firing), so they report the WARNING conditions they see with `reportWarnings`, and this
 * long-running workflow decides what to send:
 *
 * - a condition is news once it has been observed without a break (no gap over `clearAfterMs`)
 *   for `holdMs` (WARNING_HOLD, 2 min): seen at `since` and seen again at `since + holdMs` or
 *   later. Then: WARNING email + in-app WARNING notification. A condition seen once, or for less
 *   than the hold, sends nothing (a bridge refilling its cache after a restart shows lagging
 *   accounts for a minute or two: not news). Like Alertmanager's `for`;
 * - while it lasts: at most one reminder email per `reminderIntervalMs` (1 h), sent only when
 *   the condition is observed again after the interval (a reminder is always true);
 * - never two emails about one condition within `reminderIntervalMs`, even when it clears and
 *   comes back: a condition that comes and goes for two hours produces at most three emails;
 * - a condition not observed for `clearAfterMs` (10 min) has cleared: its next sighting opens a
 *   new episode (a new thread), emailed once it has lasted the hold and the interval since its
 *   last email has passed.
 *
 * Histories started before the hold (no `warning-hold` patch marker) replay the old way: an
 * email at a condition's first sighting.
 *
 * Emails go out in the background with the alert retry policy (24 h), so an SMTP outage never
 * holds back the handling of new observations. The workflow continues as new to bound its
 * history, carrying its state.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  log,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { WarningCondition } from '../shared/alert-conditions';

export { warningConditions, type WarningCondition } from '../shared/alert-conditions';
import { DEFAULT_WARNING_CLEAR_AFTER_MS, DEFAULT_WARNING_HOLD_MS } from '../shared/alert-policy';
import type { WarningAlert } from '../shared/contracts';
import { AlertOutbox } from './alert-outbox';

export interface WarningObservation {
  conditions: WarningCondition[];
  /** ISO time of the probe that saw them. */
  at: string;
}

/** One tracked condition, carried across continue-as-new. */
export interface TrackedWarning {
  key: string;
  issue: string;
  episodeId: string;
  /** Workflow time (ms) of the episode's first sighting. */
  since: number;
  lastSeen: number;
  /** Workflow time (ms) of the last email about the condition; 0 while none was sent (held). */
  lastEmailAt: number;
  /** Emails sent in this episode (1 = the first; 0 = observed, held, not emailed yet). */
  emails: number;
  /**
   * Workflow time (ms) the current unbroken run of sightings began (no gap over `clearAfterMs`):
   * the hold counts from it. Absent in state carried from before the hold: `since` stands in.
   */
  seenSince?: number;
}

export interface WarningWatchInput {
  targetId: string;
  /** Minimum time between two emails about one condition (REMINDER_INTERVAL, 1 h). */
  reminderIntervalMs: number;
  /** A condition not observed for this long has cleared (default 10 min). */
  clearAfterMs?: number;
  /**
   * A condition is emailed only once observed without a break for this long (WARNING_HOLD,
   * default 2 min). 0: at its first sighting.
   */
  holdMs?: number;
  /** Observations to handle first (the one that started the workflow). */
  observations?: WarningObservation[];
  /** State carried across continue-as-new. */
  tracked?: TrackedWarning[];
  /** Continue as new after this many history events (default: when suggested, or 5000). */
  continueAsNewAfterEvents?: number;
}

export const warningsObservedSignal = defineSignal<[WarningObservation]>('warningsObserved');
/** The conditions being tracked (held ones too, `emails: 0`), for the dashboard and tests. */
export const trackedWarningsQuery = defineQuery<TrackedWarning[]>('trackedWarnings');

const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 5_000;

/** Patch id of the hold: histories without its marker email at a condition's first sighting. */
export const WARNING_HOLD_PATCH = 'warning-hold';

export async function WarningWatchWorkflow(input: WarningWatchInput): Promise<void> {
  const { targetId, reminderIntervalMs } = input;
  const clearAfterMs = input.clearAfterMs ?? DEFAULT_WARNING_CLEAR_AFTER_MS;
  const holdMs = input.holdMs ?? DEFAULT_WARNING_HOLD_MS;
  const tracked = new Map<string, TrackedWarning>((input.tracked ?? []).map((t) => [t.key, t]));

  const outbox = new AlertOutbox((label, err) => {
    if (!isCancellation(err)) log.error(`${label} not delivered`, { targetId, error: String(err) });
  });
  const send = (t: TrackedWarning, at: string) => {
    const event: WarningAlert = {
      kind: 'warning',
      targetId,
      at,
      conditionKey: t.key,
      issue: t.issue,
      occurrence: t.emails,
      episodeId: t.episodeId,
      since: new Date(t.since).toISOString(),
    };
    const text = t.emails > 1 ? `Still observed (reminder ${t.emails - 1}): ${t.issue}` : t.issue;
    outbox.emailAndInApp(`WARNING alert (${t.key})`, event, { severity: 'WARNING', targetId, text, at });
  };

  /** Before the hold (histories without the patch marker): an email at the first sighting. */
  const observeWithoutHold = (observation: WarningObservation) => {
    const now = Date.now();
    for (const c of observation.conditions) {
      const t = tracked.get(c.key);
      if (!t) {
        const fresh = {
          key: c.key,
          issue: c.issue,
          episodeId: `${c.key}@${now}`,
          since: now,
          lastSeen: now,
          lastEmailAt: now,
          emails: 1,
        };
        tracked.set(c.key, fresh);
        send(fresh, observation.at);
        continue;
      }
      const cleared = now - t.lastSeen > clearAfterMs;
      const emailDue = now - t.lastEmailAt >= reminderIntervalMs;
      t.issue = c.issue;
      t.lastSeen = now;
      if (!emailDue) continue; // at most one email per condition per interval, cleared or not
      if (cleared) Object.assign(t, { episodeId: `${c.key}@${now}`, since: now, emails: 0 });
      t.emails += 1;
      t.lastEmailAt = now;
      send(t, observation.at);
    }
  };

  const observe = (observation: WarningObservation) => {
    if (!patched(WARNING_HOLD_PATCH)) return observeWithoutHold(observation);
    const now = Date.now();
    for (const c of observation.conditions) {
      let t = tracked.get(c.key);
      if (!t) {
        t = {
          key: c.key,
          issue: c.issue,
          episodeId: `${c.key}@${now}`,
          since: now,
          seenSince: now,
          lastSeen: now,
          lastEmailAt: 0,
          emails: 0,
        };
        tracked.set(c.key, t);
      } else if (now - t.lastSeen > clearAfterMs) {
        t.seenSince = now; // it cleared in between: the hold starts over
        if (t.emails === 0) Object.assign(t, { episodeId: `${c.key}@${now}`, since: now });
      }
      t.issue = c.issue;
      t.lastSeen = now;
      const seenSince = t.seenSince ?? t.since;
      if (now - seenSince < holdMs) continue; // not observed long enough to be news
      if (t.emails > 0 && now - t.lastEmailAt < reminderIntervalMs) continue; // one email per interval
      // first email of an episode: never emailed, or cleared since the last email
      if (t.emails === 0 || seenSince > t.lastEmailAt)
        Object.assign(t, { episodeId: `${c.key}@${seenSince}`, since: seenSince, emails: 0 });
      t.emails += 1;
      t.lastEmailAt = now;
      send(t, observation.at);
    }
  };

  /** Forgets conditions that cleared and whose email window has passed (held ones: once cleared). */
  const forget = () => {
    const now = Date.now();
    for (const [key, t] of tracked) {
      if (now - t.lastSeen > clearAfterMs && now - t.lastEmailAt >= reminderIntervalMs) tracked.delete(key);
    }
  };
  const nextForgetIn = (): number | undefined => {
    const now = Date.now();
    const times = [...tracked.values()].map(
      (t) => Math.max(t.lastSeen + clearAfterMs + 1, t.lastEmailAt + reminderIntervalMs) - now,
    );
    return times.length ? Math.max(1_000, Math.min(...times)) : undefined;
  };

  setHandler(warningsObservedSignal, observe);
  setHandler(trackedWarningsQuery, () => [...tracked.values()].map((t) => ({ ...t })));
  for (const observation of input.observations ?? []) observe(observation);

  const maxEvents = input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS;
  const historyFull = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= maxEvents;
  while (!historyFull()) {
    const wait = nextForgetIn();
    if (wait === undefined) await condition(() => historyFull() || tracked.size > 0);
    else await condition(historyFull, wait);
    forget();
  }
  // finish the deliveries in flight first: continuing as new would abandon them
  await condition(() => outbox.idle() && allHandlersFinished());
  await continueAsNew<typeof WarningWatchWorkflow>({
    ...input,
    observations: [],
    tracked: [...tracked.values()],
  });
}
