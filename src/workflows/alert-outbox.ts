/**
 * The alerts a workflow has sent and not yet seen delivered: an email, an in-app notification,
 * or both for one event. Deliveries run in the background with the alert retry policy (24 h),
 * so an SMTP outage never holds up the workflow's own work. Before the workflow closes or
 * continues as new it hands what is still undelivered (and the alerts it queued for that
 * moment) to the target's AlertDeliveryWorkflow (`handOver`), which goes on retrying for the
 * rest of their 24 h; `settle` (wait, bounded) is the fallback when the hand-over fails, and
 * the way of histories from before it. Shared by the healing workflow and the warning watch.
 * Workflow code.
 */
import { CancellationScope, condition, proxyActivities } from '@temporalio/workflow';
import {
  ALERT_EMAIL_ACTIVITY_OPTIONS,
  type AlertDelivery,
  HAND_OVER_ACTIVITY_OPTIONS,
  NOTIFY_IN_APP_ACTIVITY_OPTIONS,
  emailDelivery,
  inAppDelivery,
} from '../shared/alert-policy';
import type { Activities } from '../activities';
import type { AlertEvent, InAppNotification } from '../shared/contracts';

const { sendAlertEmail } = proxyActivities<Activities>(ALERT_EMAIL_ACTIVITY_OPTIONS);
const { notifyInApp } = proxyActivities<Activities>(NOTIFY_IN_APP_ACTIVITY_OPTIONS);
export const { handOverAlerts } = proxyActivities<Activities>(HAND_OVER_ACTIVITY_OPTIONS);

/** Called when a delivery gives up (its retries ran out, or it was cancelled). */
export type OnUndelivered = (label: string, err: unknown) => void;

export class AlertOutbox {
  private readonly inflight = new Map<
    Promise<void>,
    { deliveries: AlertDelivery[]; handedOver: boolean; scope: CancellationScope }
  >();
  private queued: AlertDelivery[] = [];

  constructor(private readonly onUndelivered: OnUndelivered) {}

  /** Sends an email; `onDelivered` runs once the SMTP server accepted it. */
  email(event: AlertEvent, onDelivered?: () => void): void {
    this.track(`${event.kind} email`, () => sendAlertEmail(event), [emailDelivery(event)], onDelivered);
  }

  /** Adds an in-app notification to the feed. */
  inApp(notification: InAppNotification): void {
    this.track('in-app notification', () => notifyInApp(notification), [inAppDelivery(notification)]);
  }

  /** One event as an email and an in-app notification, delivered (or given up) together. */
  emailAndInApp(label: string, event: AlertEvent, notification: InAppNotification): void {
    this.track(label, () => Promise.all([sendAlertEmail(event), notifyInApp(notification)]), [
      emailDelivery(event),
      inAppDelivery(notification),
    ]);
  }

  /** Queues an email for the hand-over, without sending it from this workflow. */
  queueEmail(event: AlertEvent): void {
    this.queued.push(emailDelivery(event));
  }

  /** Queues an in-app notification for the hand-over, without sending it from this workflow. */
  queueInApp(notification: InAppNotification): void {
    this.queued.push(inAppDelivery(notification));
  }

  /** Deliveries in flight here (sent, not yet seen delivered). */
  inFlight(): AlertDelivery[] {
    return [...this.inflight.values()].filter((e) => !e.handedOver).flatMap((e) => e.deliveries);
  }

  /**
   * Hands every delivery still in flight, and the queued ones, to the target's
   * AlertDeliveryWorkflow; false when that failed (the caller then delivers them itself).
   * `cancel`: also cancels this workflow's own attempts at them and waits until the server has
   * confirmed it, so that none is left retrying for a run that is about to end (only on paths
   * whose histories record the cancellations: a patched path).
   */
  async handOver(targetId: string, { cancel = false } = {}): Promise<boolean> {
    const deliveries = [...this.inFlight(), ...this.queued];
    if (!deliveries.length) return true;
    try {
      await handOverAlerts(targetId, deliveries);
    } catch {
      return false;
    }
    // from now on the delivery workflow reports on them, not this run
    const cancelled: Array<Promise<void>> = [];
    for (const [settled, entry] of this.inflight) {
      if (cancel && !entry.handedOver) {
        entry.scope.cancel();
        cancelled.push(settled);
      }
      entry.handedOver = true;
    }
    // the server confirms each cancellation (an attempt already running ends first)
    await Promise.all(cancelled);
    this.queued = [];
    return true;
  }

  /** Sends the queued deliveries from this workflow (when the hand-over failed). */
  sendQueued(): void {
    const queued = this.queued;
    this.queued = [];
    for (const d of queued) {
      if (d.email) this.email(d.email);
      else if (d.inApp) this.inApp(d.inApp);
    }
  }

  /** No delivery in flight (handed-over ones aside). */
  idle(): boolean {
    return [...this.inflight.values()].every((e) => e.handedOver);
  }

  /** Waits until every delivery settled, at most `limitMs`; false when some are still in flight. */
  settle(limitMs: number): Promise<boolean> {
    return condition(() => this.idle(), limitMs);
  }

  private track(
    label: string,
    start: () => Promise<unknown>,
    deliveries: AlertDelivery[],
    onDelivered?: () => void,
  ): void {
    // each delivery in a scope of its own, so that a hand-over can cancel it (handOver's `cancel`)
    const scope = new CancellationScope();
    const delivery = scope.run(start);
    const entry = { deliveries, handedOver: false, scope };
    const settled = delivery.then(
      () => {
        if (!entry.handedOver) onDelivered?.();
      },
      (err: unknown) => {
        if (!entry.handedOver) this.onUndelivered(label, err);
      },
    );
    this.inflight.set(settled, entry);
    void settled.finally(() => this.inflight.delete(settled));
  }
}
