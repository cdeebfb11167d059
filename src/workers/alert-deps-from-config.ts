/**
 * The alert activities' dependencies from the app config: SMTP mailer, recipients, dashboard link, and
 * the Temporal-backed in-app feed. For the worker.
 */
import { configSecrets } from '../config/secrets';
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import { createTemporalNotificationFeed } from '../client/notifications';
import type { AlertActivitiesDeps } from '../activities/alerts';
import { type Mailer, createSmtpMailer } from '../activities/alerts/mailer';
import { CATCHER_RESPONSE, catchEmail } from '../client/mailbox';

/** SMTP_HOST's default: still the default means no SMTP was configured. */
const DEFAULT_SMTP_HOST = 'smtp.gmail.com';

/** Where demo emails are addressed when ALERT_RECIPIENT_EMAIL is unset. */
export const DEMO_RECIPIENT = 'ops@demo.autoheal.local';

/** Demo mode (the simulator) with no SMTP configured: emails go to the built-in catcher. */
export function usesMailCatcher(config: AppConfig): boolean {
  return config.demo && !config.smtp.username && config.smtp.host === DEFAULT_SMTP_HOST;
}

/** A Mailer that delivers into the demo mail catcher (a workflow), never over the network. */
export function createCatcherMailer(client: Client, taskQueue: string): Mailer {
  return {
    async send(email) {
      await catchEmail(client, taskQueue, email);
      return { accepted: email.to, rejected: [], response: CATCHER_RESPONSE, messageId: email.messageId };
    },
    async verify() {},
    close() {},
  };
}

export function alertDepsFromConfig(
  config: AppConfig,
  deps: { client: Client; log: Logger },
): AlertActivitiesDeps {
  if (usesMailCatcher(config)) {
    deps.log.warn('📬 DEMO MODE without SMTP: alert emails go to the built-in mail catcher; read them with "autoheal mail" or on the dashboard');
  }
  const catcher = usesMailCatcher(config);
  return {
    mailer: catcher ? createCatcherMailer(deps.client, config.temporal.taskQueue) : createSmtpMailer(config.smtp),
    recipients: catcher && !config.smtp.recipients.length ? [DEMO_RECIPIENT] : config.smtp.recipients,
    escalationRecipients: catcher && !config.smtp.escalation.length ? [DEMO_RECIPIENT] : config.smtp.escalation,
    dashboardUrl: config.dashboard.url,
    feed: createTemporalNotificationFeed(deps.client, { taskQueue: config.temporal.taskQueue }),
    log: deps.log,
    githubRepository: config.remediation.github.repository,
    targetUrls: Object.fromEntries(config.targets.map((t) => [t.target.id, t.target.url])),
    secrets: configSecrets(config),
  };
}
