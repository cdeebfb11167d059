/**
 * The alert activities: `sendAlertEmail` (routing, rendering, SMTP delivery with Temporal's
 * retries) and `notifyInApp` (the durable feed), built over injected dependencies.
 */
import { activityInfo } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { scrubSecrets, type Logger } from '../../logging/create-logger';
import { ALERTS_UNDELIVERABLE_TEXT, undeliverableNoticeId } from '../../shared/alert-feed';

export { undeliverableNoticeId };
import type { AlertActivities, AlertEvent, EmailReceipt, InAppNotification } from '../../shared/contracts';
import { AlertsUndeliverableError, describeError } from '../../shared/errors';
import { classifySmtpError } from './classify-smtp-error';
import type { Mailer } from './mailer';
import type { NotificationFeed } from '../../shared/alert-feed';
import { renderEmail, type RenderContext } from './render-email';

export interface AlertActivitiesDeps {
  mailer: Mailer;
  /** ALERT_RECIPIENT_EMAIL: CRITICAL, WARNING, recovery and test emails. */
  recipients: string[];
  /** ESCALATION_EMAIL: escalations and their reminders. */
  escalationRecipients: string[];
  /** DASHBOARD_URL: the link put in emails. */
  dashboardUrl: string;
  feed: NotificationFeed;
  log: Logger;
  /** owner/repo of the restart workflow, shown in escalation emails' manual steps. */
  githubRepository?: string;
  /** Bridge URL by target id, shown in escalation emails' manual steps. */
  targetUrls?: Record<string, string>;
  /**
   * Secret values the worker holds. Events never carry one, but should a diagnosis quote one by
   * mistake, it is replaced by [REDACTED] in the email and the in-app text.
   */
  secrets?: Array<string | undefined>;
  /**
   * Hands the event to the channels its route names (Slack, Telegram, webhook, PagerDuty), as
   * deliveries of the target's alertDeliveryWorkflow; a no-op when none is routed. Called before
   * the email is sent, so the channels never wait for SMTP; when it fails (Temporal unreachable)
   * the attempt fails retryably before sending, and the next one tries both again.
   */
  routeToChannels?: (event: AlertEvent) => Promise<void>;
}

/** Type of the retryable failure thrown while the SMTP server is down or deferring. */
export const ALERT_EMAIL_DEFERRED = 'AlertEmailDeferred';

/** Type of the retryable failure thrown when the event could not be handed to its channels. */
export const ALERT_CHANNELS_NOT_HANDED_OVER = 'AlertChannelsNotHandedOver';

/** Escalations, their reminders and the fleet breaker's notice go to the support contacts. */
function isForSupportContacts(event: AlertEvent): boolean {
  return event.kind === 'escalation' || event.kind === 'reminder' || event.kind === 'fleet_breaker';
}

/** Who receives an event's email: escalations and their reminders go to the support contacts. */
export function recipientsFor(
  event: AlertEvent,
  deps: Pick<AlertActivitiesDeps, 'recipients' | 'escalationRecipients'>,
): string[] {
  const list =
    isForSupportContacts(event) ? deps.escalationRecipients : deps.recipients;
  return [...new Set(list.map((r) => r.trim()).filter(Boolean))];
}

