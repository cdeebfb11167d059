/**
 * What the digest reads outside Temporal, built from the configuration: the restart job's Actions
 * runs and the token's expiry through the project's GitHub client (when GITHUB_TOKEN and
 * GITHUB_REPOSITORY are set; else "not configured", saying why). The remediation ladder's stopped
 * rungs come from the report's rung figures (src/client/digest.ts).
 */
import type { AppConfig } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import type { DigestSources } from '../client/digest';
import { createOctokit, type GithubAnswerObserver } from '../activities/remediation/create-octokit';
import { readRestartJobRuns } from '../activities/remediation/restart-job-runs';

export function digestSourcesFromConfig(config: AppConfig, log: Logger, options: { onGithubAnswer?: GithubAnswerObserver } = {}): DigestSources {
  const github = config.remediation.github;
  if (!github.token || !github.repository) {
    const missing = [!github.token && 'GITHUB_TOKEN', !github.repository && 'GITHUB_REPOSITORY'].filter(Boolean).join(' and ');
    const how = config.remediation.method === 'github' ? '' : `; restarts go ${config.remediation.method === 'webhook' ? 'to RESTART_URL' : `nowhere (REMEDIATION=${config.remediation.method})`}`;
    return { notConfigured: `${missing} ${missing.includes(' and ') ? 'are' : 'is'} not set${how}` };
  }
  const octokit = createOctokit(github, { log, onAnswer: options.onGithubAnswer });
  const repository = github.repository;
  return { restartJob: ({ fromMs, toMs, now }) => readRestartJobRuns({ octokit, repository }, { fromMs, toMs, now }) };
}
