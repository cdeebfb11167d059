/**
 * Per-severity routing: which channels an event goes to, from ALERT_ROUTES (with its defaults,
 * src/config/alert-channels.ts). Test alerts are never routed: `autoheal test-alert --channel`
 * sends them to the channel asked for. Digests go by email only: their arrival is the weekly
 * proof that the email path works, and a chat or a pager is no place for a report.
 */
import type { AlertRoutes, RouteClass } from '../../../config/alert-channels';
import { ALERT_CHANNELS, type AlertChannelName, type ChannelEvent } from '../../../shared/contracts';

export function routeClassOf(event: ChannelEvent): RouteClass | undefined {
  if (event.kind === 'test' || event.kind === 'digest') return undefined;
  return event.kind === 'warning' ? 'warning' : 'critical';
}

export function channelsFor(event: ChannelEvent, routes: AlertRoutes): AlertChannelName[] {
  const which = routeClassOf(event);
  if (!which) return [];
  return ALERT_CHANNELS.filter((name) => routes[name]?.includes(which));
}
