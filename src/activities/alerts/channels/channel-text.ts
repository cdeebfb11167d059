/**
 * The words of an alert on a chat channel (Slack, Telegram) and in the webhook's JSON: the
 * email's subject and text lines (render-email.ts, so bridge text is made one bounded line
 * there too), or a short line for the events that have no email (acknowledged, resolved).
 */
import { singleLine } from '../../../shared/bridge-text';
import type { ChannelEvent } from '../../../shared/contracts';
import { formatUtc } from '../../../shared/time-format';
import { renderEmail } from '../render-email';

export interface ChannelMessage {
  title: string;
  /** Plain text, lines separated by \n. */
  text: string;
}

export function channelMessage(event: ChannelEvent, dashboardUrl: string): ChannelMessage {
  const link = `View System Health: ${dashboardUrl.replace(/\/+$/, '')}/system-health`;
  const who = (by: string) => singleLine(by, 200);
  switch (event.kind) {
    case 'acknowledged':
      return {
        title: '👀 FIDUS MT5 incident acknowledged',
        text: [
          `Acknowledged by ${who(event.by)} at ${formatUtc(event.at)}: reminders stop, probing goes on.`,
          `Target: ${singleLine(event.targetId, 200)}`,
          `Incident: ${singleLine(event.incidentId, 200)}`,
          '',
          link,
        ].join('\n'),
      };
    case 'resolved':
      return {
        title: '☑️ FIDUS MT5 incident resolved',
        text: [
          `Resolved by ${who(event.by)} at ${formatUtc(event.at)}${event.note ? `: ${singleLine(event.note, 1000)}` : ''}`,
          `Target: ${singleLine(event.targetId, 200)}`,
          `Incident: ${singleLine(event.incidentId, 200)}`,
          '',
          link,
        ].join('\n'),
      };
    default: {
      const email = renderEmail(event, { dashboardUrl });
      return { title: email.subject, text: email.text.trimEnd() };
    }
  }
}

/** What an event is for a pager: critical (the incident's story), warning, or info (a test). */
export function eventSeverity(event: ChannelEvent): 'critical' | 'warning' | 'info' {
  if (event.kind === 'warning') return 'warning';
  if (event.kind === 'test') return 'info';
  return 'critical';
}
