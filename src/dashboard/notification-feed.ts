import type { NotificationFeed } from '../shared/alert-feed';
import { AutohealError } from '../shared/errors';

/** The feed cannot be read in this process (no feed configured); the page says so. */
export class FeedUnavailableError extends AutohealError {}

/** A feed that says plainly it is not there. */
export const unavailableFeed = (reason: string): NotificationFeed => ({
  add: () => Promise.reject(new FeedUnavailableError(reason)),
  list: () => Promise.reject(new FeedUnavailableError(reason)),
  markRead: () => Promise.reject(new FeedUnavailableError(reason)),
});
