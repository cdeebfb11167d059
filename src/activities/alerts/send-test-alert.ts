/**
 * Sends the test alert straight through SMTP (no worker needed): what `autoheal test-alert` and
 * the dashboard's "send test alert" button do.
 */
import type { AppConfig } from '../../config/load-config';
import type { EmailReceipt, TestAlert } from '../../shared/contracts';
import { AutohealError } from '../../shared/errors';
import { classifySmtpError, type SmtpFailure } from './classify-smtp-error';
import { createSmtpMailer, type Mailer } from './mailer';
import { renderEmail } from './render-email';

/** Thrown when the test alert does not go out; the message says why and what to fix. */
export class TestAlertFailedError extends AutohealError {
  constructor(readonly failure: SmtpFailure) {
    super(failure.reason);
  }
}

export interface TestAlertOptions {
  /** Recipients; default: ALERT_RECIPIENT_EMAIL and ESCALATION_EMAIL together. */
  to?: string[];
  mailer?: Mailer;
  now?: () => Date;
}

export async function sendTestAlert(
  config: Pick<AppConfig, 'smtp' | 'dashboard' | 'targets'>,
  options: TestAlertOptions = {},
): Promise<EmailReceipt> {
  const to = [...new Set(options.to ?? [...config.smtp.recipients, ...config.smtp.escalation])];
  if (!to.length) {
    throw new TestAlertFailedError({
      permanent: true,
      reason: 'no recipients configured: set ALERT_RECIPIENT_EMAIL (comma list)',
    });
  }
  const event: TestAlert = {
    kind: 'test',
    targetId: config.targets[0]?.target.id ?? 'mt5-bridge',
    at: (options.now?.() ?? new Date()).toISOString(),
  };
  const email = renderEmail(event, { dashboardUrl: config.dashboard.url });
  const mailer = options.mailer ?? createSmtpMailer(config.smtp);
  try {
    const delivery = await mailer.send({ ...email, to });
    return {
      messageId: email.messageId,
      accepted: delivery.accepted,
      rejected: delivery.rejected,
      response: delivery.response,
    };
  } catch (err) {
    throw new TestAlertFailedError(classifySmtpError(err));
  } finally {
    if (!options.mailer) mailer.close();
  }
}
