import type { AppConfig } from './load-config';

/** Every secret value the configuration holds: scrubbed from logs and from what the dashboard serves. */
export function configSecrets(config: AppConfig): string[] {
  return [
    config.dashboard.token,
    config.remediation.github.token,
    config.remediation.webhook.token,
    config.smtp.password,
    config.temporal.apiKey,
    config.temporal.connection?.apiKey,
    config.temporal.tlsKey,
  ].filter((s): s is string => typeof s === 'string' && s.length >= 4);
}
