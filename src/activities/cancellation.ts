import { cancellationSignal } from '@temporalio/activity';

/**
 * The SDK's cancellation signal of the running activity, or undefined when the function runs
 * outside an activity (tests, the CLI's doctor and test-alert).
 */
export function activityCancellationSignal(): AbortSignal | undefined {
  try {
    return cancellationSignal();
  } catch {
    return undefined;
  }
}
