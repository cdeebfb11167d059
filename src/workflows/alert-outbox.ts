/**
 * The alerts a workflow has sent and not yet seen delivered: an email, an in-app notification,
 * or both for one event. Deliveries run in the background with the alert retry policy (24 h),
 * so an SMTP outage never holds up the workflow's own work; `settle` waits for them, bounded,
 * before the workflow closes or continues as new. Shared by the healing workflow and the
 * warning watch. Workflow code.
 */
import { condition, proxyActivities } from '@temporalio/workflow';
import { ALERT_EMAIL_ACTIVITY_OPTIONS, NOTIFY_IN_APP_ACTIVITY_OPTIONS } from '../shared/alert-policy';
import type { Activities } from '../activities';
import type { AlertEvent, InAppNotification } from '../shared/contracts';

const { sendAlertEmail } = proxyActivities<Activities>(ALERT_EMAIL_ACTIVITY_OPTIONS);
const { notifyInApp } = proxyActivities<Activities>(NOTIFY_IN_APP_ACTIVITY_OPTIONS);

/** Called when a delivery gives up (its retries ran out, or it was cancelled). */
export type OnUndelivered = (label: string, err: unknown) => void;

export class AlertOutbox {
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly onUndelivered: OnUndelivered) {}

  /** Sends an email; `onDelivered` runs once the SMTP server accepted it. */
  email(event: AlertEvent, onDelivered?: () => void): void {
    this.track(`${event.kind} email`, sendAlertEmail(event), onDelivered);
  }

  /** Adds an in-app notification to the feed. */
  inApp(notification: InAppNotification): void {
    this.track('in-app notification', notifyInApp(notification));
  }

  /** One event as an email and an in-app notification, delivered (or given up) together. */
  emailAndInApp(label: string, event: AlertEvent, notification: InAppNotification): void {
    this.track(label, Promise.all([sendAlertEmail(event), notifyInApp(notification)]));
  }

  /** No delivery in flight. */
  idle(): boolean {
    return this.inflight.size === 0;
  }

  /** Waits until every delivery settled, at most `limitMs`; false when some are still in flight. */
  settle(limitMs: number): Promise<boolean> {
    return condition(() => this.idle(), limitMs);
  }

  private track(label: string, delivery: Promise<unknown>, onDelivered?: () => void): void {
    const settled = delivery.then(
      () => onDelivered?.(),
      (err: unknown) => this.onUndelivered(label, err),
    );
    this.inflight.add(settled);
    void settled.finally(() => this.inflight.delete(settled));
  }
}
