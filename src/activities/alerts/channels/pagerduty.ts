/**
 * PagerDuty, through the Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/overview):
 * one incident per fidus-autoheal incident, its id the `dedup_key`. CRITICAL (and its escalation
 * and reminders, which only update it) `trigger`, an operator's acknowledgement `acknowledge`,
 * the recovery or an operator's resolution `resolve`. So one CRITICAL → acknowledge → recovery
 * cycle is one PagerDuty incident, paged once. The routing key is the credential: it is in the
 * body only. PagerDuty answers 202 `{ status: "success", dedup_key }`, 400 (invalid event or
 * routing key: fix the configuration), 429 and 5xx (retried).
 *
 * Events without an incident: a WARNING (when ALERT_ROUTES routes warnings here) triggers with
 * `warning:<target>:<episode>` as its key and is resolved by hand (a WARNING clears silently);
 * the fleet breaker's notice likewise; a test alert triggers and at once resolves its own key.
 */
import type { ChannelEvent } from '../../../shared/contracts';
import { type AlertChannel, type ChannelDeps, postJson } from './channel';
import { channelMessage, eventSeverity } from './channel-text';

export type PagerDutyAction = 'trigger' | 'acknowledge' | 'resolve';

/** PagerDuty's limit for `payload.summary`. */
const MAX_SUMMARY = 1_024;

export interface PagerDutySettings {
  routingKey: string;
  eventsUrl: string;
}

/** The PagerDuty incident an event belongs to, and what it does to it. */
export function pagerDutyAction(event: ChannelEvent): { action: PagerDutyAction; dedupKey: string } {
  switch (event.kind) {
    case 'critical':
    case 'escalation':
    case 'reminder':
      return { action: 'trigger', dedupKey: event.incidentId };
    case 'acknowledged':
      return { action: 'acknowledge', dedupKey: event.incidentId };
    case 'recovery':
    case 'resolved':
      return { action: 'resolve', dedupKey: event.incidentId };
    case 'warning':
      return { action: 'trigger', dedupKey: `warning:${event.targetId}:${event.episodeId ?? event.conditionKey}` };
    case 'fleet_breaker':
      return { action: 'trigger', dedupKey: `fleet-breaker:${event.at}` };
    // one page per episode: its all-clear resolves it
    case 'flapping':
      return { action: 'trigger', dedupKey: event.episodeId };
    case 'flapping_stopped':
      return { action: 'resolve', dedupKey: event.episodeId };
    case 'test':
      return { action: 'trigger', dedupKey: `test:${event.targetId}:${event.at}` };
    case 'digest': // never routed (route-event.ts); a report, were it sent, is one event per period
      return { action: 'trigger', dedupKey: `digest:${event.digest.period}` };
  }
}

/** The Events API v2 body of one event (the routing key added by the channel). */
export function pagerDutyEvent(event: ChannelEvent, dashboardUrl: string, action = pagerDutyAction(event)) {
  const base = { event_action: action.action, dedup_key: action.dedupKey };
  if (action.action !== 'trigger') return base;
  const { title, text } = channelMessage(event, dashboardUrl);
  const firstLine = text.split('\n').find((l) => l.startsWith('Issue: ')) ?? text.split('\n')[0] ?? '';
  return {
    ...base,
    payload: {
      summary: `${title}: ${event.targetId}: ${firstLine.replace(/^Issue: /, '')}`.slice(0, MAX_SUMMARY),
      source: event.targetId,
      severity: eventSeverity(event),
      timestamp: event.at,
      component: 'MT5 Bridge',
      class: event.kind,
      custom_details: { text },
    },
    links: [{ href: `${dashboardUrl.replace(/\/+$/, '')}/system-health`, text: 'System health' }],
  };
}

export function createPagerDutyChannel(settings: PagerDutySettings, deps: ChannelDeps): AlertChannel {
  const post = async (body: object) => postJson('pagerduty', settings.eventsUrl, { routing_key: settings.routingKey, ...body }, deps);
  return {
    name: 'pagerduty',
    shown: `PagerDuty Events API v2 at ${new URL(settings.eventsUrl).origin}`,
    async send(event: ChannelEvent) {
      const action = pagerDutyAction(event);
      const answer = await post(pagerDutyEvent(event, deps.dashboardUrl, action));
      // a test alert must not leave a page open
      if (event.kind === 'test') await post({ event_action: 'resolve', dedup_key: action.dedupKey });
      return { status: answer.status, detail: `${action.action} dedup_key ${action.dedupKey}` };
    },
  };
}
