/**
 * The in-app notification feed as the alert activities see it. Production uses the
 * Temporal-backed feed (`createTemporalNotificationFeed` in src/client/notifications.ts);
 * `createMemoryNotificationFeed` serves tests and one-off tools.
 */
import {
  filterNotifications,
  notificationId,
  type FeedFilter,
  type FeedNotification,
  type NewNotification,
} from '../../shared/alert-feed';

export interface NotificationFeed {
  /** Appends one notification; the same id twice is stored once. */
  add(notification: NewNotification): Promise<void>;
  /** Notifications newest first. */
  list(filter?: FeedFilter): Promise<FeedNotification[]>;
  /** Marks notifications read (`'all'`: every one). */
  markRead(ids: string[] | 'all'): Promise<void>;
}

export function createMemoryNotificationFeed(): NotificationFeed & { items: FeedNotification[] } {
  const feed = {
    items: [] as FeedNotification[],
    async add(n: NewNotification) {
      const id = n.id ?? notificationId(n);
      if (feed.items.some((item) => item.id === id)) return;
      feed.items.unshift({ ...n, id, read: false });
    },
    async list(filter?: FeedFilter) {
      return filterNotifications(feed.items, filter);
    },
    async markRead(ids: string[] | 'all') {
      const at = new Date().toISOString();
      for (const item of feed.items)
        if (!item.read && (ids === 'all' || ids.includes(item.id)))
          Object.assign(item, { read: true, readAt: at });
    },
  };
  return feed;
}
