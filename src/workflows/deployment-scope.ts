/**
 * The deployment a workflow run belongs to, for the ids it names (src/shared/names.ts): its own
 * task queue, which is deterministic. Runs on the default task queue name the bare ids without a
 * patch marker (their histories replay unchanged); on any other task queue the scoped ids are
 * guarded by DEPLOYMENT_SCOPE_PATCH, so a run recorded before deployments had ids of their own
 * replays with the bare ones.
 */
import { patched, workflowInfo } from '@temporalio/workflow';
import { DEFAULT_TASK_QUEUE, DEPLOYMENT_SCOPE_PATCH } from '../shared/names';

/** The deployment to name ids in: this run's task queue, or `taskQueue` when the started workflow runs elsewhere. */
export function deploymentOfRun(taskQueue = workflowInfo().taskQueue): string {
  if (taskQueue === DEFAULT_TASK_QUEUE) return DEFAULT_TASK_QUEUE;
  return patched(DEPLOYMENT_SCOPE_PATCH) ? taskQueue : DEFAULT_TASK_QUEUE;
}
