/**
 * Slack, through an incoming webhook (https://api.slack.com/messaging/webhooks): one POST of
 * `{ text }` per alert. The webhook URL is the credential; Slack answers 200 `ok`, or 4xx
 * (`invalid_token`, `no_service`, `channel_is_archived`: the URL must be replaced) and 429/5xx.
 * The text is escaped as Slack asks (&, <, >), so bridge text can mention nobody and link nothing.
 */
import type { ChannelEvent } from '../../../shared/contracts';
import { type AlertChannel, type ChannelDeps, postJson } from './channel';
import { channelMessage } from './channel-text';

/** Slack's limit for `text` is 40 000 characters; alerts are far shorter, this bounds a runaway. */
const MAX_TEXT = 3_500;

export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function createSlackChannel(webhookUrl: string, deps: ChannelDeps): AlertChannel {
  return {
    name: 'slack',
    shown: `Slack incoming webhook at ${new URL(webhookUrl).origin}/…`,
    async send(event: ChannelEvent) {
      const { title, text } = channelMessage(event, deps.dashboardUrl);
      const body = `*${slackEscape(title)}*\n${slackEscape(text)}`.slice(0, MAX_TEXT);
      const answer = await postJson('slack', webhookUrl, { text: body }, deps);
      return { status: answer.status, detail: answer.text.slice(0, 40) || 'ok' };
    },
  };
}
