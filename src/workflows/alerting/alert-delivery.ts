/**
 * alertDeliveryWorkflow: the alerts of one target that must outlive the workflow that raised
 * them (workflow id `autoheal-alerts-<target>`). A closed incident hands over its last emails
 * (the recovery email, a CRITICAL email still waiting for SMTP) and is gone at once, so the
 * target's `heal-<target>` id is free for the next incident. The warning watch sends its WARNING
 * emails itself and, before it continues as new, hands over those not yet delivered (its own
 * attempts cancelled first, `warning-hand-over`), so an SMTP outage does not hold its
 * continue-as-new back; it waits for them only when the hand-over fails.
 *
 * Writers call the `handOverAlerts` activity (signal-with-start): the first hand-over starts
 * the workflow, and it completes when nothing is left to deliver. Each delivery is tried with
 * a backoff of 5 s doubling to 10 min (the alert retry policy) until it is delivered, fails for
 * good (the activity raised "alerts cannot be delivered" itself), or its 24 h have passed,
 * counted from the alert's event: then the in-app feed gets the CRITICAL notice "Alerts cannot
 * be delivered" (one per cause per UTC day). The retries are the workflow's own (durable
 * timers; an activity with a single attempt, at most one at a time per delivery), so between
 * two attempts nothing is in flight and the workflow can continue as new during an SMTP outage
 * of any length, carrying what is pending: its history stays bounded.
 *
 * The other channels (Slack, Telegram, the JSON webhook, PagerDuty) arrive here too, one
 * delivery per channel and event (`channel:<name>:<event>`, expanded by the worker's hand-over
 * from the routes), retried the same way and independently: a channel down holds back neither
 * another channel nor email.
 *
 * Delivery is at-least-once, with the same Message-ID each time (mail clients show it once): an
 * email whose attempt was accepted by the SMTP server just as a worker died is sent again, and
 * so is one a closing incident handed over while its own attempt was running (the incident does
 * not cancel it; the warning watch does, and hands over only what was not delivered).
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { runAgeReached } from '../run-age';
import { ALERTS_UNDELIVERABLE_TEXT, undeliverableNoticeId } from '../../shared/alert-feed';
import {
  ALERT_DELIVERY_BUDGET_MS,
  ALERT_EMAIL_RETRY_FIRST_MS,
  ALERT_EMAIL_RETRY_MAX_MS,
  NON_RETRYABLE_ALERT_ERRORS,
} from '../../shared/alert-policy';
import type { Activities, AlertDelivery } from '../../shared/contracts';
import { describeError } from '../../shared/errors';

/** A delivery waiting for its next attempt; carried across continue-as-new. */
export interface PendingDelivery extends AlertDelivery {
  /** Attempts made so far. */
  attempts: number;
  /** Workflow time (ms) of the next attempt. */
  nextAttemptAt: number;
  lastError?: string;
}

export interface AlertDeliveryInput {
  targetId: string;
  /** Deliveries carried across continue-as-new. */
  pending?: PendingDelivery[];
  /** Ids recently delivered or given up (a hand-over repeated by a retried activity is ignored). */
  done?: string[];
  /** Continue as new after this many history events (default: when suggested, or 5000). */
  continueAsNewAfterEvents?: number;
}

export const alertsHandedOverSignal = defineSignal<[AlertDelivery[]]>('alertsHandedOver');
/** What is waiting for delivery (tests, doctor, the Web UI). */
export const pendingAlertsQuery = defineQuery<PendingDelivery[]>('pendingAlerts');

const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 5_000;
/** How many delivered ids are remembered for deduplication. */
const DONE_LIMIT = 200;

// One attempt per activity: the retries are this workflow's, on durable timers (see above).
const { sendAlertEmail } = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  retry: { maximumAttempts: 1 },
});
const { sendAlertToChannel } = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  retry: { maximumAttempts: 1 },
});
const { notifyInApp } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 1 },
});

