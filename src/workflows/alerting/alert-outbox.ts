/**
 * The alerts a workflow has sent and not yet seen delivered: an email, an in-app notification,
 * or both for one event. Deliveries run in the background with the alert retry policy (24 h),
 * so an SMTP outage never holds up the workflow's own work. Before the workflow closes or
 * continues as new it hands what is still undelivered (and the alerts it queued for that
 * moment) to the target's alertDeliveryWorkflow (`handOver`), which goes on retrying for the
 * rest of their 24 h; `settle` (wait, bounded) is the fallback when the hand-over fails. Shared by the healing workflow and the warning watch.
 * Workflow code.
 */
import { ActivityCancellationType, CancellationScope, condition, proxyActivities } from '@temporalio/workflow';
import {
  ALERT_EMAIL_ACTIVITY_OPTIONS,
  HAND_OVER_ACTIVITY_OPTIONS,
  NOTIFY_IN_APP_ACTIVITY_OPTIONS,
  emailDelivery,
  inAppDelivery,
  routeDelivery,
} from '../../shared/alert-policy';
import type { Activities, AlertDelivery, AlertEvent, ChannelEvent, InAppNotification } from '../../shared/contracts';

const { sendAlertEmail } = proxyActivities<Activities>(ALERT_EMAIL_ACTIVITY_OPTIONS);
const { notifyInApp } = proxyActivities<Activities>(NOTIFY_IN_APP_ACTIVITY_OPTIONS);
export const { handOverAlerts } = proxyActivities<Activities>(HAND_OVER_ACTIVITY_OPTIONS);
// The same activities, whose cancellation resolves only once the server has recorded its outcome
// (cancelled, or completed by an attempt that was already running): `cancelAndHandOver`.
const waitCancelled = { cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED };
const cancellable = {
  sendAlertEmail: proxyActivities<Activities>({ ...ALERT_EMAIL_ACTIVITY_OPTIONS, ...waitCancelled }).sendAlertEmail,
  notifyInApp: proxyActivities<Activities>({ ...NOTIFY_IN_APP_ACTIVITY_OPTIONS, ...waitCancelled }).notifyInApp,
};

/** Called when a delivery gives up (its retries ran out, or it was cancelled). */
export type OnUndelivered = (label: string, err: unknown) => void;

interface Entry {
  deliveries: AlertDelivery[];
  /** Ids of `deliveries` the activity reported delivered. */
  delivered: Set<string>;
  /** Another workflow reports on it now (handed over), or this one is cancelling it. */
  handedOver: boolean;
  scope: CancellationScope;
  /** Resolves once every part has an outcome (delivered, failed or cancelled). */
  outcomes: Promise<unknown>;
}

export interface AlertOutboxOptions {
  /**
   * Start the deliveries so that cancelling them waits for the server's answer (needed by
   * `cancelAndHandOver`: the warning watch's path).
   */
  cancellable?: boolean;
}

export class AlertOutbox {
  private readonly inflight = new Map<Promise<void>, Entry>();
  private queued: AlertDelivery[] = [];
  private readonly activities: Pick<Activities, 'sendAlertEmail' | 'notifyInApp'>;

  constructor(
    private readonly onUndelivered: OnUndelivered,
    { cancellable: waits = false }: AlertOutboxOptions = {},
  ) {
    this.activities = waits ? cancellable : { sendAlertEmail, notifyInApp };
  }

  /** Sends an email; `onDelivered` runs once the SMTP server accepted it. */
  email(event: AlertEvent, onDelivered?: () => void): void {
    const { sendAlertEmail: send } = this.activities;
    this.track(`${event.kind} email`, [[emailDelivery(event), () => send(event)]], onDelivered);
  }

  /** Adds an in-app notification to the feed. */
  inApp(notification: InAppNotification): void {
    const { notifyInApp: notify } = this.activities;
    this.track('in-app notification', [[inAppDelivery(notification), () => notify(notification)]]);
  }

  /** One event as an email and an in-app notification, delivered (or given up) together. */
  emailAndInApp(label: string, event: AlertEvent, notification: InAppNotification): void {
    const { sendAlertEmail: send, notifyInApp: notify } = this.activities;
    this.track(label, [
      [emailDelivery(event), () => send(event)],
      [inAppDelivery(notification), () => notify(notification)],
    ]);
  }

  /**
   * Hands an event that has no email (an acknowledgement, a resolution) to the channels its route
   * names, through the target's alertDeliveryWorkflow. (An emailed event reaches them through its
   * email: the worker routes it.)
   */
  channels(event: ChannelEvent): void {
    const delivery = routeDelivery(event);
    this.track(delivery.label, [[delivery, () => handOverAlerts(event.targetId, [delivery])]]);
  }

  /** Queues an event for the channels, handed over with the rest when the workflow ends. */
  queueChannels(event: ChannelEvent): void {
    this.queued.push(routeDelivery(event));
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
   * alertDeliveryWorkflow; false when that failed (the caller then delivers them itself).
   * This workflow's own attempts go on: one that succeeds meanwhile is sent twice (the same
   * Message-ID). `cancelAndHandOver` avoids that.
   */
  async handOver(targetId: string): Promise<boolean> {
    const deliveries = [...this.inFlight(), ...this.queued];
    if (!deliveries.length) return true;
    try {
      await handOverAlerts(targetId, deliveries);
    } catch {
      return false;
    }
    // from now on the delivery workflow reports on them, not this run
    for (const entry of this.inflight.values()) entry.handedOver = true;
    this.queued = [];
    return true;
  }

  /**
   * For a run about to end (needs `cancellable`): cancels this workflow's own attempts, waits
   * until the server has recorded each outcome, then hands only what was not delivered (and the
   * queued ones) to the target's alertDeliveryWorkflow. So no attempt is left retrying for a
   * closed run, and an email the SMTP server accepted before the cancellation is not sent again
   * (at-least-once remains for an attempt accepted just as its worker died). False when the
   * hand-over failed: the undelivered ones are then sent again from this workflow.
   */
  async cancelAndHandOver(targetId: string): Promise<boolean> {
    const entries = [...this.inflight].filter(([, e]) => !e.handedOver);
    for (const [, entry] of entries) {
      entry.handedOver = true; // a cancellation is not a failure to report
      entry.scope.cancel();
    }
    await Promise.all(entries.map(([, e]) => e.outcomes));
    const undelivered = entries.flatMap(([, e]) => e.deliveries.filter((d) => !e.delivered.has(d.id)));
    const deliveries = [...undelivered, ...this.queued];
    if (!deliveries.length) return true;
    try {
      await handOverAlerts(targetId, deliveries);
    } catch {
      for (const d of undelivered) {
        if (d.email) this.email(d.email);
        else if (d.inApp) this.inApp(d.inApp);
        else if (d.route) this.channels(d.route);
      }
      return false;
    }
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
      else if (d.route) this.channels(d.route);
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
    parts: Array<[AlertDelivery, () => Promise<unknown>]>,
    onDelivered?: () => void,
  ): void {
    const delivered = new Set<string>();
    // in a scope of its own, so that `cancelAndHandOver` can cancel it
    const scope = new CancellationScope();
    const started = scope.run(async () =>
      parts.map(([d, start]) => start().then(() => void delivered.add(d.id))),
    );
    const delivery = started.then((all) => Promise.all(all));
    const entry: Entry = {
      deliveries: parts.map(([d]) => d),
      delivered,
      handedOver: false,
      scope,
      outcomes: started.then((all) => Promise.allSettled(all)),
    };
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
