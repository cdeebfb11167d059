/**
 * Operator commands from the dashboard, through the incident client (src/client/incidents.ts),
 * with its failures mapped to what the HTTP layer answers: a command that does not apply (no
 * open incident, refused by the workflow's validator) is a CommandRejectedError (409).
 */
import { type Client, WorkflowUpdateFailedError } from '@temporalio/client';
import type { TargetConfig } from '../config/load-config';
import { healingWorkflowId } from '../shared/names';
import type { Rung } from '../shared/types';
import { acknowledge, forceRecovery, NoOpenIncidentError, resolve } from '../client/incidents';
import { CommandRejectedError } from './errors';
import type { CommandResult } from './types';

async function rejectedAs409<T>(targetId: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof NoOpenIncidentError) throw new CommandRejectedError(err.message);
    if (err instanceof WorkflowUpdateFailedError) {
      const why = err.cause instanceof Error ? err.cause.message : err.message;
      throw new CommandRejectedError(`the incident of "${targetId}" refused the command: ${why}`);
    }
    throw err;
  }
}

export function acknowledgeIncident(
  client: Client,
  taskQueue: string,
  targetId: string,
  request: { by: string },
): Promise<CommandResult> {
  return rejectedAs409(targetId, async () => ({
    workflowId: healingWorkflowId(targetId, taskQueue),
    ...(await acknowledge(client, taskQueue, targetId, request.by)),
  }));
}

export function resolveIncident(
  client: Client,
  taskQueue: string,
  targetId: string,
  request: { by: string; note: string },
): Promise<CommandResult> {
  return rejectedAs409(targetId, async () => ({
    workflowId: healingWorkflowId(targetId, taskQueue),
    ...(await resolve(client, taskQueue, targetId, request.by, request.note)),
  }));
}

/** Forces a remediation attempt now; opens an operator-triggered incident when none is open. */
export function forceRecoveryOf(
  client: Client,
  tc: TargetConfig,
  taskQueue: string,
  request: { reason: string; by: string; rung?: Rung },
): Promise<CommandResult> {
  return rejectedAs409(tc.target.id, () =>
    forceRecovery(client, {
      target: tc.target,
      policy: tc.policy,
      reason: request.reason,
      by: request.by,
      taskQueue,
      ...(request.rung ? { rung: request.rung } : {}),
    }),
  );
}
