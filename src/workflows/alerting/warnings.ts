/**
 * warningWatchWorkflow: WARNING routing with deduplication that survives restarts (one per
 * target, workflow id `autoheal-warnings-<target>`). The long-lived monitor reports the WARNING
 * conditions it sees with `reportWarnings`, and this long-running workflow decides what to send
 * (the per-condition rules are in warning-tracker.ts):
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
 *   last email has passed;
 * - conditions that fall due within `groupWaitMs` (WARNING_GROUP_WAIT, 30 s) of the first one
 *   go out as one email naming them all, like Alertmanager's `group_wait`;
 * - each observation carries the target's current policy (hold, reminder interval, group wait),
 *   and the watch adopts it: a changed WARNING_HOLD reaches a running watch.
 *
 * Emails go out in the background with the alert retry policy (24 h), so an SMTP outage never
 * holds back the handling of new observations. The workflow continues as new to bound its
 * history, carrying its state; the deliveries still in flight are handed to the target's
 * alertDeliveryWorkflow first, so a long SMTP outage does not hold the
 * continue-as-new back; only when that fails does it wait for them.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  log,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { WarningCondition } from '../../shared/alert-conditions';

export { warningConditions, type WarningCondition } from '../../shared/alert-conditions';
import {
  DEFAULT_WARNING_CLEAR_AFTER_MS,
  DEFAULT_WARNING_GROUP_WAIT_MS,
  DEFAULT_WARNING_HOLD_MS,
} from '../../shared/alert-policy';
import type { WarningAlert, WarningAlertCondition } from '../../shared/contracts';
import { AlertOutbox } from './alert-outbox';
import { runAgeLeftMs, runAgeReached } from '../run-age';
import { type TrackedWarning, WarningTracker } from './warning-tracker';

export type { TrackedWarning } from './warning-tracker';

/** The WARNING policy of a target, as the monitor has it (from the worker's configuration). */
export interface WarningPolicy {
  /** REMINDER_INTERVAL. */
  reminderIntervalMs: number;
  /** WARNING_HOLD; absent: 2 min. */
  holdMs?: number;
  /** WARNING_GROUP_WAIT; absent: 30 s. */
  groupWaitMs?: number;
}

export interface WarningObservation {
  conditions: WarningCondition[];
  /** ISO time of the probe that saw them. */
  at: string;
  /** The target's current policy; the watch adopts it. */
  policy?: WarningPolicy;
}

/** Conditions due for an email, waiting for the rest of their group; carried across continue-as-new. */
export interface WarningGroup {
  /** Workflow time (ms) the email goes out. */
  flushAt: number;
  items: Array<WarningAlertCondition & { at: string }>;
}

export interface WarningWatchInput extends WarningPolicy {
  targetId: string;
  /** A condition not observed for this long has cleared (default 10 min). */
  clearAfterMs?: number;
  /** Observations to handle first (the one that started the workflow). */
  observations?: WarningObservation[];
  /** State carried across continue-as-new. */
  tracked?: TrackedWarning[];
  /** A group carried across continue-as-new. */
  group?: WarningGroup;
  /** Continue as new after this many history events (default: when suggested, or 5000). */
  continueAsNewAfterEvents?: number;
}

export const warningsObservedSignal = defineSignal<[WarningObservation]>('warningsObserved');
/** The conditions being tracked (held ones too, `emails: 0`), for the dashboard and tests. */
export const trackedWarningsQuery = defineQuery<TrackedWarning[]>('trackedWarnings');

const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 5_000;