export async function alertDeliveryWorkflow(input: AlertDeliveryInput): Promise<void> {
  const { targetId } = input;
  const pending = new Map<string, PendingDelivery>((input.pending ?? []).map((d) => [d.id, d]));
  const done: string[] = [...(input.done ?? [])];
  const inFlight = new Set<string>();
  let changes = 0;

  const add = (delivery: AlertDelivery, now = Date.now()) => {
    if (pending.has(delivery.id) || done.includes(delivery.id)) return;
    pending.set(delivery.id, { ...delivery, attempts: 0, nextAttemptAt: now });
    changes += 1;
  };
  const finish = (id: string) => {
    pending.delete(id);
    done.push(id);
    if (done.length > DONE_LIMIT) done.splice(0, done.length - DONE_LIMIT);
    changes += 1;
  };

  setHandler(alertsHandedOverSignal, (deliveries) => {
    for (const d of deliveries) add(d);
  });
  setHandler(pendingAlertsQuery, () => [...pending.values()].map((d) => ({ ...d })));

  /** Gives up on a delivery whose 24 h have passed: the CRITICAL notice, itself delivered durably. */
  const giveUp = (d: PendingDelivery) => {
    log.error(`${d.label} not delivered within 24 h: giving up`, { targetId, lastError: d.lastError });
    finish(d.id);
    if (!d.email && !d.channel) return; // an in-app notification that cannot be written: the log line above
    const now = Date.now();
    const where = d.channel ? `${d.channel.name}` : 'the SMTP server';
    const check = d.channel
      ? `check the network and the ${d.channel.name} settings, then run autoheal test-alert --channel ${d.channel.name}`
      : 'check SMTP_HOST, SMTP_PORT and the network, then run autoheal test-alert';
    add({
      id: `notice:${d.id}`,
      label: '"alerts cannot be delivered" notice',
      giveUpAt: new Date(now + ALERT_DELIVERY_BUDGET_MS).toISOString(),
      inApp: {
        id: undeliverableNoticeId(d.channel ? `channel-unreachable:${d.channel.name}` : 'smtp-unreachable', new Date(now)),
        severity: 'CRITICAL',
        targetId,
        text: `${ALERTS_UNDELIVERABLE_TEXT}: the ${d.label} of ${targetId} was retried for 24 h without reaching ${where} (last error: ${d.lastError ?? 'unknown'}); ${check}`,
        at: new Date(now).toISOString(),
      },
    });
  };

  const attempt = async (d: PendingDelivery) => {
    inFlight.add(d.id);
    try {
      if (d.email) await sendAlertEmail(d.email);
      else if (d.inApp) await notifyInApp(d.inApp);
      else if (d.channel) await sendAlertToChannel(d.channel.name, d.channel.event);
      finish(d.id);
    } catch (err) {
      const failure = err instanceof ActivityFailure ? err.cause : err;
      const permanent =
        failure instanceof ApplicationFailure &&
        (failure.nonRetryable ||
          (NON_RETRYABLE_ALERT_ERRORS as readonly string[]).includes(failure.type ?? ''));
      d.attempts += 1;
      d.lastError = describeError(err);
      if (permanent) {
        // the alert activity already raised "alerts cannot be delivered" (and logged it)
        log.error(`${d.label} cannot be delivered`, { targetId, error: d.lastError });
        finish(d.id);
      } else {
        const backoff = Math.min(
          ALERT_EMAIL_RETRY_FIRST_MS * 2 ** (d.attempts - 1),
          ALERT_EMAIL_RETRY_MAX_MS,
        );
        d.nextAttemptAt = Date.now() + backoff;
        if (d.nextAttemptAt > Date.parse(d.giveUpAt)) giveUp(d);
        changes += 1;
      }
    } finally {
      inFlight.delete(d.id);
    }
  };

  const maxEvents = input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS;
  const historyFull = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= maxEvents || runAgeReached();

  /**
   * Channel deliveries of one incident go to a channel in the order they were handed over (a
   * PagerDuty acknowledge or resolve after its trigger): a later one waits for the earlier ones.
   */
  const waitingForEarlier = () => {
    const seen = new Set<string>();
    const held = new Set<string>();
    for (const d of pending.values()) {
      if (!d.channel || !('incidentId' in d.channel.event)) continue;
      const key = `${d.channel.name}|${d.channel.event.incidentId}`;
      if (seen.has(key)) held.add(d.id);
      seen.add(key);
    }
    return held;
  };

  for (;;) {
    const draining = historyFull();
    const now = Date.now();
    const held = waitingForEarlier();
    if (!draining) {
      for (const d of pending.values())
        if (!inFlight.has(d.id) && !held.has(d.id) && d.nextAttemptAt <= now) void attempt(d);
    }
    if (draining && inFlight.size === 0) break;
    if (pending.size === 0 && inFlight.size === 0) {
      await condition(allHandlersFinished);
      if (pending.size === 0) return; // nothing left: a later hand-over starts a new run
      continue;
    }
    const waiting = [...pending.values()].filter((d) => !inFlight.has(d.id) && !held.has(d.id)).map((d) => d.nextAttemptAt);
    const seen = changes;
    const wake = () => changes !== seen || (!draining && historyFull());
    if (waiting.length && !draining) await condition(wake, Math.max(1, Math.min(...waiting) - Date.now()));
    else await condition(wake);
  }
  await condition(allHandlersFinished);
  await continueAsNew<typeof alertDeliveryWorkflow>({
    ...input,
    pending: [...pending.values()],
    done,
  });
}
