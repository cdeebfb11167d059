/**
 * The remediation activity: one restart request per call, by the configured method.
 *
 * Failures leave as ApplicationFailures typed with the error class name (see ./errors): the
 * five in NON_RETRYABLE_REMEDIATION_ERRORS are non-retryable and carry the diagnosis; 5xx,
 * timeouts and network errors are retried by Temporal's policy (REMEDIATION_ACTIVITY_OPTIONS),
 * and a rate limit is retried after the wait GitHub named (`nextRetryDelay`). Nothing here
 * retries by itself.
 */
import { activityCancellationSignal } from '../cancellation';
import type { Logger } from '../../logging/create-logger';
import type { RemediationActivities, RemediationReceipt, RemediationRequest } from '../../shared/contracts';
import type { RestartRunQuery, RestartRunState } from '../../shared/restart-run';
import type { RemediationMethod } from '../../shared/types';
import { dispatchViaGithub, type GithubRemediation } from './dispatch-github';
import { dispatchViaWebhook, type WebhookRemediation } from './dispatch-webhook';
import { RemediationError, RemediationNotConfiguredError } from './errors';
import { followGithubRun } from './follow-github-run';
import { toApplicationFailure } from './to-application-failure';

export interface RemediationDeps {
  method: RemediationMethod;
  /** Why this method was chosen (config.remediation.reason): told when the method is `none`. */
  reason?: string;
  /** Required for method `github`; undefined there means GITHUB_TOKEN or GITHUB_REPOSITORY is missing. */
  github?: GithubRemediation;
  /** Required for method `webhook`. */
  webhook?: WebhookRemediation;
  log: Logger;
  now?: () => Date;
  /** Secret values scrubbed from anything thrown (defence in depth; RESTART_TOKEN is added already). */
  secrets?: Array<string | undefined>;
}

export function createRemediationActivities(deps: RemediationDeps): RemediationActivities {
  const now = deps.now ?? (() => new Date());
  const secrets = [...(deps.secrets ?? []), deps.webhook?.token].filter(
    (s): s is string => typeof s === 'string' && s.length >= 4,
  );

  async function dispatch(request: RemediationRequest, at: Date): Promise<RemediationReceipt> {
    const signal = activityCancellationSignal();
    switch (deps.method) {
      case 'github':
        if (!deps.github) {
          throw new RemediationNotConfiguredError({
            diagnosis:
              'Remediation is github but GITHUB_TOKEN or GITHUB_REPOSITORY is not set: no restart can be requested',
            fix: 'Set GITHUB_TOKEN (repo and workflow scopes) and GITHUB_REPOSITORY=owner/repo in the worker environment, then restart the worker (a platform that does not redeploy after adding a variable keeps running without it: docs/remediation.md)',
          });
        }
        return dispatchViaGithub(deps.github, request, at, signal);
      case 'webhook':
        if (!deps.webhook) {
          throw new RemediationNotConfiguredError({
            diagnosis: 'Remediation is webhook but no restart endpoint is configured',
            fix: 'Set RESTART_URL and RESTART_TOKEN in the worker environment, then restart the worker',
          });
        }
        return dispatchViaWebhook(deps.webhook, request, at, signal);
      case 'dry-run':
        return {
          method: 'dry-run',
          dispatchedAt: at.toISOString(),
          detail: `DRY RUN: would have restarted ${request.targetId} by ${wouldUse(deps, request.targetId)} (REMEDIATION=dry-run: nothing was sent)`,
        };
      case 'none':
        throw new RemediationNotConfiguredError({
          diagnosis: `Automatic restart is off (${deps.reason ?? 'REMEDIATION=none'})`,
          fix: 'Set GITHUB_TOKEN and GITHUB_REPOSITORY (or RESTART_URL and RESTART_TOKEN) in the worker environment and restart the worker; until then restart the bridge by hand: Restart-Service "MT5 Bridge"',
        });
    }
  }

  return {
    async dispatchRemediation(request: RemediationRequest): Promise<RemediationReceipt> {
      const log = deps.log.child({
        targetId: request.targetId,
        incidentId: request.incidentId,
        attempt: request.attempt,
        method: deps.method,
      });
      try {
        const receipt = await dispatch(request, now());
        log.info({ detail: receipt.detail }, `Restart requested: ${receipt.detail}`);
        return receipt;
      } catch (err) {
        if (!(err instanceof RemediationError)) throw err;
        const failure = toApplicationFailure(err, secrets);
        const fields = {
          errorType: err.name,
          httpStatus: err.httpStatus,
          nonRetryable: err.nonRetryable,
          retryAfterMs: err.retryAfterMs,
        };
        if (err.nonRetryable) log.error(fields, `Restart request failed: ${failure.message}`);
        else log.warn(fields, `Restart request failed, will retry: ${failure.message}`);
        throw failure;
      }
    },

    async readRestartRun(query: RestartRunQuery): Promise<RestartRunState> {
      if (!deps.github) return { kind: 'unreadable', detail: 'GitHub remediation is not configured in this worker' };
      return followGithubRun(deps.github, query, activityCancellationSignal());
    },
  };
}

/** The restart a dry run stands in for, in words (no secret: repository, event type, host). */
function wouldUse(deps: RemediationDeps, targetId: string): string {
  if (deps.github) return `repository_dispatch ${deps.github.eventType} to ${deps.github.repository}`;
  const url = deps.webhook?.urlFor(targetId);
  if (url) {
    try {
      return `POST to the restart webhook on ${new URL(url).host}`;
    } catch {
      return 'the restart webhook';
    }
  }
  return 'no restart method configured (set GITHUB_TOKEN and GITHUB_REPOSITORY, or RESTART_URL)';
}
