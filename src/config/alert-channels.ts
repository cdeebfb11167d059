/**
 * The alert channels besides email (Slack, Telegram, a generic JSON webhook, PagerDuty) as the
 * worker configures them, and ALERT_ROUTES: which events each channel gets. Every channel's
 * secret (a webhook URL, the bot token, the routing key) is parsed here and then lives only in
 * the worker's channel clients (src/activities/alerts/channels/): workflows and activities name
 * a channel, never its secret. Docs: docs/alerting.md, "Channels".
 */
import { ALERT_CHANNELS, type AlertChannelName } from '../shared/contracts';
import { heartbeatUrlSecrets } from './heartbeat-url';
import { isLoopbackHost } from './loopback';

/**
 * What an event is, for routing: `critical` is the story of a CRITICAL incident (opened,
 * escalated, reminders, acknowledged, recovered, resolved: the channel that got the page gets
 * its all-clear) and the fleet breaker's notice; `warning` the WARNING emails.
 */
export const ROUTE_CLASSES = ['critical', 'warning'] as const;
export type RouteClass = (typeof ROUTE_CLASSES)[number];

/** The classes each configured channel receives (after defaults). */
export type AlertRoutes = Partial<Record<AlertChannelName, RouteClass[]>>;

export interface AlertChannelsConfig {
  slack?: { webhookUrl: string };
  telegram?: { botToken: string; chatId: string; apiUrl: string };
  webhook?: { url: string; token?: string };
  pagerduty?: { routingKey: string; eventsUrl: string };
  /** Only configured channels appear; a channel routed to nothing is absent. */
  routes: AlertRoutes;
}

/**
 * Defaults when ALERT_ROUTES does not name a channel: every channel gets what email gets
 * (critical and warning), except PagerDuty, which gets the incidents only: a WARNING clears
 * silently, so its page would never be resolved.
 */
export const DEFAULT_ROUTES: Record<AlertChannelName, RouteClass[]> = {
  slack: ['critical', 'warning'],
  telegram: ['critical', 'warning'],
  webhook: ['critical', 'warning'],
  pagerduty: ['critical'],
};

export const ALERT_ROUTES_FORM =
  'channel=classes pairs separated by ";", classes critical, warning, all or none separated by ",", e.g. "pagerduty=critical;telegram=critical;slack=all"';

/** Parses ALERT_ROUTES; a string says what is wrong. */
export function parseAlertRoutes(text: string | undefined): Partial<Record<AlertChannelName, RouteClass[]>> | string {
  const routes: Partial<Record<AlertChannelName, RouteClass[]>> = {};
  if (!text) return routes;
  for (const pair of text.split(';').map((p) => p.trim()).filter(Boolean)) {
    const [name, classes, extra] = pair.split('=').map((p) => p.trim());
    if (!name || classes === undefined || extra !== undefined) return `expected ${ALERT_ROUTES_FORM}, got "${pair}"`;
    const channel = name.toLowerCase() as AlertChannelName;
    if (!(ALERT_CHANNELS as readonly string[]).includes(channel))
      return `unknown channel "${name}": expected one of ${ALERT_CHANNELS.join(', ')} (email always gets every alert)`;
    const list: RouteClass[] = [];
    for (const word of classes.split(',').map((w) => w.trim().toLowerCase()).filter(Boolean)) {
      if (word === 'all') list.push(...ROUTE_CLASSES);
      else if (word === 'none') continue;
      else if ((ROUTE_CLASSES as readonly string[]).includes(word)) list.push(word as RouteClass);
      else return `unknown class "${word}" for ${channel}: expected critical, warning, all or none`;
    }
    routes[channel] = [...new Set(list)];
  }
  return routes;
}

/** Why a channel's URL cannot be used, or undefined. Never echoes the value (it holds a secret). */
export function channelUrlProblem(text: string, example: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `expected an https URL such as ${example} (the value is not shown: it holds a secret)`;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return `expected an https URL such as ${example} (plain http only on this machine, 127.0.0.1): the URL carries a secret (the value is not shown)`;
  }
  if (url.username || url.password) return 'must not carry user:password@ (the value is not shown: it holds a secret)';
  return undefined;
}

/** The secret values of the channels, to scrub from logs, emails and pages (longest first). */
export function channelSecrets(channels: AlertChannelsConfig | undefined): string[] {
  if (!channels) return [];
  const { slack, telegram, webhook, pagerduty } = channels;
  const values = [
    ...heartbeatUrlSecrets(slack?.webhookUrl),
    telegram?.botToken,
    telegram ? `bot${telegram.botToken}` : undefined,
    ...heartbeatUrlSecrets(webhook?.url),
    webhook?.token,
    pagerduty?.routingKey,
  ];
  return [...new Set(values.filter((s): s is string => typeof s === 'string' && s.length >= 4))].sort(
    (a, b) => b.length - a.length,
  );
}

/** The channels configured, in a stable order. */
export function configuredChannels(channels: AlertChannelsConfig | undefined): AlertChannelName[] {
  return ALERT_CHANNELS.filter((name) => channels?.[name] !== undefined);
}