export async function warningWatchWorkflow(input: WarningWatchInput): Promise<void> {
  const { targetId } = input;
  const rules = {
    reminderIntervalMs: input.reminderIntervalMs,
    holdMs: input.holdMs ?? DEFAULT_WARNING_HOLD_MS,
    clearAfterMs: input.clearAfterMs ?? DEFAULT_WARNING_CLEAR_AFTER_MS,
  };
  let groupWaitMs = input.groupWaitMs ?? DEFAULT_WARNING_GROUP_WAIT_MS;
  const tracker = new WarningTracker(input.tracked ?? [], rules);
  let group = input.group;
  let groupsOpened = 0;

  // cancellable deliveries: the hand-over before a continue-as-new cancels them first
  const outbox = new AlertOutbox(
    (label, err) => {
      if (!isCancellation(err)) log.error(`${label} not delivered`, { targetId, error: String(err) });
    },
    { cancellable: true },
  );
  const describe = (c: WarningAlertCondition) =>
    c.occurrence > 1 ? `Still observed (reminder ${c.occurrence - 1}): ${c.issue}` : c.issue;
  /** One email (and in-app notification) naming every condition of `items`. */
  const send = (items: Array<WarningAlertCondition & { at: string }>) => {
    const conditions = items.map(({ at: _at, ...c }) => c);
    const [first] = items as [WarningAlertCondition & { at: string }];
    const event: WarningAlert = {
      kind: 'warning',
      targetId,
      ...first,
      ...(conditions.length > 1 ? { conditions } : {}),
    };
    const text =
      conditions.length > 1
        ? `${conditions.length} WARNING conditions: ${conditions.map(describe).join('; ')}`
        : describe(first);
    const keys = conditions.map((c) => c.conditionKey).join(', ');
    const conditionKeys = conditions.map((c) => c.conditionKey);
    outbox.emailAndInApp(`WARNING alert (${keys})`, event, { severity: 'WARNING', targetId, text, at: first.at, conditionKeys });
  };
  const item = (t: TrackedWarning, at: string) => ({
    at,
    conditionKey: t.key,
    issue: t.issue,
    occurrence: t.emails,
    episodeId: t.episodeId,
    since: new Date(t.since).toISOString(),
  });
  const flush = () => {
    const due = group;
    group = undefined;
    if (due?.items.length) send(due.items);
  };

  const adopt = (policy: WarningPolicy) => {
    if (!(policy.reminderIntervalMs > 0)) return;
    rules.reminderIntervalMs = policy.reminderIntervalMs;
    rules.holdMs = policy.holdMs ?? DEFAULT_WARNING_HOLD_MS;
    groupWaitMs = policy.groupWaitMs ?? DEFAULT_WARNING_GROUP_WAIT_MS;
  };

  const observe = (observation: WarningObservation) => {
    if (observation.policy) adopt(observation.policy);
    const due = tracker.observe(observation.conditions, Date.now());
    if (!due.length) return;
    const items = due.map((t) => item(t, observation.at));
    if (group) group.items.push(...items);
    else {
      group = { flushAt: Date.now() + groupWaitMs, items };
      groupsOpened += 1;
    }
    if (Date.now() >= group.flushAt) flush(); // WARNING_GROUP_WAIT=0s: at once
  };

  setHandler(warningsObservedSignal, observe);
  setHandler(trackedWarningsQuery, () => tracker.list());
  for (const observation of input.observations ?? []) observe(observation);

  const maxEvents = input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS;
  const historyFull = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= maxEvents || runAgeReached();
  while (!historyFull()) {
    const opened = groupsOpened;
    const forgetIn = tracker.nextForgetIn(Date.now());
    const flushIn = group ? Math.max(1, group.flushAt - Date.now()) : undefined;
    const waits = [forgetIn, flushIn].filter((w): w is number => w !== undefined);
    // a new group wakes the loop, so that its email is not held back by a longer wait
    const woken = () => historyFull() || groupsOpened !== opened;
    if (!waits.length) await condition(() => woken() || tracker.tracked.size > 0, runAgeLeftMs());
    else await condition(woken, Math.min(...waits, runAgeLeftMs()));
    if (group && Date.now() >= group.flushAt) flush();
    tracker.forget(Date.now());
  }
  // hand the deliveries in flight over (those sent by observations handled meanwhile too), or,
  // when that fails, finish them: continuing as new would abandon them
  for (let handingOver = true; ; ) {
    while (handingOver && !outbox.idle()) handingOver = await handOver(outbox, targetId);
    await condition(() => (handingOver || outbox.idle()) && allHandlersFinished());
    if (outbox.idle()) break;
  }
  await continueAsNew<typeof warningWatchWorkflow>({
    ...input,
    reminderIntervalMs: rules.reminderIntervalMs,
    holdMs: rules.holdMs,
    groupWaitMs,
    observations: [],
    tracked: tracker.list(),
    group,
  });
}

/** One hand-over (see AlertOutbox.cancelAndHandOver); false when it failed. */
async function handOver(outbox: AlertOutbox, targetId: string): Promise<boolean> {
  if (await outbox.cancelAndHandOver(targetId)) return true;
  log.warn('Alert delivery workflow unreachable: waiting for the WARNING deliveries in flight', { targetId });
  return false;
}
