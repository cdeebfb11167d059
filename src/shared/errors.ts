/**
 * Error classes. Each is named for what retrying can't fix, because a Temporal retry policy's
 * `nonRetryableErrorTypes` and `ApplicationFailure.type` match on the class name.
 * Workflow-safe: no Node built-ins.
 */

/** Base: sets `name` from the class and folds `cause` into the message. */
export class AutohealError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    const cause = options?.cause;
    const causeText = cause instanceof Error ? cause.message : cause === undefined ? '' : String(cause);
    super(causeText ? `${message}; caused by: ${causeText}` : message);
    this.name = new.target.name;
  }
}

/** Thrown when configuration is invalid; the message names the variable and the fix. */
export class ConfigError extends AutohealError {}

/** Thrown when a required tool (temporal CLI, test server) is not installed. */
export class ToolchainMissingError extends AutohealError {}

/**
 * Thrown when alert emails cannot be delivered and retrying will not change that: the SMTP
 * server refused the login (535), rejected every recipient for good (5xx), or no recipient is
 * configured. The message says what to fix; it never carries a secret.
 */
export class AlertsUndeliverableError extends AutohealError {}

/** The message of an error, or of the failure inside an activity failure (workflow-safe). */
export function describeError(err: unknown): string {
  if (err instanceof Error && err.name === 'ActivityFailure' && err.cause instanceof Error) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}
