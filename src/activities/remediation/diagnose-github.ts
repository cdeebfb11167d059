/**
 * The diagnosis of a repository_dispatch answer (pure). In the deployed system 401, 404 and 422
 * all looked the same and a missing token disabled healing for days; here each says what is
 * wrong and how to fix it, with the runbook's troubleshooting text where it has one.
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
import { describeWait, isRateLimited, rateLimitWaitMs, shortText, type HttpOutcome } from './http-outcome';

export interface GithubDispatchContext {
  /** owner/repo */
  repository: string;
  eventType: string;
  apiUrl: string;
  now: Date;
}

/** The classic-token scopes a repository_dispatch to a private repository needs (runbook: "Required Scopes", docs/REQUIREMENTS.md). */
export const REQUIRED_GITHUB_SCOPES = ['repo', 'workflow'] as const;

/** Runbook, "Verify GITHUB_TOKEN". */
export const VERIFY_TOKEN_FIX =
  'Verify GITHUB_TOKEN: it is set in the worker environment, has the repo and workflow scopes, and the token is not expired; rotate it (GitHub → Settings → Developer settings → Personal access tokens) and restart the worker';

/** Scopes listed in an `x-oauth-scopes`-style header, or undefined when the header is absent (fine-grained tokens, GitHub Apps). */
export function parseScopes(header: string | undefined): string[] | undefined {
  if (header === undefined) return undefined;
  return header
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Required scopes the token does not hold. */
export function missingScopes(
  held: readonly string[],
  required: readonly string[] = REQUIRED_GITHUB_SCOPES,
): string[] {
  return required.filter((scope) => !held.includes(scope));
}

/** undefined for 204 (the only success); otherwise the error to throw, with its diagnosis. */
export function diagnoseGithubDispatch(
  outcome: HttpOutcome,
  ctx: GithubDispatchContext,
): RemediationError | undefined {
  const where = `repository_dispatch ${ctx.eventType} to ${ctx.repository}`;
  if (outcome.kind === 'network') {
    return new RemediationUnavailableError({
      diagnosis: `Could not reach the GitHub API at ${ctx.apiUrl} for ${where} (${outcome.reason}); will retry with backoff`,
      fix: 'Check the worker host network and DNS, and GITHUB_API_URL; see https://www.githubstatus.com',
    });
  }
  const { status, headers } = outcome;
  const said = shortText(outcome.message);
  const http = said ? `HTTP ${status}: ${said}` : `HTTP ${status}`;

  if (status === 204) return undefined;
  if (status >= 200 && status < 300) {
    return new RemediationRejectedError({
      httpStatus: status,
      diagnosis: `${where} answered HTTP ${status} instead of 204: the request may not have reached the GitHub REST API`,
      fix: `Set GITHUB_API_URL to https://api.github.com (or your GitHub Enterprise https://HOST/api/v3); it is ${ctx.apiUrl}`,
    });
  }
  if (isRateLimited(status, headers)) {
    const waitMs = rateLimitWaitMs(headers, ctx.now);
    return new RemediationRateLimitedError({
      httpStatus: status,
      retryAfterMs: waitMs,
      diagnosis: `GitHub rate limit reached for ${where} (${http}); retrying in ${describeWait(waitMs)}, when the limit resets`,
      fix: 'Nothing to do if it passes; if it recurs, another process shares GITHUB_TOKEN: give autoheal a token of its own',
    });
  }
  if (status === 401) {
    return new RemediationUnauthorizedError({
      httpStatus: status,
      diagnosis: `GitHub refused GITHUB_TOKEN for ${where} (${http}): the token is invalid, revoked or expired`,
      fix: VERIFY_TOKEN_FIX,
    });
  }
  if (status === 403) {
    const held = parseScopes(headers['x-oauth-scopes']);
    const accepted = headers['x-accepted-oauth-scopes'];
    if (held !== undefined) {
      const missing = missingScopes(held);
      const lacks = missing.length
        ? `GITHUB_TOKEN lacks the ${missing.join(' and ')} scope${missing.length > 1 ? 's' : ''}`
        : 'GITHUB_TOKEN is not allowed to write to it';
      return new RemediationForbiddenError({
        httpStatus: status,
        diagnosis: `GitHub forbade ${where} (${http}): ${lacks} (token scopes: ${held.join(', ') || 'none'}${accepted ? `; endpoint accepts: ${accepted}` : ''})`,
        fix: `Give GITHUB_TOKEN the repo and workflow scopes (a classic token), or use a token whose owner can write to ${ctx.repository}; then restart the worker`,
      });
    }
    return new RemediationForbiddenError({
      httpStatus: status,
      diagnosis: `GitHub forbade ${where} (${http}): GITHUB_TOKEN is not allowed to dispatch to this repository`,
      fix: `Use a classic token with the repo and workflow scopes, or a fine-grained token with "Contents: read and write" on ${ctx.repository}; then restart the worker`,
    });
  }
  if (status === 404) {
    return new RemediationTargetNotFoundError({
      httpStatus: status,
      diagnosis: `GitHub answered 404 for ${where}: repository ${ctx.repository} does not exist, or GITHUB_TOKEN cannot see it (GitHub answers 404 for private repositories a token has no access to)`,
      fix: `Check GITHUB_REPOSITORY (owner/repo of the repository that holds .github/workflows/mt5-full-restart.yml) and that the token's owner has access to it with the repo scope`,
    });
  }
  if (status === 422) {
    return new RemediationRejectedError({
      httpStatus: status,
      diagnosis: `GitHub Actions returns HTTP 422 for ${where}: Invalid repository_dispatch payload${said ? ` (${said})` : ''}`,
      fix: `Verify event_type: "${ctx.eventType}" matches workflow (on.repository_dispatch.types in .github/workflows/mt5-full-restart.yml) and GITHUB_EVENT_TYPE; dispatch with repository_dispatch, not workflow_dispatch`,
    });
  }
  if (status === 408 || status >= 500) {
    return new RemediationUnavailableError({
      httpStatus: status,
      diagnosis: `GitHub is unavailable for ${where} (${http}); will retry with backoff`,
      fix: 'Nothing to do if it passes; see https://www.githubstatus.com',
    });
  }
  return new RemediationRejectedError({
    httpStatus: status,
    diagnosis: `GitHub refused ${where} (${http})`,
    fix: `Check GITHUB_API_URL (${ctx.apiUrl}), GITHUB_REPOSITORY and GITHUB_EVENT_TYPE`,
  });
}
