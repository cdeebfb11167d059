import type { Client } from '@temporalio/client';
import { listNotifications, markNotificationsRead } from '../client/notifications';
import type { NotificationFeed } from './notification-feed';

/** The Temporal-backed in-app feed (NotificationFeedWorkflow), read through src/client/notifications.ts. */
export function defaultFeed(client: Client, taskQueue: string): NotificationFeed {
  return {
    list: (filter) => listNotifications(client, { ...filter, taskQueue }),
    async markRead(ids) {
      await markNotificationsRead(client, ids, { taskQueue });
      return { requested: ids.length };
    },
  };
}
