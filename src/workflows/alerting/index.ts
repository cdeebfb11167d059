/**
 * How an alert travels, from a probe's report to an inbox or the in-app feed. Docs:
 * docs/operator.md (alerts), src/shared/alert-policy.ts (retry policies).
 *
 * 1. A report. The target's monitor (../target-monitor) classifies each probe. A confirmed
 *    CRITICAL starts the incident (../healing); WARNING conditions go to the target's warning
 *    watch with `reportWarnings` (report-warnings.ts: a signal-with-start from workflow code).
 * 2. Deciding to send. The incident alerts at once (CRITICAL, reminders, escalation,
 *    recovery). The warning watch (warnings.ts, warningWatchWorkflow, `autoheal-warnings-<target>`)
 *    decides per condition with the rules of warning-tracker.ts: the hold, one email per
 *    reminder interval, episodes, grouping of conditions due together.
 * 3. The outbox. Both send through an AlertOutbox (alert-outbox.ts): the `sendAlertEmail` and
 *    `notifyInApp` activities run in the background with the alert retry policy (24 h from the
 *    event), so an SMTP outage never holds the workflow's own work back.
 * 4. The durable retry. Before the incident closes or the watch continues as new, what is still
 *    undelivered is handed over (`handOverAlerts`, a signal-with-start) to the target's
 *    AlertDeliveryWorkflow (alert-delivery.ts, `autoheal-alerts-<target>`), which retries each
 *    email with durable timers until it is delivered, fails for good, or its 24 h have passed;
 *    then the feed gets "Alerts cannot be delivered" (one per cause per day).
 * 5. The channels besides email (Slack, Telegram, a JSON webhook, PagerDuty). Where an event
 *    goes is the worker's choice (ALERT_ROUTES, secrets): `sendAlertEmail` hands each emailed
 *    event, before SMTP, to the delivery workflow as one delivery per routed channel; an
 *    acknowledgement or resolution, which has no email, is handed over by the incident
 *    (`AlertOutbox.channels`). The delivery workflow sends each with `sendAlertToChannel(name,
 *    event)`, retried like an email and independently (docs/alerting.md, "Channels").
 * 6. The ends. An email leaves through the worker's mailer: SMTP, or in demo mode without SMTP
 *    the mail catcher (mailbox.ts, mailboxWorkflow, `autoheal-mailbox`). An in-app notification
 *    lands in the durable feed (notifications.ts, notificationFeedWorkflow,
 *    `autoheal-notifications`) that the dashboard and `autoheal notifications` read.
 *
 * The operator's test alert (test-alert.ts, testAlertWorkflow) sends one `test` email through
 * the same activity and mailer, and reports the SMTP server's answer.
 *
 * Only the workflow functions and their messages are exported here (src/workflows/index.ts
 * registers them); the outbox and `reportWarnings` are imported from their files.
 */
export { alertDeliveryWorkflow, alertsHandedOverSignal, pendingAlertsQuery } from './alert-delivery';
export { warningWatchWorkflow, trackedWarningsQuery, warningsObservedSignal } from './warnings';
export {
  notificationFeedWorkflow,
  markReadSignal,
  notificationAddedSignal,
  notificationsQuery,
  unreadCountQuery,
} from './notifications';
export { mailboxWorkflow, mailboxQuery, emailCaughtSignal } from './mailbox';
export { testAlertWorkflow } from './test-alert';