export function createAlertActivities(deps: AlertActivitiesDeps): AlertActivities {
  const ctx: RenderContext = {
    dashboardUrl: deps.dashboardUrl,
    githubRepository: deps.githubRepository,
    targetUrls: deps.targetUrls,
  };
  const secrets = (deps.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 4);
  const scrub = <T>(value: T): T => scrubSecrets(value, secrets) as T;

  /**
   * Raises "alerts cannot be delivered" in the log (every email) and the feed (once per cause
   * per UTC day: one incident's eight undeliverable emails are one notice), then fails for good.
   */
  async function undeliverable(
    event: AlertEvent,
    messageId: string,
    cause: string,
    reason: string,
  ): Promise<never> {
    const text = `${ALERTS_UNDELIVERABLE_TEXT}: ${reason}`;
    deps.log.error({ alert: event.kind, targetId: event.targetId, messageId, cause }, text);
    try {
      await deps.feed.add({
        id: undeliverableNoticeId(cause),
        severity: 'CRITICAL',
        targetId: event.targetId,
        ...('incidentId' in event ? { incidentId: event.incidentId } : {}),
        text,
        at: new Date().toISOString(),
      });
    } catch (err) {
      deps.log.error({ err }, 'could not record "alerts cannot be delivered" in the in-app feed');
    }
    throw ApplicationFailure.fromError(new AlertsUndeliverableError(text), { nonRetryable: true });
  }

  return {
    async sendAlertEmail(event: AlertEvent): Promise<EmailReceipt> {
      const email = scrub(renderEmail(event, ctx));
      const to = recipientsFor(event, deps);
      const log = deps.log.child({
        alert: event.kind,
        targetId: event.targetId,
        messageId: email.messageId,
        attempt: attempt(),
      });
      if (deps.routeToChannels) {
        try {
          await deps.routeToChannels(event);
        } catch (err) {
          const reason = `could not hand the ${event.kind} alert to its channels (${scrub(describeError(err))}); retrying`;
          log.warn(reason);
          throw ApplicationFailure.create({ type: ALERT_CHANNELS_NOT_HANDED_OVER, message: reason, nonRetryable: false });
        }
      }
      if (!to.length) {
        const variable =
          isForSupportContacts(event)
            ? 'ESCALATION_EMAIL (or ALERT_RECIPIENT_EMAIL)'
            : 'ALERT_RECIPIENT_EMAIL';
        return undeliverable(
          event,
          email.messageId,
          `no-recipients:${variable.split(' ')[0]}`,
          `no recipients configured: set ${variable} to a comma list of email addresses`,
        );
      }
      let delivery;
      try {
        delivery = await deps.mailer.send({ ...email, to });
      } catch (err) {
        const failure = classifySmtpError(err);
        if (failure.permanent)
          return undeliverable(event, email.messageId, failure.cause ?? 'smtp-permanent', failure.reason);
        log.warn(`Alert email not delivered yet: ${failure.reason}`);
        throw ApplicationFailure.create({
          type: ALERT_EMAIL_DEFERRED,
          message: failure.reason,
          nonRetryable: false,
        });
      }
      for (const recipient of delivery.accepted)
        log.info({ response: delivery.response }, `✅ Email alert sent to ${recipient}`);
      for (const recipient of delivery.rejected) {
        const text = `Alert email to ${recipient} was rejected by the SMTP server; check the address in ALERT_RECIPIENT_EMAIL / ESCALATION_EMAIL`;
        log.warn(text);
        await deps.feed
          .add({
            id: `rejected:${email.messageId}:${recipient}`,
            severity: 'WARNING',
            targetId: event.targetId,
            text,
            at: new Date().toISOString(),
          })
          .catch((err: unknown) => {
            log.error({ err }, 'could not record a rejected recipient in the in-app feed');
          });
      }
      return {
        messageId: email.messageId,
        accepted: delivery.accepted,
        rejected: delivery.rejected,
        response: delivery.response,
      };
    },

    async notifyInApp(raw: InAppNotification & { id?: string }): Promise<void> {
      const notification = scrub(raw);
      await deps.feed.add(notification);
      const line = notification.text.startsWith(`${notification.severity}:`)
        ? notification.text
        : `${notification.severity}: ${notification.text}`;
      const fields = {
        targetId: notification.targetId,
        incidentId: notification.incidentId,
        notification: true,
      };
      if (notification.severity === 'CRITICAL') deps.log.error(fields, line);
      else if (notification.severity === 'WARNING') deps.log.warn(fields, line);
      else deps.log.info(fields, line);
    },
  };
}

/** The activity attempt number, or undefined outside an activity (CLI, unit tests). */
function attempt(): number | undefined {
  try {
    return activityInfo().attempt;
  } catch {
    return undefined;
  }
}
