/**
 * Tells an SMTP failure that retrying may fix (server down, timeout, 4xx) from one it cannot
 * (login refused, 5xx rejection), and says it in words an operator can act on.
 */

export interface SmtpFailure {
  /** True when retrying the same message will fail the same way. */
  permanent: boolean;
  /** One sentence: what happened and, when permanent, what to fix. */
  reason: string;
  /**
   * What went wrong, as a stable key (no server text in it): `smtp-login-refused`,
   * `smtp-rejected`; set on permanent failures. One in-app notice per cause per day.
   */
  cause?: string;
}

interface NodemailerError {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message?: string;
}

const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
]);

export function classifySmtpError(err: unknown): SmtpFailure {
  const e = (err ?? {}) as NodemailerError;
  const message = e.message ?? String(err);
  const code = e.responseCode;
  // The server refused STARTTLS, or its certificate cannot be trusted: retrying will not help.
  const refusedTls = e.code === 'ETLS' && code !== undefined && code >= 500;
  const badCertificate = (e.code === 'ETLS' || e.code === 'ESOCKET') && /certificate|self[- ]signed/i.test(message);
  if (refusedTls || badCertificate) {
    return {
      permanent: true,
      cause: 'smtp-tls',
      reason:
        `SMTP server did not give a TLS session (${message}): nothing was sent, the password included. ` +
        'Use a server that offers STARTTLS (port 587) with a valid certificate, or implicit TLS (SMTP_SECURE=true, port 465); ' +
        'for a relay on this machine only, SMTP_ALLOW_PLAINTEXT_LOOPBACK=true',
    };
  }
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH') {
    if (code !== undefined && code >= 400 && code < 500) {
      return { permanent: false, reason: `SMTP login deferred by the server (${message}); retrying` };
    }
    return {
      permanent: true,
      cause: 'smtp-login-refused',
      reason: `SMTP login refused (${message}): check SMTP_USERNAME and SMTP_APP_PASSWORD (for Gmail, an app password of that account)`,
    };
  }
  if (code !== undefined && code >= 500 && code < 600 && code !== 503) {
    const what =
      e.command === 'RCPT TO'
        ? 'every recipient was rejected'
        : `the server rejected the message at ${e.command ?? 'SMTP'}`;
    return {
      permanent: true,
      cause: 'smtp-rejected',
      reason: `${what} (${message}): check ALERT_RECIPIENT_EMAIL / ESCALATION_EMAIL and ALERT_FROM`,
    };
  }
  if (code !== undefined && code >= 400 && code < 500) {
    return { permanent: false, reason: `SMTP server deferred the message (${message}); retrying` };
  }
  if (e.code && CONNECTION_CODES.has(e.code)) {
    return { permanent: false, reason: `SMTP server unreachable (${message}); retrying` };
  }
  return { permanent: false, reason: `SMTP send failed (${message}); retrying` };
}
