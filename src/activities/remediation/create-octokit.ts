/**
 * The Octokit client of the remediation activity and of `autoheal doctor`. No retry or
 * throttling plugin and `retries: 0`: Temporal's retry policy is the one retry loop.
 */
import { Octokit } from '@octokit/rest';
import type { Logger } from '../../logging/create-logger';

export interface GithubClientConfig {
  token?: string;
  apiUrl: string;
}

export function createOctokit(github: GithubClientConfig, options: { log?: Logger } = {}): Octokit {
  const log = options.log;
  return new Octokit({
    auth: github.token,
    baseUrl: github.apiUrl,
    userAgent: 'fidus-autoheal',
    request: { retries: 0 },
    log: {
      debug: () => undefined,
      info: () => undefined,
      warn: (message: string) => log?.warn(message),
      error: (message: string) => log?.error(message),
    },
  });
}
