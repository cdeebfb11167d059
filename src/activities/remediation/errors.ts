/**
 * Remediation failures, each named for what retrying can't fix (or, for the last two, for why
 * waiting will). The class name becomes `ApplicationFailure.type` at the activity boundary
 * (`toApplicationFailure`), which is what the retry policy's `nonRetryableErrorTypes` and the
 * healing workflow match on: the first five are NON_RETRYABLE_REMEDIATION_ERRORS.
 *
 * The message is the diagnosis followed by the fix. It never holds a token: diagnoses are built
 * from status codes, headers and names of variables, never from the values of secrets.
 */
import { AutohealError } from '../../shared/errors';

/** What went wrong and how to fix it; also the `details[0]` of the ApplicationFailure. */
export interface RemediationFailureDetail {
  /** HTTP status of the answer, when there was one. */
  httpStatus?: number;
  /** What is wrong, in one sentence. */
  diagnosis: string;
  /** What the operator should do. */
  fix: string;
}

/** Base of the remediation failures; `nonRetryable` says whether Temporal should try again. */
export abstract class RemediationError extends AutohealError {
  abstract readonly nonRetryable: boolean;
  readonly httpStatus?: number;
  readonly diagnosis: string;
  readonly fix: string;
  /** Wait before the next attempt that the server asked for (rate limits), ms. */
  readonly retryAfterMs?: number;

  constructor(detail: RemediationFailureDetail & { retryAfterMs?: number }) {
    super(`${detail.diagnosis}. Fix: ${detail.fix}`);
    this.httpStatus = detail.httpStatus;
    this.diagnosis = detail.diagnosis;
    this.fix = detail.fix;
    this.retryAfterMs = detail.retryAfterMs;
  }
}

/** Thrown when no restart method is configured (REMEDIATION=none, no token, no restart URL for the target). */
export class RemediationNotConfiguredError extends RemediationError {
  readonly nonRetryable = true;
}

/** Thrown on HTTP 401: GITHUB_TOKEN or RESTART_TOKEN is invalid, revoked or expired. */
export class RemediationUnauthorizedError extends RemediationError {
  readonly nonRetryable = true;
}

/** Thrown on HTTP 403 that is not a rate limit: the token lacks a scope or permission. */
export class RemediationForbiddenError extends RemediationError {
  readonly nonRetryable = true;
}

/** Thrown on HTTP 404: the repository (or the bridge's restart endpoint) does not exist or is invisible to the token. */
export class RemediationTargetNotFoundError extends RemediationError {
  readonly nonRetryable = true;
}

/** Thrown on HTTP 422 and other 4xx, or an unexpected 2xx: the request itself was refused. */
export class RemediationRejectedError extends RemediationError {
  readonly nonRetryable = true;
}

/**
 * Thrown, before anything is sent, when an automatic restart is about to leave the worker while
 * the kill switch is off (`autoheal remediation off`): checked right before each HTTP attempt, so
 * a dispatch that waited on retries (an hour, on a rate limit) does not go out after `off`.
 */
export class RemediationSwitchedOffError extends RemediationError {
  readonly nonRetryable = true;
}

/** Thrown on 5xx, timeouts and network errors: the endpoint may answer later, so Temporal retries with backoff. */
export class RemediationUnavailableError extends RemediationError {
  readonly nonRetryable = false;
}

/**
 * Thrown when a real restart request reaches a worker that runs REMEDIATION=dry-run (a worker of
 * another configuration, or one not restarted after leaving dry-run): it cannot send, and must
 * not turn the request into a dry run. Retried: a worker of the deployment's own mode may take it.
 */
export class RemediationModeMismatchError extends RemediationError {
  readonly nonRetryable = false;
}

/** Thrown on a rate limit (403/429 with x-ratelimit-remaining: 0 or retry-after): retried after the wait the server named. */
export class RemediationRateLimitedError extends RemediationError {
  readonly nonRetryable = false;
}
