/**
 * Configuration reaches what runs: the monitor schedules are brought in line with the configured
 * targets at every worker start and at `autoheal schedule apply`.
 *
 *   - missing schedules are created, changed ones updated (interval, phase, policy, URL):
 *     `applySchedules`, retried once when another worker created the same schedule at the same
 *     moment (several workers start together; a schedule id exists once);
 *   - the schedules of targets no longer configured are deleted. Only `autoheal-monitor-*`
 *     schedules that start `monitorWorkflow` on this task queue are candidates: another
 *     deployment sharing the namespace on its own task queue is left alone;
 *   - an open incident (`heal-<target>`) of a removed target is left to finish, and said so.
 */
import { type Client, ScheduleAlreadyRunning, ScheduleNotFoundError, WorkflowNotFoundError } from '@temporalio/client';
import type { TargetConfig } from '../config/load-config';
import { healingWorkflowId, monitorScheduleId } from '../shared/names';
import { formatDuration } from '../shared/duration';
import { monitorWorkflow } from '../workflows/monitor';
import { type AppliedSchedule, type ScheduleOptions, applySchedules } from './schedules';

const PREFIX = monitorScheduleId('');

export interface RemovedSchedule {
  scheduleId: string;
  targetId: string;
  /** Workflow id of the removed target's incident still in flight, left to finish. */
  openIncident?: string;
}

export interface Reconciliation {
  applied: AppliedSchedule[];
  removed: RemovedSchedule[];
}

/** Creates, updates and removes monitor schedules so that they match `targets`. */
export async function reconcileSchedules(
  client: Client,
  targets: TargetConfig[],
  taskQueue: string,
  options: ScheduleOptions = {},
): Promise<Reconciliation> {
  let applied: AppliedSchedule[];
  try {
    applied = await applySchedules(client, targets, taskQueue, options);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    // Another worker created it between our describe and create: now it exists, so this updates.
    applied = await applySchedules(client, targets, taskQueue, options);
  }

  const wanted = new Set(targets.map((t) => monitorScheduleId(t.target.id)));
  const removed: RemovedSchedule[] = [];
  for await (const summary of client.schedule.list()) {
    const scheduleId = summary.scheduleId;
    if (!scheduleId.startsWith(PREFIX) || wanted.has(scheduleId)) continue;
    const handle = client.schedule.getHandle(scheduleId);
    try {
      const description = await handle.describe();
      const action = description.action;
      if (action.type !== 'startWorkflow' || action.workflowType !== monitorWorkflow.name || action.taskQueue !== taskQueue) continue;
      await handle.delete();
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) continue; // deleted by another worker meanwhile
      throw err;
    }
    const targetId = scheduleId.slice(PREFIX.length);
    removed.push({ scheduleId, targetId, openIncident: await openIncident(client, targetId) });
  }
  return { applied, removed };
}

async function openIncident(client: Client, targetId: string): Promise<string | undefined> {
  const workflowId = healingWorkflowId(targetId);
  try {
    const description = await client.workflow.getHandle(workflowId).describe();
    return description.status.name === 'RUNNING' ? workflowId : undefined;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** One line per schedule, for the worker's log and `autoheal schedule apply`. */
export function describeReconciliation(r: Reconciliation): string[] {
  return [
    ...r.applied.map((s) => `Schedule ${s.scheduleId} ${s.action}: every ${formatDuration(s.everyMs)} (phase ${formatDuration(s.offsetMs)})`),
    ...r.removed.map(
      (s) =>
        `Schedule ${s.scheduleId} removed: target ${s.targetId} is no longer configured` +
        (s.openIncident ? `; its open incident ${s.openIncident} is left to finish` : ''),
    ),
  ];
}
