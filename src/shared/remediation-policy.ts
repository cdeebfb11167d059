/**
 * How the healing workflow calls `dispatchRemediation`: the retry policy is the one retry loop
 * of a restart request (Octokit's own retries are off). 5xx, timeouts and network errors are
 * retried with backoff; a rate limit waits as long as GitHub says (the failure's
 * nextRetryDelay); the NON_RETRYABLE_REMEDIATION_ERRORS fail at once with their diagnosis.
 * Workflow-safe.
 */
import type { ActivityOptions, RetryPolicy } from '@temporalio/common';
import { NON_RETRYABLE_REMEDIATION_ERRORS } from './contracts';

export const REMEDIATION_RETRY_POLICY: RetryPolicy = {
  initialInterval: '2s',
  backoffCoefficient: 2,
  maximumInterval: '1m',
  maximumAttempts: 5,
  nonRetryableErrorTypes: [...NON_RETRYABLE_REMEDIATION_ERRORS],
};

/** Options for `proxyActivities<RemediationActivities>(REMEDIATION_ACTIVITY_OPTIONS)`. */
export const REMEDIATION_ACTIVITY_OPTIONS: ActivityOptions = {
  // One HTTP call (GitHub 15 s, webhook 25 s) and its diagnosis fit inside.
  startToCloseTimeout: '30s',
  retry: REMEDIATION_RETRY_POLICY,
};
