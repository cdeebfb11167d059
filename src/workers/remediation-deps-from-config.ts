/**
 * Builds the remediation activity's dependencies from the app's configuration: what the worker
 * calls, so that it needs to know nothing of Octokit or restart URLs.
 */
import { configSecrets } from '../config/secrets';
import type { AppConfig } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import { createOctokit } from '../activities/remediation/create-octokit';
import type { RemediationDeps } from '../activities/remediation/create-remediation-activities';

export function remediationDepsFromConfig(config: AppConfig, log: Logger): RemediationDeps {
  const r = config.remediation;
  const restartUrls = new Map(config.targets.map((t) => [t.target.id, t.restartUrl]));
  return {
    method: r.method,
    reason: r.reason,
    github:
      r.github.token && r.github.repository
        ? {
            octokit: createOctokit(r.github, { log }),
            repository: r.github.repository,
            eventType: r.github.eventType,
            apiUrl: r.github.apiUrl,
          }
        : undefined,
    webhook:
      r.method === 'webhook' || (r.method === 'dry-run' && !!r.webhook.url)
        ? { urlFor: (targetId) => restartUrls.get(targetId) ?? r.webhook.url, token: r.webhook.token }
        : undefined,
    log,
    secrets: configSecrets(config),
  };
}
