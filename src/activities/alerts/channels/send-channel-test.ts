/**
 * `autoheal test-alert --channel <name>` and `autoheal doctor --test-channels`: one test alert to
 * one channel, straight from this process (no worker needed), with the answer in words. PagerDuty
 * gets a trigger and at once a resolve of the test's own dedup key, so no page stays open.
 */
import type { AppConfig } from '../../../config/load-config';
import { channelSecrets } from '../../../config/alert-channels';
import { scrubSecrets } from '../../../logging/create-logger';
import { ALERT_CHANNELS, type AlertChannelName, type ChannelReceipt } from '../../../shared/contracts';
import { AutohealError, describeError } from '../../../shared/errors';
import { buildChannels } from './build-channels';

/** Thrown when the test alert does not go out; the message says why (never a secret). */
export class ChannelTestFailedError extends AutohealError {}

/** The variables that configure each channel: what the operator sets. */
export const CHANNEL_VARIABLES: Record<AlertChannelName, string> = {
  slack: 'SLACK_WEBHOOK_URL',
  telegram: 'TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID',
  webhook: 'ALERT_WEBHOOK_URL (and ALERT_WEBHOOK_TOKEN)',
  pagerduty: 'PAGERDUTY_ROUTING_KEY',
};

export function isChannelName(name: string): name is AlertChannelName {
  return (ALERT_CHANNELS as readonly string[]).includes(name);
}

export async function sendChannelTest(
  config: Pick<AppConfig, 'channels' | 'dashboard' | 'targets'>,
  name: string,
  options: { fetch?: typeof fetch; now?: () => Date; timeoutMs?: number } = {},
): Promise<ChannelReceipt> {
  if (!isChannelName(name)) throw new ChannelTestFailedError(`unknown channel "${name}": expected one of ${ALERT_CHANNELS.join(', ')}`);
  const channel = buildChannels(config.channels, { dashboardUrl: config.dashboard.url, fetch: options.fetch, timeoutMs: options.timeoutMs })[name];
  if (!channel) throw new ChannelTestFailedError(`${name} is not configured: set ${CHANNEL_VARIABLES[name]} (docs/alerting.md, "Channels")`);
  const at = (options.now?.() ?? new Date()).toISOString();
  try {
    const answer = await channel.send({ kind: 'test', targetId: config.targets[0]?.target.id ?? 'mt5-bridge', at });
    return { channel: name, status: answer.status, detail: answer.detail };
  } catch (err) {
    throw new ChannelTestFailedError(scrubSecrets(describeError(err), channelSecrets(config.channels)) as string);
  }
}
