/**
 * The narrow mail interface the alert activities use, and its SMTP implementation over
 * nodemailer. The SMTP password lives only inside the transport built here and is sent only
 * over TLS; errors leaving it are scrubbed of it.
 */
import type { ConnectionOptions } from 'node:tls';
import nodemailer from 'nodemailer';
import { isLoopbackHost } from '../../config/loopback';
import type { AppConfig } from '../../config/load-config';
import { scrubSecrets } from '../../logging/create-logger';
import type { RenderedEmail } from './render-email';

/** A rendered alert email on its way to its recipients. */
export interface OutgoingEmail extends RenderedEmail {
  to: string[];
}

export interface MailDelivery {
  accepted: string[];
  rejected: string[];
  /** The SMTP server's final answer, e.g. "250 2.0.0 OK". */
  response: string;
  messageId: string;
}

export interface Mailer {
  /** Sends one email; throws the transport's error (with `code`, `responseCode`) on failure. */
  send(email: OutgoingEmail): Promise<MailDelivery>;
  /** Connects, upgrades to TLS when offered and logs in; throws when that fails. */
  verify(): Promise<void>;
  close(): void;
}

export type SmtpConfig = AppConfig['smtp'];

/** Timeouts of one SMTP session, ms: long enough for a slow relay, short of the activity's 2 min. */
export const SMTP_TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 45_000 };

/**
 * Whether this configuration may talk to its SMTP server in plain text: only with the explicit
 * SMTP_ALLOW_PLAINTEXT_LOOPBACK opt-in and a relay on this machine (loadConfig refuses the opt-in
 * with any other host; this checks again).
 */
export function plaintextAllowed(smtp: Pick<SmtpConfig, 'host' | 'allowPlaintextLoopback'>): boolean {
  return smtp.allowPlaintextLoopback === true && isLoopbackHost(smtp.host);
}

/**
 * A Mailer over SMTP. Credentials and alerts travel only over TLS: implicit TLS when `secure`
 * (port 465), else STARTTLS is required (`requireTLS`): a server that does not offer it, or whose
 * upgrade fails, gets no login and no message. Plain text only with SMTP_ALLOW_PLAINTEXT_LOOPBACK
 * for a loopback relay (STARTTLS is still used when offered). The server's certificate is
 * verified (`options.tls` lets tests trust their own CA). Login with the username and app
 * password when both are set. One connection per message (no pool): alerts are rare and each
 * send stands alone.
 */
export function createSmtpMailer(
  smtp: SmtpConfig,
  options: { tls?: ConnectionOptions } = {},
): Mailer {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: !smtp.secure && !plaintextAllowed(smtp),
    auth: smtp.username && smtp.password ? { user: smtp.username, pass: smtp.password } : undefined,
    ...SMTP_TIMEOUTS,
    ...(options.tls ? { tls: options.tls } : {}),
  });
  const secrets = smtp.password ? [smtp.password] : [];
  const scrubbed = (err: unknown): unknown => {
    if (!(err instanceof Error) || !secrets.length) return err;
    err.message = scrubSecrets(err.message, secrets) as string;
    const withResponse = err as Error & { response?: unknown };
    if (typeof withResponse.response === 'string')
      withResponse.response = scrubSecrets(withResponse.response, secrets);
    return err;
  };
  return {
    async send(email) {
      try {
        const info = await transport.sendMail({
          from: smtp.from,
          to: email.to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          messageId: email.messageId,
          inReplyTo: email.inReplyTo,
          references: email.references,
        });
        return {
          accepted: (info.accepted ?? []).map(String),
          rejected: (info.rejected ?? []).map(String),
          response: String(info.response ?? ''),
          messageId: String(info.messageId ?? email.messageId),
        };
      } catch (err) {
        throw scrubbed(err);
      }
    },
    async verify() {
      try {
        await transport.verify();
      } catch (err) {
        throw scrubbed(err);
      }
    },
    close() {
      transport.close();
    },
  };
}
