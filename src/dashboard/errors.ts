/**
 * Errors of dashboard commands that retrying the same request cannot fix; the HTTP layer maps
 * each to its status code.
 */
import { AutohealError } from '../shared/errors';

/** The target id is not one of the configured targets (404). */
export class UnknownTargetError extends AutohealError {
  constructor(readonly targetId: string) {
    super(`unknown target "${targetId}"`);
  }
}

/** The command needs an open incident and the target has none, or the incident refused it (409). */
export class CommandRejectedError extends AutohealError {}

/** Temporal did not answer in time (504): no worker polling, or the server is unreachable. */
export class TemporalTimeoutError extends AutohealError {}
