/**
 * The remediation kill switch, for the CLI and the dashboard: `off` and `on` signal the
 * long-lived switch workflow (starting it when needed), `state` reads it (no workflow: on).
 * `overrideBreaker` lets automatic restarts go while the fleet breaker's condition holds.
 */
import type { Client } from '@temporalio/client';
import type { RemediationSwitchState } from '../shared/contracts';
import { healingWorkflowId, remediationSwitchWorkflowId } from '../shared/names';
import { SWITCH_ON, readRemediationSwitch } from '../shared/remediation-switch';
import {
  overrideBreakerSignal,
  remediationSwitchWorkflow,
  setRemediationSignal,
} from '../workflows/remediation-switch';
import { healingWorkflow } from '../workflows/healing';
import { remediationSwitchedOffSignal } from '../workflows/healing/messages';
export { readRemediationSwitch } from '../shared/remediation-switch';

export interface SwitchRequest {
  by: string;
  reason: string;
  /**
   * The configured targets: `off` tells their open incidents directly (by id, no visibility
   * lag); incidents of other targets of this task queue are found through visibility.
   */
  targetIds?: string[];
}


export async function setRemediation(
  client: Client,
  taskQueue: string,
  enabled: boolean,
  { by, reason, targetIds = [] }: SwitchRequest,
): Promise<RemediationSwitchState> {
  if (!by?.trim()) throw new Error('--by is required: who turns remediation ' + (enabled ? 'on' : 'off'));
  if (!enabled && !reason?.trim()) throw new Error('--reason is required: why automatic restarts stop');
  await client.workflow.signalWithStart(remediationSwitchWorkflow, {
    workflowId: remediationSwitchWorkflowId(taskQueue),
    taskQueue,
    args: [SWITCH_ON],
    signal: setRemediationSignal,
    signalArgs: [{ enabled, by: by.trim(), reason: reason?.trim() ?? '', at: new Date().toISOString() }],
  });
  if (!enabled) await stopDispatchesInFlight(client, taskQueue, targetIds, { by: by.trim(), reason: reason.trim() });
  return readRemediationSwitch(client, taskQueue);
}

/**
 * Tells every open incident of this deployment that remediation is off: an automatic dispatch
 * waiting on retries is cancelled at once instead of going out at its next try (the dispatch
 * activity also reads the switch right before each HTTP attempt, so one this list misses — an
 * incident opened a moment ago — sends nothing either). Best effort per incident.
 */
async function stopDispatchesInFlight(
  client: Client,
  taskQueue: string,
  targetIds: string[],
  change: { by: string; reason: string },
): Promise<void> {
  const told = new Set<string>();
  const tell = async (workflowId: string): Promise<void> => {
    if (told.has(workflowId)) return;
    told.add(workflowId);
    await client.workflow
      .getHandle(workflowId)
      .signal(remediationSwitchedOffSignal, change)
      .catch(() => undefined); // no open incident, or closed meanwhile
  };
  for (const id of targetIds) await tell(healingWorkflowId(id, taskQueue));
  const query = `WorkflowType="${healingWorkflow.name}" AND ExecutionStatus="Running" AND TaskQueue="${taskQueue}"`;
  try {
    for await (const run of client.workflow.list({ query })) await tell(run.workflowId);
  } catch {
    // Visibility unavailable: the activity-side check still holds every automatic restart.
  }
}

/** Thrown when an override is asked of a fleet breaker that is not tripped: there is nothing to override. */
export class BreakerNotTrippedError extends Error {
  override readonly name = 'BreakerNotTrippedError';
}

/**
 * The operator's override of a tripped fleet breaker: automatic restarts go again, fleet-wide,
 * until the condition that tripped it clears (the next burst trips it again). Who and why are
 * recorded in the breaker's history, the in-app feed and every held incident's timeline.
 */
export async function overrideBreaker(client: Client, taskQueue: string, { by, reason }: SwitchRequest): Promise<RemediationSwitchState> {
  if (!by?.trim()) throw new Error('--by is required: who overrides the fleet breaker');
  if (!reason?.trim()) throw new Error('--reason is required: why automatic restarts may go despite the suspected common cause');
  const state = await readRemediationSwitch(client, taskQueue);
  if (!state.breaker?.tripped) {
    throw new BreakerNotTrippedError('the fleet breaker is not tripped: automatic restarts are not withheld by it, nothing to override');
  }
  await client.workflow
    .getHandle(remediationSwitchWorkflowId(taskQueue))
    .signal(overrideBreakerSignal, { by: by.trim(), reason: reason.trim(), at: new Date().toISOString() });
  return readRemediationSwitch(client, taskQueue);
}
