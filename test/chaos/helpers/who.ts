/**
 * Which worker process does what in an incident, read from Temporal: the one that holds the
 * workflow (the last workflow task it completed) and the one running an activity (the pending
 * activity's last worker). Worker identities start with `<pid>@` (src/workers/create-worker.ts).
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { WorkerProcess } from '../../cluster/helpers/worker-process';

export const workerOf = (workers: WorkerProcess[], identity: string | undefined | null): WorkerProcess | undefined =>
  identity ? workers.find((w) => identity.startsWith(`${w.pid}@`)) : undefined;

/** Identity of the worker that completed the run's latest workflow task. */
export async function workflowHolder(handle: WorkflowHandle): Promise<string | undefined> {
  let identity: string | undefined;
  for (const e of (await handle.fetchHistory()).events ?? []) {
    const completed = e.workflowTaskCompletedEventAttributes;
    if (completed?.identity) identity = completed.identity;
  }
  return identity;
}

/** Identity of the worker running the activity `type` now, when one does. */
export async function activityRunner(handle: WorkflowHandle, type: string): Promise<string | undefined> {
  const { raw } = await handle.describe();
  const pending = raw.pendingActivities?.find((a) => a.activityType?.name === type && a.lastWorkerIdentity && a.lastStartedTime);
  return pending?.lastWorkerIdentity ?? undefined;
}

/** True once an activity of `type` has completed in the run. */
export async function activityCompleted(handle: WorkflowHandle, type: string): Promise<boolean> {
  const scheduled = new Map<string, string>();
  for (const e of (await handle.fetchHistory()).events ?? []) {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name) scheduled.set(String(e.eventId), name);
    const done = e.activityTaskCompletedEventAttributes;
    if (done && scheduled.get(String(done.scheduledEventId)) === type) return true;
  }
  return false;
}
