/**
 * `sendAlertToChannel(channel, event)`: one event to one channel, by the channel's NAME; the
 * worker built the channel with its secret. Retryable failures (`AlertChannelDeferred`) are
 * retried by the target's alertDeliveryWorkflow on its durable timers; a refusal (a revoked
 * webhook, a bad token or routing key, a channel not configured) raises "alerts cannot be
 * delivered" (log; in-app, once per channel per UTC day) and fails for good. What leaves the
 * activity (receipt, failure message) is scrubbed of every secret the worker holds.
 */
import { ApplicationFailure } from '@temporalio/common';
import { scrubSecrets, type Logger } from '../../../logging/create-logger';
import { ALERTS_UNDELIVERABLE_TEXT, undeliverableNoticeId, type NotificationFeed } from '../../../shared/alert-feed';
import type { AlertChannelName, ChannelActivities, ChannelEvent, ChannelReceipt } from '../../../shared/contracts';
import { AlertsUndeliverableError, describeError } from '../../../shared/errors';
import type { AlertChannels } from './build-channels';
import { ChannelRefusedError, ChannelUnavailableError } from './channel';

/** Type of the retryable failure of a channel that is down, slow or rate-limiting. */
export const ALERT_CHANNEL_DEFERRED = 'AlertChannelDeferred';

/** What fixes a refusal, per channel. */
const FIX: Record<AlertChannelName, string> = {
  slack: 'check SLACK_WEBHOOK_URL (Slack revokes a webhook when its app or channel is removed)',
  telegram: 'check TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID (the bot must be a member of the chat)',
  webhook: 'check ALERT_WEBHOOK_URL and ALERT_WEBHOOK_TOKEN',
  pagerduty: 'check PAGERDUTY_ROUTING_KEY (the integration key of an Events API v2 integration)',
};

export interface ChannelActivitiesDeps {
  channels: AlertChannels;
  feed: NotificationFeed;
  log: Logger;
  /** Every secret value the worker holds: scrubbed from what leaves the activity. */
  secrets?: Array<string | undefined>;
}

export function createChannelActivities(deps: ChannelActivitiesDeps): ChannelActivities {
  const secrets = (deps.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 4);
  const scrub = (text: string): string => scrubSecrets(text, secrets) as string;

  async function undeliverable(name: AlertChannelName, event: ChannelEvent, reason: string): Promise<never> {
    const text = `${ALERTS_UNDELIVERABLE_TEXT}: ${reason}`;
    deps.log.error({ channel: name, alert: event.kind, targetId: event.targetId }, text);
    await deps.feed
      .add({
        id: undeliverableNoticeId(`channel-refused:${name}`),
        severity: 'CRITICAL',
        targetId: event.targetId,
        ...('incidentId' in event ? { incidentId: event.incidentId } : {}),
        text,
        at: new Date().toISOString(),
      })
      .catch((err: unknown) => deps.log.error({ err }, 'could not record "alerts cannot be delivered" in the in-app feed'));
    throw ApplicationFailure.fromError(new AlertsUndeliverableError(text), { nonRetryable: true });
  }

  return {
    async sendAlertToChannel(name, event): Promise<ChannelReceipt> {
      const channel = deps.channels[name];
      const log = deps.log.child({ channel: name, alert: event.kind, targetId: event.targetId });
      if (!channel) return undeliverable(name, event, `the ${name} channel is not configured on this worker; ${FIX[name]}`);
      try {
        const answer = await channel.send(event);
        log.info({ status: answer.status }, `✅ Alert sent to ${name}: ${scrub(answer.detail)}`);
        return { channel: name, status: answer.status, detail: scrub(answer.detail) };
      } catch (err) {
        if (err instanceof ChannelRefusedError)
          return undeliverable(name, event, `${scrub(err.message)}; ${FIX[name]}`);
        const reason = scrub(err instanceof ChannelUnavailableError ? err.message : `${name}: ${describeError(err)}`);
        log.warn(`Alert to ${name} not delivered yet: ${reason}; retrying`);
        throw ApplicationFailure.create({ type: ALERT_CHANNEL_DEFERRED, message: reason, nonRetryable: false });
      }
    },
  };
}
