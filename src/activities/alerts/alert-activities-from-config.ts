/**
 * Wires the alert activities from the app config: SMTP mailer, recipients, dashboard link, and
 * the Temporal-backed in-app feed. For the worker.
 */
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../../config/load-config';
import type { Logger } from '../../logging/create-logger';
import { createTemporalNotificationFeed } from '../../client/notifications';
import type { AlertActivities } from '../../shared/contracts';
import { createAlertActivities } from './create-alert-activities';
import { createSmtpMailer } from './mailer';

export function alertActivitiesFromConfig(
  config: AppConfig,
  deps: { client: Client; log: Logger },
): AlertActivities {
  return createAlertActivities({
    mailer: createSmtpMailer(config.smtp),
    recipients: config.smtp.recipients,
    escalationRecipients: config.smtp.escalation,
    dashboardUrl: config.dashboard.url,
    feed: createTemporalNotificationFeed(deps.client, { taskQueue: config.temporal.taskQueue }),
    log: deps.log,
    githubRepository: config.remediation.github.repository,
    targetUrls: Object.fromEntries(config.targets.map((t) => [t.target.id, t.target.url])),
    secrets: [
      config.smtp.password,
      config.remediation.github.token,
      config.remediation.webhook.token,
      config.temporal.apiKey,
      config.dashboard.token,
    ],
  });
}
