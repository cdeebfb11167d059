/**
 * GITHUB_TOKEN health, watched by the worker: one cheap `GET /repos/{owner}/{repo}` at start and
 * once a day, plus every answer the remediation's GitHub client gets (a dispatch, a read of the
 * restart runs), read for the token's expiry, its classic scopes and a 401
 * (src/activities/remediation/token-health.ts). A warning goes where the product's other
 * WARNINGs go: a WARNING email and an in-app WARNING notification, handed to the `fleet`
 * AlertDeliveryWorkflow (retried durably for 24 h like every alert), plus a log line. Each
 * warning is sent once per dedupe key (an expiry threshold once per expiry date; scopes and 401
 * once a day). The token itself is never in a warning, a log line or an email.
 */
import type { Octokit } from '@octokit/rest';
import type { Logger } from '../logging/create-logger';
import { describeError } from '../shared/errors';
import type { AlertDelivery } from '../shared/contracts';
import { emailDelivery, inAppDelivery } from '../shared/alert-policy';
import type { WarningAlert } from '../shared/contracts';
import type { GithubAnswerObserver } from '../activities/remediation/create-octokit';
import { tokenHealthWarnings, unauthorizedTokenWarning, type TokenWarning } from '../activities/remediation/token-health';
import type { Timers } from './heartbeat/dead-mans-switch';

/** The target id of the product's own notices (the fleet breaker's too). */
export const PRODUCT_NOTICE_TARGET = 'fleet';

export const TOKEN_CHECK_INTERVAL_MS = 24 * 60 * 60_000;

export interface GithubTokenWatchDeps {
  octokit: Octokit;
  /** owner/repo */
  repository: string;
  log: Logger;
  /** Hands deliveries to the product's alert delivery (the AlertDeliveryWorkflow of `fleet`). */
  deliver: (targetId: string, deliveries: AlertDelivery[]) => Promise<void>;
  now?: () => Date;
  timers?: Timers;
  intervalMs?: number;
}

export interface GithubTokenWatch {
  /** Checks now, then every interval. */
  start(): void;
  stop(): void;
  /** One check: GET /repos/{owner}/{repo}, its headers read (the observer sees them). Resolves to the warnings raised. */
  check(): Promise<TokenWarning[]>;
  /** For the GitHub client's `onAnswer`: every answer's headers are read. */
  observe: GithubAnswerObserver;
  /** Settles once every warning raised so far has been handed over. */
  settled(): Promise<void>;
}

/** The WARNING email and in-app notice of one token warning. */
export function tokenWarningDeliveries(w: TokenWarning, at: Date): AlertDelivery[] {
  const key = `github_token:${w.dedupeKey}`;
  const text = `${w.text}. Fix: ${w.fix}`;
  const event: WarningAlert = {
    kind: 'warning',
    targetId: PRODUCT_NOTICE_TARGET,
    at: at.toISOString(),
    conditionKey: `github_token:${w.condition}`,
    issue: text,
    occurrence: 1,
    episodeId: key,
  };
  return [
    emailDelivery(event),
    inAppDelivery({ id: key, severity: 'WARNING', targetId: PRODUCT_NOTICE_TARGET, text, at: at.toISOString() }),
  ];
}

export function createGithubTokenWatch(deps: GithubTokenWatchDeps): GithubTokenWatch {
  const now = deps.now ?? (() => new Date());
  const log = deps.log.child({ component: 'github-token' });
  const timers = deps.timers ?? {
    setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms).unref(),
    clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
  };
  const sent = new Set<string>();
  let pending: Promise<void> = Promise.resolve();
  let timer: unknown;
  let running = false;

  const raise = (warnings: TokenWarning[]): TokenWarning[] => {
    const fresh = warnings.filter((w) => !sent.has(w.dedupeKey));
    for (const w of fresh) {
      sent.add(w.dedupeKey);
      log.warn(`⚠️  ${w.text}. Fix: ${w.fix}`);
      const at = now();
      pending = pending.then(() =>
        deps.deliver(PRODUCT_NOTICE_TARGET, tokenWarningDeliveries(w, at)).catch((err: unknown) => {
          sent.delete(w.dedupeKey); // not handed over: the next answer or check raises it again
          log.error({ err }, 'The GITHUB_TOKEN warning could not be handed to the alert delivery; it is raised again at the next check');
        }),
      );
    }
    return fresh;
  };

  const observe: GithubAnswerObserver = ({ status, headers, route }) => {
    const at = now();
    if (status === 401) raise([unauthorizedTokenWarning({ repository: deps.repository, now: at, what: route })]);
    else raise(tokenHealthWarnings(headers, { repository: deps.repository, now: at }));
  };

  async function check(): Promise<TokenWarning[]> {
    const [owner, repo] = deps.repository.split('/') as [string, string];
    try {
      const res = await deps.octokit.request('GET /repos/{owner}/{repo}', { owner, repo, request: { signal: AbortSignal.timeout(15_000) } });
      return tokenHealthWarnings(res.headers as Record<string, string | undefined>, { repository: deps.repository, now: now() });
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status === 401) return [unauthorizedTokenWarning({ repository: deps.repository, now: now(), what: `GET /repos/${deps.repository}` })];
      log.info(`GITHUB_TOKEN health not read this time (${describeError(err)}); next check in a day`);
      return [];
    }
  }

  const loop = (): void => {
    if (!running) return;
    void check()
      .then((warnings) => raise(warnings))
      .finally(() => {
        if (running) timer = timers.setTimeout(loop, deps.intervalMs ?? TOKEN_CHECK_INTERVAL_MS);
      });
  };

  return {
    start() {
      if (running) return;
      running = true;
      loop();
    },
    stop() {
      running = false;
      if (timer !== undefined) timers.clearTimeout(timer);
    },
    async check() {
      return raise(await check());
    },
    observe,
    settled: () => pending,
  };
}
