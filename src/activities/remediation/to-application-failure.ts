/**
 * The activity boundary: a RemediationError becomes the ApplicationFailure the workflow sees,
 * typed with the class name, its message the diagnosis and fix, `details[0]` the structured
 * {httpStatus, diagnosis, fix}, and for rate limits `nextRetryDelay` set to the server's wait.
 */
import { ApplicationFailure } from '@temporalio/common';
import { scrubSecrets } from '../../logging/create-logger';
import type { RemediationError, RemediationFailureDetail } from './errors';

export function toApplicationFailure(
  error: RemediationError,
  secrets: readonly string[] = [],
): ApplicationFailure {
  const scrub = (text: string): string => scrubSecrets(text, secrets) as string;
  const detail: RemediationFailureDetail = {
    ...(error.httpStatus === undefined ? {} : { httpStatus: error.httpStatus }),
    diagnosis: scrub(error.diagnosis),
    fix: scrub(error.fix),
  };
  return ApplicationFailure.create({
    type: error.name,
    message: scrub(error.message),
    nonRetryable: error.nonRetryable,
    details: [detail],
    ...(error.retryAfterMs === undefined ? {} : { nextRetryDelay: error.retryAfterMs }),
  });
}
