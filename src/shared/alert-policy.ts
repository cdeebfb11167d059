/**
 * How workflows call the alert activities: the retry policy of alert emails, the options of
 * in-app notifications, and the ids of the alerting workflows. Workflow-safe: plain data.
 *
 * An alert email is retried with backoff for 24 h (SMTP down, timeouts, 4xx answers) and never
 * by the workflow itself; a permanent failure (login refused, every recipient rejected, no
 * recipient configured) is an `AlertsUndeliverableError`, which is not retried.
 */
import type { ActivityOptions, RetryPolicy } from '@temporalio/common';
import type { AlertChannelName, AlertDelivery, AlertEvent, ChannelEvent, InAppNotification } from './contracts';

/** Error type names of alert failures that retrying can't fix (match `ApplicationFailure.type`). */
export const NON_RETRYABLE_ALERT_ERRORS = ['AlertsUndeliverableError'] as const;

/** First and longest wait between two attempts of one alert email. */
export const ALERT_EMAIL_RETRY_FIRST_MS = 5_000;
export const ALERT_EMAIL_RETRY_MAX_MS = 10 * 60_000;

/** How long an alert is tried before "alerts cannot be delivered": 24 h from its event. */
export const ALERT_DELIVERY_BUDGET_MS = 24 * 60 * 60_000;

/** Retry policy of `sendAlertEmail`: 5 s doubling to 10 min between attempts. */
export const ALERT_EMAIL_RETRY: RetryPolicy = {
  initialInterval: ALERT_EMAIL_RETRY_FIRST_MS,
  backoffCoefficient: 2,
  maximumInterval: ALERT_EMAIL_RETRY_MAX_MS,
  nonRetryableErrorTypes: [...NON_RETRYABLE_ALERT_ERRORS],
};

/**
 * Activity options of `sendAlertEmail`: one attempt may take 2 min (connect, STARTTLS, login,
 * send), attempts go on for 24 h. Start the activity without awaiting it before the healing
 * steps: an undeliverable alert must never delay recovery.
 */
export const ALERT_EMAIL_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2m',
  scheduleToCloseTimeout: '24h',
  retry: ALERT_EMAIL_RETRY,
};

/** Activity options of `notifyInApp`: a signal to the feed workflow; retried for an hour. */
export const NOTIFY_IN_APP_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m' },
};

/** Default interval between two emails about one WARNING condition (REMINDER_INTERVAL). */
export const DEFAULT_WARNING_REMINDER_MS = 60 * 60_000;

/** A WARNING condition not observed for this long has cleared (default). */
export const DEFAULT_WARNING_CLEAR_AFTER_MS = 10 * 60_000;

/**
 * A WARNING condition is emailed only once it has been observed without a break for this long
 * (WARNING_HOLD, default): a bridge refilling its cache after a restart shows lagging accounts
 * for a minute or two, which is not news.
 */
export const DEFAULT_WARNING_HOLD_MS = 2 * 60_000;

/**
 * WARNING conditions that fall due within this long of the first one go out as one email
 * (WARNING_GROUP_WAIT, default; like Alertmanager's `group_wait`, whose default is also 30 s):
 * two accounts failing together are one email naming both, not two emails seconds apart. Short
 * next to the hold, so a WARNING is delayed little; long enough for conditions the monitor sees
 * one or two probes apart.
 */
export const DEFAULT_WARNING_GROUP_WAIT_MS = 30_000;

/** The stable id of an alert email: one per event (the same inputs as its Message-ID). */
export function emailDeliveryId(event: AlertEvent): string {
  const which =
    event.kind === 'warning'
      ? `${event.episodeId ?? event.conditionKey}.${event.occurrence}`
      : event.kind === 'reminder'
        ? String(event.reminder)
        : event.kind === 'digest'
          ? event.digest.period
        : event.kind === 'flapping' || event.kind === 'flapping_stopped'
          ? event.episodeId
        : 'incidentId' in event
          ? event.incidentId
          : '';
  return `email:${event.kind}:${event.targetId}:${which}:${event.at}`;
}

/** The email of an alert event as a delivery, tried for 24 h from the event. */
export function emailDelivery(event: AlertEvent): AlertDelivery {
  return { id: emailDeliveryId(event), label: `${event.kind} email`, email: event, giveUpAt: giveUpAt(event.at) };
}

/** An in-app notification as a delivery, tried for 24 h from its time. */
export function inAppDelivery(notification: InAppNotification & { id?: string }): AlertDelivery {
  const n = notification;
  return {
    id: `in-app:${n.id ?? `${n.at}|${n.severity}|${n.targetId}|${n.incidentId ?? ''}|${n.text}`}`,
    label: `${n.severity} in-app notification`,
    inApp: n,
    giveUpAt: giveUpAt(n.at),
  };
}

/** The stable key of an event sent to the channels (the email's for an emailed event). */
export function channelEventKey(event: ChannelEvent): string {
  if (event.kind === 'acknowledged' || event.kind === 'resolved')
    return `${event.kind}:${event.targetId}:${event.incidentId}:${event.at}`;
  return emailDeliveryId(event).replace(/^email:/, '');
}

/**
 * An event for every channel its route names: `handOverAlerts` expands it, in the worker, into
 * one delivery per channel (`channelDelivery`); tried for 24 h from the event.
 */
export function routeDelivery(event: ChannelEvent): AlertDelivery {
  return { id: `route:${channelEventKey(event)}`, label: `${event.kind} to the channels`, route: event, giveUpAt: giveUpAt(event.at) };
}

/** One event for one channel: its own id, its own retries (a channel down never holds another back). */
export function channelDelivery(name: AlertChannelName, event: ChannelEvent): AlertDelivery {
  return {
    id: `channel:${name}:${channelEventKey(event)}`,
    label: `${event.kind} to ${name}`,
    channel: { name, event },
    giveUpAt: giveUpAt(event.at),
  };
}

function giveUpAt(at: string): string {
  const t = Date.parse(at);
  return new Date((Number.isFinite(t) ? t : 0) + ALERT_DELIVERY_BUDGET_MS).toISOString();
}

/** Activity options of `handOverAlerts` (a signal-with-start): quick, a few retries. */
export const HAND_OVER_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '10s', maximumAttempts: 5 },
};
