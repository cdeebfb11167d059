/**
 * The remediation activity: one restart request per call, by the configured method.
 *
 * Failures leave as ApplicationFailures typed with the error class name (see ./errors): the
 * five in NON_RETRYABLE_REMEDIATION_ERRORS are non-retryable and carry the diagnosis; 5xx,
 * timeouts and network errors are retried by Temporal's policy (REMEDIATION_ACTIVITY_OPTIONS),
 * and a rate limit is retried after the wait GitHub named (`nextRetryDelay`). Nothing here
 * retries by itself.
 *
 * Dry run belongs to the deployment, not to the worker: a request marked `dryRun` (the
 * incident's policy says REMEDIATION=dry-run) is answered with a dry-run receipt and never sent,
 * whatever this worker's method; a real request that reaches a dry-run worker fails retryably
 * (RemediationModeMismatchError) instead of being quietly turned into a dry run.
 */
import { activityCancellationSignal } from '../cancellation';
import type { Logger } from '../../logging/create-logger';
import type { RemediationActivities, RemediationReceipt, RemediationRequest } from '../../shared/contracts';
import type { RestartRunQuery, RestartRunState } from '../../shared/restart-run';
import type { RemediationMethod } from '../../shared/types';
import { dispatchViaGithub, type GithubRemediation } from './dispatch-github';
import { dispatchViaReinit, type ReinitRemediation } from './dispatch-reinit';
import { dispatchViaWebhook, type WebhookRemediation } from './dispatch-webhook';
import {
  RemediationError,
  RemediationModeMismatchError,
  RemediationNotConfiguredError,
  RemediationSwitchedOffError,
} from './errors';
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
  /**
   * The ladder's reinit rung (the bridge's emergency-restart), whatever the method: requests with
   * `rung: 'reinit'` go here. Absent: a reinit request fails as not configured.
   */
  reinit?: ReinitRemediation;
  log: Logger;
  now?: () => Date;
  /**
   * The kill switch (src/workflows/remediation-switch.ts), read right before each automatic
   * restart leaves the worker; absent: not checked here (the healing workflow still checks it).
   */
  readSwitch?: () => Promise<{ enabled: boolean; last?: { by: string; reason: string } }>;
  /** Secret values scrubbed from anything thrown (defence in depth; RESTART_TOKEN is added already). */
  secrets?: Array<string | undefined>;
}

export function createRemediationActivities(deps: RemediationDeps): RemediationActivities {
  const now = deps.now ?? (() => new Date());
  const secrets = [...(deps.secrets ?? []), deps.webhook?.token].filter(
    (s): s is string => typeof s === 'string' && s.length >= 4,
  );

  async function dispatch(request: RemediationRequest, at: Date): Promise<RemediationReceipt> {
    if (request.dryRun === true) return dryRunReceipt(request, at);
    if (request.dryRun === false && deps.method === 'dry-run') {
      throw new RemediationModeMismatchError({
        diagnosis: `This worker runs REMEDIATION=dry-run, but the incident of ${request.targetId} asks for a real restart (its deployment left dry-run): nothing was sent, and the request is not turned into a dry run`,
        fix: 'Restart every worker of this task queue with the same REMEDIATION (the attempt is retried, and a worker of the real mode takes it)',
      });
    }
    const signal = activityCancellationSignal();
    if (request.rung === 'reinit' && deps.method !== 'none' && deps.method !== 'dry-run') {
      return dispatchViaReinit(deps.reinit, request, at, signal);
    }
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
        return dryRunReceipt(request, at);
      case 'none':
        throw new RemediationNotConfiguredError({
          diagnosis: `Automatic restart is off (${deps.reason ?? 'REMEDIATION=none'})`,
          fix: 'Set GITHUB_TOKEN and GITHUB_REPOSITORY (or RESTART_URL and RESTART_TOKEN) in the worker environment and restart the worker; until then restart the bridge by hand: Restart-Service "MT5 Bridge"',
        });
    }
  }

  function dryRunReceipt(request: RemediationRequest, at: Date): RemediationReceipt {
    return {
      method: 'dry-run',
      dispatchedAt: at.toISOString(),
      detail:
        request.rung === 'reinit'
          ? `DRY RUN: would have re-initialised ${request.targetId} by POST to its bridge's emergency-restart (REMEDIATION=dry-run: nothing was sent)`
          : `DRY RUN: would have restarted ${request.targetId} by ${wouldUse(deps, request.targetId)} (REMEDIATION=dry-run: nothing was sent)`,
    };
  }

  return {
    async dispatchRemediation(request: RemediationRequest): Promise<RemediationReceipt> {
      const log = deps.log.child({
        targetId: request.targetId,
        incidentId: request.incidentId,
        attempt: request.attempt,
        method: request.dryRun ? 'dry-run' : deps.method,
        rung: request.rung ?? 'full-restart',
      });
      try {
        if (!request.forced) await refuseWhileSwitchedOff(deps);
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

const SWITCH_READ_LIMIT_MS = 5_000;

/** Nothing automatic leaves the worker while remediation is off (a switch that can't be read counts as on, as in the workflow). */
async function refuseWhileSwitchedOff(deps: RemediationDeps): Promise<void> {
  if (!deps.readSwitch) return;
  let state: Awaited<ReturnType<NonNullable<RemediationDeps['readSwitch']>>>;
  try {
    // A switch no worker answers for must not hold a restart for long: unreadable counts as on.
    state = await Promise.race([
      deps.readSwitch(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${SWITCH_READ_LIMIT_MS} ms`)), SWITCH_READ_LIMIT_MS).unref()),
    ]);
  } catch (err) {
    deps.log.warn({ error: String(err) }, 'Could not read the remediation switch before the restart (taken as on)');
    return;
  }
  if (state.enabled) return;
  throw new RemediationSwitchedOffError({
    diagnosis: `Remediation was turned off by ${state.last?.by ?? 'unknown'} (${state.last?.reason ?? 'no reason given'}) before this automatic restart was sent: nothing was sent`,
    fix: 'Turn it back on with `autoheal remediation on --by <you>` when restarts may resume, or force one restart with `autoheal force`',
  });
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
