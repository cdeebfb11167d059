/**
 * The channel clients of the configured channels, by name: what the worker, `autoheal
 * test-alert --channel` and `autoheal doctor` use. The secrets go into these closures only.
 */
import type { AlertChannelsConfig } from '../../../config/alert-channels';
import type { AlertChannelName } from '../../../shared/contracts';
import type { AlertChannel, ChannelDeps } from './channel';
import { createPagerDutyChannel } from './pagerduty';
import { createSlackChannel } from './slack';
import { createTelegramChannel } from './telegram';
import { createWebhookChannel } from './webhook';

export type AlertChannels = Partial<Record<AlertChannelName, AlertChannel>>;

export function buildChannels(config: AlertChannelsConfig | undefined, deps: ChannelDeps): AlertChannels {
  if (!config) return {};
  return {
    ...(config.slack ? { slack: createSlackChannel(config.slack.webhookUrl, deps) } : {}),
    ...(config.telegram ? { telegram: createTelegramChannel(config.telegram, deps) } : {}),
    ...(config.webhook ? { webhook: createWebhookChannel(config.webhook, deps) } : {}),
    ...(config.pagerduty ? { pagerduty: createPagerDutyChannel(config.pagerduty, deps) } : {}),
  };
}
