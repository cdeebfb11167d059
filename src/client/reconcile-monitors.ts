/**
 * Configuration reaches what runs: at every worker start, `autoheal start` and `autoheal monitor
 * apply`, the monitors are brought in line with the configured targets.
 *
 *   - every configured target's long-lived monitor is started, or sent the current settings
 *     (`ensureMonitors`: signal-with-start, so several workers starting together start it once);
 *   - the monitor of a target no longer configured is stopped, and the per-run schedule an older
 *     version left for it deleted. Only monitors and schedules of this task queue are candidates:
 *     another deployment sharing the namespace on its own task queue is left alone (and its
 *     monitors have ids of their own: src/shared/names.ts);
 *   - an open incident (`heal-<target>`) of a removed target is left to finish, and said so.
 */
import { type Client, ScheduleNotFoundError, WorkflowNotFoundError } from '@temporalio/client';
import type { TargetConfig } from '../config/load-config';
import { DEFAULT_TASK_QUEUE, healingWorkflowId, monitorScheduleId, monitorWorkflowId, targetOfMonitorId } from '../shared/names';
import { describeEnsured, type EnsuredMonitor, ensureMonitors } from './monitors';

const PREFIX = monitorWorkflowId('', DEFAULT_TASK_QUEUE);

export interface RemovedMonitor {
  workflowId: string;
  targetId: string;
  /** Workflow id of the removed target's incident still in flight, left to finish. */
  openIncident?: string;
}

export interface Reconciliation {
  ensured: EnsuredMonitor[];
  removed: RemovedMonitor[];
}

/** Starts or configures the monitors of `targets`, and stops those of targets no longer configured. */
export async function reconcileMonitors(client: Client, targets: TargetConfig[], taskQueue: string): Promise<Reconciliation> {
  const ensured = await ensureMonitors(client, targets, taskQueue);
  const wanted = new Set(targets.map((t) => monitorWorkflowId(t.target.id, taskQueue)));
  const removed: RemovedMonitor[] = [];
  const query = `WorkflowType="targetMonitorWorkflow" AND ExecutionStatus="Running" AND TaskQueue="${taskQueue}"`;
  for await (const run of client.workflow.list({ query })) {
    if (!run.workflowId.startsWith(PREFIX) || wanted.has(run.workflowId)) continue;
    const targetId = targetOfMonitorId(run.workflowId);
    await client.workflow
      .getHandle(run.workflowId)
      .terminate(`target ${targetId} is no longer configured`)
      .catch((err: unknown) => {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      });
    removed.push({ workflowId: run.workflowId, targetId, openIncident: await openIncident(client, taskQueue, targetId) });
  }
  await deleteLegacySchedules(client, new Set(targets.map((t) => monitorScheduleId(t.target.id))), taskQueue);
  return { ensured, removed };
}

/** The per-run schedules an older version left for targets no longer configured (this task queue's). */
async function deleteLegacySchedules(client: Client, wanted: Set<string>, taskQueue: string): Promise<void> {
  for await (const summary of client.schedule.list()) {
    const id = summary.scheduleId;
    if (!id.startsWith(monitorScheduleId('')) || wanted.has(id)) continue;
    const handle = client.schedule.getHandle(id);
    try {
      const { action } = await handle.describe();
      if (action.type === 'startWorkflow' && action.taskQueue === taskQueue) await handle.delete();
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }
}

async function openIncident(client: Client, taskQueue: string, targetId: string): Promise<string | undefined> {
  const workflowId = healingWorkflowId(targetId, taskQueue);
  try {
    const description = await client.workflow.getHandle(workflowId).describe();
    return description.status.name === 'RUNNING' ? workflowId : undefined;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** One line per monitor, for the worker's log and `autoheal monitor apply`. */
export function describeReconciliation(r: Reconciliation): string[] {
  return [
    ...r.ensured.map(describeEnsured),
    ...r.removed.map(
      (m) =>
        `Monitor ${m.workflowId} stopped: target ${m.targetId} is no longer configured` +
        (m.openIncident ? `; its open incident ${m.openIncident} is left to finish` : ''),
    ),
  ];
}
