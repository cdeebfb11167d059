/**
 * The diagnosis of an answer from the bridge's restart endpoint (pure), on the same rules as
 * the GitHub path. Any 2xx is a receipt, even with `success: false`: whether the bridge came
 * back is for the verification probes to decide, not for the dispatch.
 */
import {
  RemediationForbiddenError,
  RemediationRateLimitedError,
  RemediationRejectedError,
  RemediationTargetNotFoundError,
  RemediationUnauthorizedError,
  RemediationUnavailableError,
  type RemediationError,
} from './errors';
import { describeWait, rateLimitWaitMs, shortText, type HttpOutcome } from './http-outcome';
import { safeUrl } from './safe-url';

export interface WebhookContext {
  /** The restart URL, already stripped of credentials and query. */
  url: string;
  now: Date;
  /** Whether RESTART_TOKEN was sent; false turns a 401 into "RESTART_TOKEN is not set". */
  tokenSet?: boolean;
  /** The variable the token comes from (a target's restartTokenEnv); default RESTART_TOKEN. */
  tokenName?: string;
}

/** The runbook's "Issue 3: MT5 Terminal won't restart" fix. */
export const UPDATE_BRIDGE_FIX =
  'Update MT5 Bridge on VPS with restart endpoint, or correct RESTART_URL (or the target restartUrl)';

/** undefined for a 2xx; otherwise the error to throw, with its diagnosis. */
export function diagnoseWebhookRestart(
  outcome: HttpOutcome,
  ctx: WebhookContext,
): RemediationError | undefined {
  if (outcome.kind === 'network') {
    return new RemediationUnavailableError({
      diagnosis: `Could not reach the restart endpoint ${ctx.url} (${outcome.reason}); will retry with backoff`,
      fix: 'Check that the VPS is powered on and reachable from the worker (firewall, port), and that the MT5 Bridge service runs; if the bridge process itself is down, restart it on the VPS: Restart-Service "MT5 Bridge"',
    });
  }
  const { status, headers } = outcome;
  const said = shortText(outcome.message);
  const http = said ? `HTTP ${status}: ${said}` : `HTTP ${status}`;

  if (status >= 200 && status < 300) return undefined;
  if (status >= 300 && status < 400) {
    return new RemediationRejectedError({
      httpStatus: status,
      diagnosis: `The restart endpoint ${ctx.url} redirected (HTTP ${status}${headers.location ? ` to ${safeUrl(headers.location)}` : ''}); a restart is never sent on to another address`,
      fix: 'Set RESTART_URL (or the target restartUrl) to the final address of the restart endpoint, e.g. https:// instead of http://',
    });
  }
  if (status === 429) {
    const waitMs = rateLimitWaitMs(headers, ctx.now);
    return new RemediationRateLimitedError({
      httpStatus: status,
      retryAfterMs: waitMs,
      diagnosis: `The restart endpoint ${ctx.url} is rate limiting (${http}); retrying in ${describeWait(waitMs)}`,
      fix: 'Nothing to do if it passes',
    });
  }
  const token = ctx.tokenName ?? 'RESTART_TOKEN';
  if (status === 401) {
    return new RemediationUnauthorizedError({
      httpStatus: status,
      diagnosis:
        ctx.tokenSet === false
          ? `The bridge requires a token at ${ctx.url} (${http}) and ${token} is not set`
          : `The bridge refused ${token} at ${ctx.url} (${http}): the token is wrong or expired`,
      fix: `Set ${token} to the restart token the MT5 Bridge on the VPS expects, then restart the worker`,
    });
  }
  if (status === 403) {
    return new RemediationForbiddenError({
      httpStatus: status,
      diagnosis: `The bridge forbade the restart at ${ctx.url} (${http}): ${token} is not allowed to restart, or the worker's address is blocked`,
      fix: `Check ${token} and the bridge's allow-list for the worker's address`,
    });
  }
  if (status === 404 || status === 405) {
    return new RemediationTargetNotFoundError({
      httpStatus: status,
      diagnosis: `VPS endpoint /api/system/full-restart doesn't exist (${http} from ${ctx.url})`,
      fix: UPDATE_BRIDGE_FIX,
    });
  }
  if (status === 408 || status === 425 || status >= 500) {
    return new RemediationUnavailableError({
      httpStatus: status,
      diagnosis: `The restart endpoint ${ctx.url} failed (${http}); will retry with backoff`,
      fix: 'Check the MT5 Bridge logs on the VPS; if it persists, restart it by hand: Restart-Service "MT5 Bridge"',
    });
  }
  return new RemediationRejectedError({
    httpStatus: status,
    diagnosis: `The restart endpoint ${ctx.url} rejected the request (${http})`,
    fix: 'Check that the MT5 Bridge on the VPS accepts POST /api/system/full-restart with a JSON body {reason, incident_id, attempt}',
  });
}
