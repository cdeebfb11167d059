/**
 * What `autoheal doctor` asks of the email side: can the worker log in to the SMTP server, and
 * is anyone configured to receive alerts. Never prints the password.
 */
import { classifySmtpError } from './classify-smtp-error';
import { createSmtpMailer, type Mailer, type SmtpConfig } from './mailer';

export interface SmtpCheck {
  ok: boolean;
  /** One line for the doctor's report: what works, or what is wrong and how to fix it. */
  detail: string;
}

export async function checkSmtp(smtp: SmtpConfig, options: { mailer?: Mailer } = {}): Promise<SmtpCheck> {
  const server = `${smtp.host}:${smtp.port}${smtp.secure ? ' (TLS)' : ''}`;
  if (!smtp.recipients.length) {
    return {
      ok: false,
      detail: `no alert recipients configured: set ALERT_RECIPIENT_EMAIL (comma list); alerts cannot be delivered`,
    };
  }
  if (smtp.username && !smtp.password) {
    return {
      ok: false,
      detail: `SMTP_USERNAME is set but SMTP_APP_PASSWORD is not: set the app password of ${smtp.username}`,
    };
  }
  const mailer = options.mailer ?? createSmtpMailer(smtp);
  try {
    await mailer.verify();
    const login = smtp.username
      ? `logged in as ${smtp.username}`
      : 'no login configured (SMTP_USERNAME unset)';
    return {
      ok: true,
      detail: `SMTP ${server} answers, ${login}; alerts go to ${smtp.recipients.join(', ')}`,
    };
  } catch (err) {
    const failure = classifySmtpError(err);
    return { ok: false, detail: `SMTP ${server}: ${failure.reason.replace(/; retrying$/, '')}` };
  } finally {
    if (!options.mailer) mailer.close();
  }
}
