/**
 * Builds the remediation activity's dependencies from the app's configuration: what the worker
 * calls, so that it needs to know nothing of Octokit or restart URLs.
 */
import { configSecrets } from '../config/secrets';
import type { AppConfig } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import { createOctokit, type GithubAnswerObserver } from '../activities/remediation/create-octokit';
import type { RemediationDeps } from '../activities/remediation/create-remediation-activities';
import { emergencyRestartUrl } from '../activities/remediation/dispatch-reinit';

export function remediationDepsFromConfig(
  config: AppConfig,
  log: Logger,
  options: { onGithubAnswer?: GithubAnswerObserver } = {},
): RemediationDeps {
  const r = config.remediation;
  // Each target's own route (src/config/restart-routes.ts): a target id not configured here has
  // none, and no target ever falls back to another's URL or token.
  const restartUrls = new Map(config.targets.map((t) => [t.target.id, t.restartUrl]));
  const tokens = new Map(Object.entries(r.webhook.targetTokens));
  const tokenNames = new Map(config.targets.map((t) => [t.target.id, t.restartTokenEnv]));
  // The reinit rung: each bridge's own emergency-restart with its own admin token (a secret URL,
  // built here and only here).
  const bridgeUrls = new Map(config.targets.map((t) => [t.target.id, t.target.url]));
  const adminTokens = new Map(Object.entries(r.reinit?.targetTokens ?? {}));
  const reinitTokenNames = new Map(config.targets.map((t) => [t.target.id, t.reinitTokenEnv]));
  return {
    method: r.method,
    reason: r.reason,
    github:
      r.github.token && r.github.repository
        ? {
            octokit: createOctokit(r.github, { log, onAnswer: options.onGithubAnswer }),
            repository: r.github.repository,
            eventType: r.github.eventType,
            apiUrl: r.github.apiUrl,
          }
        : undefined,
    webhook:
      r.method === 'webhook' || (r.method === 'dry-run' && config.targets.some((t) => t.restartUrl))
        ? {
            urlFor: (targetId) => restartUrls.get(targetId),
            tokenFor: (targetId) => tokens.get(targetId),
            tokenNameFor: (targetId) => tokenNames.get(targetId),
          }
        : undefined,
    reinit: adminTokens.size
      ? {
          urlFor: (targetId) => {
            const url = bridgeUrls.get(targetId);
            const token = adminTokens.get(targetId);
            return url && token ? emergencyRestartUrl(url, token) : undefined;
          },
          tokenNameFor: (targetId) => reinitTokenNames.get(targetId) ?? (config.targets.length > 1 ? undefined : 'REINIT_TOKEN'),
        }
      : undefined,
    log,
    secrets: configSecrets(config),
  };
}
