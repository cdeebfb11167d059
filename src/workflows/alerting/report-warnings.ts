/**
 * Hands the WARNING conditions of one monitor run to the target's warningWatchWorkflow (see
 * warnings.ts), from workflow code and without an activity.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, getExternalWorkflowHandle, isCancellation, startChild } from '@temporalio/workflow';
import type { WarningCondition } from '../../shared/alert-conditions';
import { warningWatchWorkflowId } from '../../shared/names';
import { deploymentOfRun } from '../deployment-scope';
import { warningWatchWorkflow, type WarningObservation, warningsObservedSignal } from './warnings';

export interface ReportWarningsOptions {
  /** REMINDER_INTERVAL of the target's policy. */
  reminderIntervalMs: number;
  clearAfterMs?: number;
  /** WARNING_HOLD of the target's policy (default 2 min). */
  holdMs?: number;
  /** WARNING_GROUP_WAIT of the target's policy (default 30 s). */
  groupWaitMs?: number;
  /** Task queue of the watcher; default: the caller's. */
  taskQueue?: string;
}

/**
 * Hands the WARNING conditions of one monitor run to the target's warningWatchWorkflow, from
 * workflow code and without an activity: signals the running watcher, or starts it (as an
 * abandoned child, so it outlives the short monitor run) with the conditions as its input.
 * Every observation carries the caller's current WARNING policy, which the watcher adopts: a
 * WARNING_HOLD or REMINDER_INTERVAL changed since the watcher started reaches it.
 * An empty list is a no-op: conditions clear by not being reported.
 */
export async function reportWarnings(
  targetId: string,
  conditions: WarningCondition[],
  options: ReportWarningsOptions,
): Promise<void> {
  if (!conditions.length) return;
  const workflowId = warningWatchWorkflowId(targetId, deploymentOfRun(options.taskQueue));
  const policy = {
    reminderIntervalMs: options.reminderIntervalMs,
    ...(options.holdMs !== undefined ? { holdMs: options.holdMs } : {}),
    ...(options.groupWaitMs !== undefined ? { groupWaitMs: options.groupWaitMs } : {}),
  };
  const observation: WarningObservation = { conditions, at: new Date().toISOString(), policy };
  try {
    await getExternalWorkflowHandle(workflowId).signal(warningsObservedSignal, observation);
    return;
  } catch (err) {
    if (isCancellation(err)) throw err;
    // not running: start it below
  }
  try {
    await startChild(warningWatchWorkflow, {
      workflowId,
      ...(options.taskQueue ? { taskQueue: options.taskQueue } : {}),
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [
        {
          targetId,
          reminderIntervalMs: options.reminderIntervalMs,
          clearAfterMs: options.clearAfterMs,
          holdMs: options.holdMs,
          groupWaitMs: options.groupWaitMs,
          observations: [observation],
        },
      ],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    // started by another run in the meantime
    await getExternalWorkflowHandle(workflowId).signal(warningsObservedSignal, observation);
  }
}
