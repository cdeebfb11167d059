/**
 * notificationFeedWorkflow: the durable in-app notification feed (workflow id
 * `autoheal-notifications`). Writers signal `notificationAdded` (with signalWithStart, so the
 * first write starts it); the dashboard and CLI read it with the `notifications` query and mark
 * items read with the `markRead` signal. It keeps the newest FEED_LIMIT notifications and
 * continues as new when its history grows, carrying them over: it runs for ever, and survives
 * worker and server restarts because Temporal persists it.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { runAgeLeftMs } from '../run-age';
import {
  FEED_LIMIT,
  filterNotifications,
  notificationId,
  type FeedFilter,
  type FeedNotification,
  type NewNotification,
} from '../../shared/alert-feed';

export const notificationAddedSignal = defineSignal<[NewNotification]>('notificationAdded');
/** Marks the given ids read; `'all'` marks everything read. */
export const markReadSignal = defineSignal<[{ ids: string[] | 'all'; at: string }]>('markRead');
/** Notifications newest first, filtered. */
export const notificationsQuery = defineQuery<FeedNotification[], [FeedFilter?]>('notifications');
export const unreadCountQuery = defineQuery<number>('unreadCount');

export interface NotificationFeedInput {
  /** Carried across continue-as-new, newest first. */
  items?: FeedNotification[];
  /** Kept notifications (default FEED_LIMIT). */
  limit?: number;
  /** Continue as new after this many history events (default: when the server suggests it, or 5000). */
  continueAsNewAfterEvents?: number;
}

const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 5_000;

export async function notificationFeedWorkflow(input: NotificationFeedInput = {}): Promise<void> {
  const limit = input.limit ?? FEED_LIMIT;
  let items: FeedNotification[] = (input.items ?? []).slice(0, limit);

  setHandler(notificationAddedSignal, (n) => {
    const id = n.id ?? notificationId(n);
    if (items.some((item) => item.id === id)) return;
    const stored: FeedNotification = {
      id,
      severity: n.severity,
      targetId: n.targetId,
      text: n.text,
      at: n.at,
      read: false,
      ...(n.incidentId === undefined ? {} : { incidentId: n.incidentId }),
      ...(n.conditionKeys?.length ? { conditionKeys: [...n.conditionKeys] } : {}),
    };
    // newest first by event time; a late write lands in its place
    const at = items.findIndex((item) => item.at <= stored.at);
    items = at < 0 ? [...items, stored] : [...items.slice(0, at), stored, ...items.slice(at)];
    if (items.length > limit) items = items.slice(0, limit);
  });
  setHandler(markReadSignal, ({ ids, at }) => {
    const wanted = ids === 'all' ? undefined : new Set(ids);
    items = items.map((item) =>
      !item.read && (!wanted || wanted.has(item.id)) ? { ...item, read: true, readAt: at } : item,
    );
  });
  setHandler(notificationsQuery, (filter) => filterNotifications(items, filter));
  setHandler(unreadCountQuery, () => items.filter((item) => !item.read).length);

  const maxEvents = input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS;
  await condition(() => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= maxEvents, runAgeLeftMs());
  await condition(allHandlersFinished);
  await continueAsNew<typeof notificationFeedWorkflow>({ ...input, items });
}
