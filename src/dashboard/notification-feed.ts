import type { FeedFilter, FeedNotification } from '../shared/alert-feed';
import { AutohealError } from '../shared/errors';

/** The reading side of the in-app notification feed, as the dashboard uses it. */
export interface NotificationFeed {
  /** Newest first. */
  list(filter: FeedFilter): Promise<FeedNotification[]>;
  markRead(ids: string[]): Promise<{ requested: number }>;
}

/** The feed cannot be read in this process (no feed configured); the page says so. */
export class FeedUnavailableError extends AutohealError {}

/** A feed that says plainly it is not there. */
export const unavailableFeed = (reason: string): NotificationFeed => ({
  list: () => Promise.reject(new FeedUnavailableError(reason)),
  markRead: () => Promise.reject(new FeedUnavailableError(reason)),
});
