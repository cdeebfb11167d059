/**
 * The Octokit client of the remediation activity and of `autoheal doctor`. No retry or
 * throttling plugin and `retries: 0`: Temporal's retry policy is the one retry loop.
 */
import { Octokit } from '@octokit/rest';
import type { Logger } from '../../logging/create-logger';
import { normalizeHeaders } from './http-outcome';

export interface GithubClientConfig {
  token?: string;
  apiUrl: string;
}

/** Told of every answer GitHub gives (status and lower-case headers): the token's health is read from them. */
export type GithubAnswerObserver = (answer: { status: number; headers: Record<string, string | undefined>; route: string }) => void;

export function createOctokit(github: GithubClientConfig, options: { log?: Logger; onAnswer?: GithubAnswerObserver } = {}): Octokit {
  const log = options.log;
  const octokit = new Octokit({
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
  const observe = options.onAnswer;
  if (observe) {
    const tell = (status: number, headers: unknown, route: string) => {
      try {
        observe({ status, headers: normalizeHeaders(headers as Record<string, unknown> | undefined), route });
      } catch (err) {
        log?.warn({ err }, 'GitHub answer observer failed');
      }
    };
    octokit.hook.after('request', (response, opts) => tell(response.status, response.headers, `${opts.method} ${opts.url}`));
    octokit.hook.error('request', (error, opts) => {
      const e = error as { response?: { status?: number; headers?: unknown } };
      if (typeof e.response?.status === 'number') tell(e.response.status, e.response.headers, `${opts.method} ${opts.url}`);
      throw error;
    });
  }
  return octokit;
}
