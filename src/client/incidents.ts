/**
 * Operator commands on a target's incident (the `heal-<target>` healingWorkflow of the
 * deployment, named by its task queue: src/shared/names.ts), for the CLI
 * and the dashboard: force a recovery (starting an incident when none is open), acknowledge,
 * resolve, and read status and timeline.
 */
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { AutohealSeverity, AutohealStatus, AutohealTarget, healingWorkflowId } from '../shared/names';
import type { HealingPolicy, Rung, Target } from '../shared/types';
import { healingWorkflow } from '../workflows/healing';
import {
  type CommandAck,
  type IncidentView,
  acknowledgeUpdate,
  forceRecoveryUpdate,
  resolveUpdate,
  statusQuery,
} from '../workflows/healing/messages';

export interface ForceRecoveryOptions {
  target: Target;
  policy: HealingPolicy;
  reason: string;
  by: string;
  taskQueue: string;
  /** The ladder rung to take (`incident force --rung full-restart`); absent: the one the incident would take. */
  rung?: Rung;
}

export interface ForceRecoveryOutcome extends CommandAck {
  workflowId: string;
  /** true: no incident was open and this started one; false: the open one got an immediate attempt. */
  started: boolean;
}

/** Thrown when a command names a target that has no open incident. */
export class NoOpenIncidentError extends Error {
  constructor(
    readonly targetId: string,
    readonly workflowId: string,
  ) {
    super(
      `no open incident for target "${targetId}" (workflow ${workflowId} is not running); use "autoheal incident force" to start one`,
    );
    this.name = 'NoOpenIncidentError';
  }
}

/**
 * Thrown when the incident refuses a command (closed incident, missing `by` or `reason`): a
 * WorkflowUpdateFailedError whose message says why (the SDK's own says only "Workflow Update failed").
 */
export class IncidentCommandRejectedError extends WorkflowUpdateFailedError {
  constructor(
    readonly targetId: string,
    cause: Error | undefined,
  ) {
    super(`the incident of "${targetId}" refused the command: ${cause?.message ?? 'no reason given'}`, cause);
    this.name = 'IncidentCommandRejectedError';
  }
}

/**
 * An immediate remediation attempt on the target: starts an incident (trigger source
 * `operator`) when none is open, else sends `forceRecovery` to the open one (overriding the
 * restart spacing, recorded in its timeline; un-parking it for one attempt when ESCALATED).
 */
export async function forceRecovery(
  client: Client,
  options: ForceRecoveryOptions,
): Promise<ForceRecoveryOutcome> {
  const { target, policy, reason, by, taskQueue, rung } = options;
  const workflowId = healingWorkflowId(target.id, taskQueue);
  try {
    await client.workflow.start(healingWorkflow, {
      workflowId,
      taskQueue,
      args: [{ target, policy, trigger: { source: 'operator', reason, by, at: new Date().toISOString(), ...(rung ? { rung } : {}) } }],
      typedSearchAttributes: [
        { key: AutohealTarget, value: target.id },
        { key: AutohealStatus, value: 'HEALING' },
        { key: AutohealSeverity, value: 'CRITICAL' },
      ],
    });
    const status = await waitForStatus(client, workflowId);
    return { workflowId, started: true, incidentId: status.incidentId, status: status.status };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  const ack = await onOpenIncident(target.id, workflowId, () =>
    client.workflow.getHandle(workflowId).executeUpdate(forceRecoveryUpdate, { args: [{ reason, by, ...(rung ? { rung } : {}) }] }),
  );
  return { workflowId, started: false, ...ack };
}

/** Stops the reminders of the target's open incident (probing goes on). */
export function acknowledge(client: Client, taskQueue: string, targetId: string, by: string): Promise<CommandAck> {
  const workflowId = healingWorkflowId(targetId, taskQueue);
  return onOpenIncident(targetId, workflowId, () =>
    client.workflow
      .getHandle(workflowId)
      .executeUpdate(acknowledgeUpdate, { args: [{ by }] }),
  );
}

/** Closes the target's open incident as RESOLVED. */
export function resolve(client: Client, taskQueue: string, targetId: string, by: string, note: string): Promise<CommandAck> {
  const workflowId = healingWorkflowId(targetId, taskQueue);
  return onOpenIncident(targetId, workflowId, () =>
    client.workflow
      .getHandle(workflowId)
      .executeUpdate(resolveUpdate, { args: [{ by, note }] }),
  );
}

/** Status, attempts, timeline and figures of the target's latest incident (open or closed). */
export function getStatus(client: Client, taskQueue: string, targetId: string): Promise<IncidentView> {
  const workflowId = healingWorkflowId(targetId, taskQueue);
  return onOpenIncident(targetId, workflowId, () => client.workflow.getHandle(workflowId).query(statusQuery),
  );
}

async function onOpenIncident<T>(targetId: string, workflowId: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new NoOpenIncidentError(targetId, workflowId);
    if (err instanceof WorkflowUpdateFailedError) throw new IncidentCommandRejectedError(targetId, err.cause);
    throw err;
  }
}

/** The status of a just-started incident (its first workflow task may still be pending). */
async function waitForStatus(client: Client, workflowId: string): Promise<IncidentView> {
  const handle = client.workflow.getHandle(workflowId);
  for (let i = 0; ; i++) {
    try {
      return await handle.query(statusQuery);
    } catch (err) {
      if (i >= 20) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
