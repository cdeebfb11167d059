/**
 * How workflows call the alert activities: the retry policy of alert emails, the options of
 * in-app notifications, and the ids of the alerting workflows. Workflow-safe: plain data.
 *
 * An alert email is retried with backoff for 24 h (SMTP down, timeouts, 4xx answers) and never
 * by the workflow itself; a permanent failure (login refused, every recipient rejected, no
 * recipient configured) is an `AlertsUndeliverableError`, which is not retried.
 */
import type { ActivityOptions, RetryPolicy } from '@temporalio/common';

/** Error type names of alert failures that retrying can't fix (match `ApplicationFailure.type`). */
export const NON_RETRYABLE_ALERT_ERRORS = ['AlertsUndeliverableError'] as const;

/** Retry policy of `sendAlertEmail`: 5 s doubling to 10 min between attempts. */
export const ALERT_EMAIL_RETRY: RetryPolicy = {
  initialInterval: '5s',
  backoffCoefficient: 2,
  maximumInterval: '10m',
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
