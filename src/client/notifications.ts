/**
 * Reading and writing the in-app notification feed (notificationFeedWorkflow) from outside
 * workflow code: the dashboard and CLI read it, the notifyInApp activity writes to it.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  ALERTS_UNDELIVERABLE_TEXT,
  type FeedFilter,
  type FeedNotification,
  type NewNotification,
  type NotificationFeed,
} from '../shared/alert-feed';
import { notificationFeedWorkflowId } from '../shared/names';
import {
  markReadSignal,
  notificationAddedSignal,
  notificationsQuery,
  unreadCountQuery,
  notificationFeedWorkflow,
  type NotificationFeedInput,
} from '../workflows/alerting/notifications';

export interface FeedLocation {
  /**
   * The task queue of the deployment whose feed this is: its worker runs the feed, and the feed's
   * id is `autoheal-notifications` in that deployment (src/shared/names.ts).
   */
  taskQueue: string;
  /** Default: the deployment's `autoheal-notifications`. */
  workflowId?: string;
  /** A read waits this long for the worker to answer, ms (default 15000: longer than the sticky
   *  queue timeout, 10 s, that delays the first answer after a worker restart). */
  queryTimeoutMs?: number;
}

/** Where the feed lives and which task queue's worker runs it (needed to start it on first write). */
export type FeedWriteLocation = FeedLocation;

const feedId = (opts: FeedLocation): string => opts.workflowId ?? notificationFeedWorkflowId(opts.taskQueue);

const DEFAULT_QUERY_TIMEOUT_MS = 15_000;

/** Notifications newest first; none when the feed was never written. */
export async function listNotifications(
  client: Client,
  opts: FeedFilter & FeedLocation,
): Promise<FeedNotification[]> {
  const { workflowId, taskQueue, queryTimeoutMs, ...filter } = opts;
  const handle = client.workflow.getHandle(feedId({ workflowId, taskQueue }));
  try {
    return await client.connection.withDeadline(
      Date.now() + (queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS),
      () => handle.query(notificationsQuery, filter),
    );
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return [];
    throw err;
  }
}

/**
 * The unread "Alerts cannot be delivered" notifications, newest first (a refused login, every
 * recipient rejected, no recipient configured, as the worker met it): at most one per cause per
 * UTC day (ids `undeliverable:<cause>:<YYYY-MM-DD>`). Meant for `autoheal doctor` besides its own
 * SMTP login check; doctor does not call it yet.
 */
export async function undeliverableAlertNotices(
  client: Client,
  opts: FeedLocation,
): Promise<FeedNotification[]> {
  const items = await listNotifications(client, { ...opts, unreadOnly: true, severity: 'CRITICAL' });
  return items.filter((n) => n.text.startsWith(ALERTS_UNDELIVERABLE_TEXT));
}

/** How many notifications are unread. */
export async function countUnreadNotifications(client: Client, opts: FeedLocation): Promise<number> {
  const handle = client.workflow.getHandle(feedId(opts));
  try {
    return await client.connection.withDeadline(
      Date.now() + (opts.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS),
      () => handle.query(unreadCountQuery),
    );
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 0;
    throw err;
  }
}

/** Where a signal-with-start finds the feed, or starts it on first use. */
const feedStart = (opts: FeedWriteLocation) => ({
  workflowId: feedId(opts),
  taskQueue: opts.taskQueue,
  args: [{}] as [NotificationFeedInput],
});

/** Marks notifications read (`'all'`: every one). */
export async function markNotificationsRead(client: Client, ids: string[] | 'all', opts: FeedWriteLocation): Promise<void> {
  await client.workflow.signalWithStart(notificationFeedWorkflow, {
    ...feedStart(opts),
    signal: markReadSignal,
    signalArgs: [{ ids, at: new Date().toISOString() }],
  });
}

/** Appends one notification (starts the feed workflow on first use). */
export async function addNotification(client: Client, notification: NewNotification, opts: FeedWriteLocation): Promise<void> {
  await client.workflow.signalWithStart(notificationFeedWorkflow, {
    ...feedStart(opts),
    signal: notificationAddedSignal,
    signalArgs: [notification],
  });
}

/** The feed the notifyInApp activity writes to, backed by notificationFeedWorkflow. */
export function createTemporalNotificationFeed(client: Client, opts: FeedWriteLocation): NotificationFeed {
  return {
    add: (n) => addNotification(client, n, opts),
    list: (filter) =>
      listNotifications(client, {
        workflowId: opts.workflowId,
        taskQueue: opts.taskQueue,
        queryTimeoutMs: opts.queryTimeoutMs,
        ...filter,
      }),
    markRead: (ids) => markNotificationsRead(client, ids, opts),
  };
}
