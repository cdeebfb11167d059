/**
 * A generic JSON webhook: every routed event POSTed to ALERT_WEBHOOK_URL as one JSON object
 * (`source`, `kind`, `severity`, `title`, `text`, `targetId`, `incidentId`, `at`, `dedupKey`,
 * `event`: the event as the workflows raised it), with ALERT_WEBHOOK_TOKEN as
 * `Authorization: Bearer` when set. Any 2xx is accepted; 408/429/5xx are retried.
 * `dedupKey` is the same for every delivery of one event, so a receiver can drop repeats.
 */
import { channelEventKey } from '../../../shared/alert-policy';
import type { ChannelEvent } from '../../../shared/contracts';
import { type AlertChannel, type ChannelDeps, postJson } from './channel';
import { channelMessage, eventSeverity } from './channel-text';

export interface WebhookSettings {
  url: string;
  token?: string;
}

/** The JSON a webhook receives (docs/alerting.md, "Generic webhook"). */
export interface WebhookPayload {
  source: 'fidus-autoheal';
  kind: ChannelEvent['kind'];
  severity: 'critical' | 'warning' | 'info';
  title: string;
  text: string;
  targetId: string;
  incidentId?: string;
  at: string;
  dedupKey: string;
  event: ChannelEvent;
}

export function webhookPayload(event: ChannelEvent, dashboardUrl: string): WebhookPayload {
  const { title, text } = channelMessage(event, dashboardUrl);
  return {
    source: 'fidus-autoheal',
    kind: event.kind,
    severity: eventSeverity(event),
    title,
    text,
    targetId: event.targetId,
    ...('incidentId' in event ? { incidentId: event.incidentId } : {}),
    at: event.at,
    dedupKey: channelEventKey(event),
    event,
  };
}

export function createWebhookChannel(settings: WebhookSettings, deps: ChannelDeps): AlertChannel {
  const headers: Record<string, string> = settings.token ? { authorization: `Bearer ${settings.token}` } : {};
  return {
    name: 'webhook',
    shown: `JSON webhook at ${new URL(settings.url).origin}/…${settings.token ? ' (bearer token)' : ''}`,
    async send(event: ChannelEvent) {
      const answer = await postJson('webhook', settings.url, webhookPayload(event, deps.dashboardUrl), deps, headers);
      return { status: answer.status, detail: 'ok' };
    },
  };
}
