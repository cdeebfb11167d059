/**
 * Which configuration a worker runs on: a short hash of everything in the configuration that
 * changes behaviour, secrets excluded (a secret's rotation is not a different configuration, and a
 * hash of a secret would leak it to whoever can guess it). Workers carry it in their Temporal
 * identity; `autoheal doctor` compares it with its own.
 */
import { createHash } from 'node:crypto';
import type { AppConfig } from './load-config';

export function configFingerprint(config: AppConfig): string {
  const { temporal, targets, remediation, smtp, dashboard } = config;
  const meaningful = {
    temporal: { namespace: temporal.namespace, taskQueue: temporal.taskQueue },
    targets,
    remediation: {
      method: remediation.method,
      github: {
        repository: remediation.github.repository,
        apiUrl: remediation.github.apiUrl,
        eventType: remediation.github.eventType,
        // only when set, so that the fingerprint of a configuration without it stays what it was
        ...(remediation.github.routesByTarget ? { routesByTarget: true } : {}),
      },
      webhook: { url: remediation.webhook.url },
    },
    smtp: { host: smtp.host, port: smtp.port, secure: smtp.secure, from: smtp.from, recipients: smtp.recipients, escalation: smtp.escalation },
    dashboard: { url: dashboard.url },
  };
  return createHash('sha256').update(JSON.stringify(meaningful)).digest('hex').slice(0, 12);
}

/** The fingerprint inside a worker identity (`... config=<fingerprint>`), if it carries one. */
export function fingerprintInIdentity(identity: string): string | undefined {
  const at = identity.lastIndexOf('config=');
  return at < 0 ? undefined : identity.slice(at + 'config='.length).split(' ')[0] || undefined;
}
