/**
 * The deployment a workflow run belongs to, for the ids it names (src/shared/names.ts): its own
 * task queue, which is deterministic (`workflowInfo().taskQueue`), or the task queue of the
 * workflow it starts when that one runs elsewhere.
 */
import { workflowInfo } from '@temporalio/workflow';

/** The deployment to name ids in: this run's task queue, or `taskQueue` when the started workflow runs elsewhere. */
export function deploymentOfRun(taskQueue = workflowInfo().taskQueue): string {
  return taskQueue;
}
