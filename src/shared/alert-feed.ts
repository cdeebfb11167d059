/**
 * The shape of the in-app notification feed, shared by the feed workflow, the activities that
 * write to it and the dashboard/CLI that read it. Workflow-safe: plain data.
 */
import type { InAppNotification } from './contracts';

/** One notification as stored in the feed. */
export interface FeedNotification extends InAppNotification {
  /** Stable id: a retried write with the same id is stored once. */
  id: string;
  read: boolean;
  /** ISO time it was marked read. */
  readAt?: string;
}

/** A notification on its way into the feed; without an id the feed derives one. */
export type NewNotification = InAppNotification & { id?: string };

/** How many notifications the feed keeps (newest first; older ones drop off). */
export const FEED_LIMIT = 500;

/** Filters of a feed read (the `notifications` query). */
export interface FeedFilter {
  unreadOnly?: boolean;
  targetId?: string;
  incidentId?: string;
  severity?: InAppNotification['severity'];
  /** At most this many, newest first. */
  limit?: number;
}

/** The in-app notification feed: written by the alert activities, read by the dashboard and CLI. */
export interface NotificationFeed {
  /** Appends one notification; the same id twice is stored once. */
  add(notification: NewNotification): Promise<void>;
  /** Notifications newest first. */
  list(filter?: FeedFilter): Promise<FeedNotification[]>;
  /** Marks notifications read (`'all'`: every one). */
  markRead(ids: string[] | 'all'): Promise<void>;
}

/** Applies a filter to notifications stored newest first. */
export function filterNotifications(
  items: readonly FeedNotification[],
  filter: FeedFilter = {},
): FeedNotification[] {
  const out = items.filter(
    (n) =>
      (!filter.unreadOnly || !n.read) &&
      (filter.targetId === undefined || n.targetId === filter.targetId) &&
      (filter.incidentId === undefined || n.incidentId === filter.incidentId) &&
      (filter.severity === undefined || n.severity === filter.severity),
  );
  return filter.limit === undefined ? out : out.slice(0, Math.max(0, filter.limit));
}

/** The id a notification gets when its writer gave none: derived from its content. */
export function notificationId(n: InAppNotification): string {
  return `${n.at}|${n.severity}|${n.targetId}|${n.incidentId ?? ''}|${n.text}`;
}

/** The text of the notification raised when alert emails cannot be delivered. */
export const ALERTS_UNDELIVERABLE_TEXT = 'Alerts cannot be delivered';

/**
 * Feed id of the "alerts cannot be delivered" notice of one cause on one UTC day, e.g.
 * `undeliverable:no-recipients:ALERT_RECIPIENT_EMAIL:2026-11-28`: the feed stores one per id.
 */
export function undeliverableNoticeId(cause: string, at: Date = new Date()): string {
  return `undeliverable:${cause}:${at.toISOString().slice(0, 10)}`;
}
