/**
 * An in-memory in-app notification feed, for tests and one-off tools. Production uses the
 * Temporal-backed feed (`createTemporalNotificationFeed` in src/client/notifications.ts).
 */
import {
  filterNotifications,
  notificationId,
  type FeedFilter,
  type FeedNotification,
  type NewNotification,
  type NotificationFeed,
} from '../../shared/alert-feed';

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
