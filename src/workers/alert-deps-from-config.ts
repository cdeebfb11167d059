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
import { createSmtpMailer } from '../activities/alerts/mailer';

export function alertDepsFromConfig(
  config: AppConfig,
  deps: { client: Client; log: Logger },
): AlertActivitiesDeps {
  return {
    mailer: createSmtpMailer(config.smtp),
    recipients: config.smtp.recipients,
    escalationRecipients: config.smtp.escalation,
    dashboardUrl: config.dashboard.url,
    feed: createTemporalNotificationFeed(deps.client, { taskQueue: config.temporal.taskQueue }),
    log: deps.log,
    githubRepository: config.remediation.github.repository,
    targetUrls: Object.fromEntries(config.targets.map((t) => [t.target.id, t.target.url])),
    secrets: configSecrets(config),
  };
}
