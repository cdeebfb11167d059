/**
 * Builds the DashboardStatus of a request from a StatusSource. Requests that arrive together
 * share one read; when Temporal cannot be reached, the last good read is served, marked stale,
 * with the reason, so the page always answers.
 */
import { describeError } from '../shared/errors';
import type { FeedNotification } from '../shared/alert-feed';
import type { DashboardStatus, NotificationsView, StatusSource, TargetStatus } from './types';

/** How many notifications the page and /api/status carry. */
export const PAGE_NOTIFICATIONS = 50;

export interface StatusReader {
  read(): Promise<DashboardStatus>;
}


export function createStatusReader(
  source: StatusSource,
  options: {
    namespace: string;
    webUiUrl: string;
    /** What to show for each configured target before any read succeeded (UNKNOWN). */
    placeholders: TargetStatus[];
    now?: () => number;
  },
): StatusReader {
  const now = options.now ?? Date.now;
  let inFlight: Promise<DashboardStatus> | undefined;
  let lastGood: { targets: TargetStatus[]; readAt: string } | undefined;

  async function readNotifications(): Promise<NotificationsView> {
    try {
      const items: FeedNotification[] = await source.listNotifications({ limit: PAGE_NOTIFICATIONS });
      return { available: true, items, unread: items.filter((n) => !n.read).length };
    } catch (err) {
      return { available: false, error: describeError(err), items: [], unread: 0 };
    }
  }

  async function readOnce(): Promise<DashboardStatus> {
    const startedAt = new Date(now()).toISOString();
    const [targets, notifications] = await Promise.all([
      source.readTargets().then(
        (t) => ({ ok: true as const, t }),
        (err: unknown) => ({ ok: false as const, error: describeError(err) }),
      ),
      readNotifications(),
    ]);
    const temporal = { namespace: options.namespace, webUiUrl: options.webUiUrl };
    const generatedAt = new Date(now()).toISOString();
    if (targets.ok) {
      lastGood = { targets: targets.t, readAt: startedAt };
      return {
        generatedAt,
        readAt: startedAt,
        stale: false,
        temporal: { ...temporal, reachable: true },
        targets: targets.t,
        notifications,
      };
    }
    return {
      generatedAt,
      readAt: lastGood?.readAt,
      stale: true,
      temporal: { ...temporal, reachable: false, error: targets.error },
      targets: lastGood?.targets ?? options.placeholders,
      notifications,
    };
  }

  return {
    read() {
      inFlight ??= readOnce().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}
