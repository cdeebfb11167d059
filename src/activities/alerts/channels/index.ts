/** The alert channels besides email: Slack, Telegram, a JSON webhook, PagerDuty (docs/alerting.md, "Channels"). */
export { type AlertChannel, type ChannelAnswer, type ChannelDeps, ChannelRefusedError, ChannelUnavailableError } from './channel';
export { buildChannels, type AlertChannels } from './build-channels';
export { channelsFor, routeClassOf } from './route-event';
export { createChannelActivities, ALERT_CHANNEL_DEFERRED, type ChannelActivitiesDeps } from './create-channel-activities';
export { channelMessage } from './channel-text';
export { pagerDutyAction, pagerDutyEvent } from './pagerduty';
export { webhookPayload, type WebhookPayload } from './webhook';
export { slackEscape } from './slack';
