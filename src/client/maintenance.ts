/**
 * Maintenance windows: an operator pauses a target's monitoring with a reason and, optionally,
 * an end. The pause is the paused `autoheal-monitor-<target>` schedule (its note, shown in the
 * Temporal Web UI, says who, why and until when), so no monitor run starts: no checks, alerts or
 * restarts for that target. The end is durable: MaintenanceWindowWorkflow
 * (`autoheal-maintenance-<target>`) sleeps until then and unpauses the schedule. An open
 * incident is not touched (its HealingWorkflow goes on probing and restarting): the operator
 * stops it with `autoheal incident resolve`.
 */
import { type Client, ScheduleNotFoundError, WorkflowNotFoundError } from '@temporalio/client';
import { healingWorkflowId, maintenanceWorkflowId, monitorScheduleId } from '../shared/names';
import { addNotification } from './notifications';
import {
  maintenanceWindowWorkflow,
  type MaintenanceWindowInput,
} from '../workflows/maintenance';

export interface PauseOptions {
  targetId: string;
  reason: string;
  by: string;
  /** End of the window; none: paused until `resumeMonitoring`. */
  until?: Date;
  /** Task queue the worker polls (runs the window workflow and the feed). */
  taskQueue: string;
}

export interface ResumeOptions {
  targetId: string;
  by: string;
  taskQueue: string;
}

/** A target's pause as the schedule and the window workflow tell it. */
export interface PauseState {
  targetId: string;
  scheduleId: string;
  paused: boolean;
  /** The schedule's note: "PAUSED until … by … (reason)" while paused, else who or what resumed it. */
  note?: string;
  /** The running window that will end the pause; none when the pause is open-ended. */
  window?: { workflowId: string; until: string; by: string; reason: string };
  /** True when the target has an open incident (heal-<target> running): a pause does not stop it. */
  incidentOpen: boolean;
}

/** Thrown when the target has no monitor schedule to pause or resume: run `autoheal schedule apply` first. */
export class MonitorScheduleMissingError extends Error {
  constructor(readonly targetId: string) {
    super(
      `target "${targetId}" has no monitor schedule (${monitorScheduleId(targetId)}): run "autoheal schedule apply" (or "autoheal start") first`,
    );
    this.name = 'MonitorScheduleMissingError';
  }
}

/** Thrown when a pause is asked without who or why, or with an end that has already passed. */
export class InvalidPauseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPauseError';
  }
}

/** The schedule note of a pause: who, why and until when. */
export function pauseNote(p: { by: string; reason: string; until?: Date | string }): string {
  const until = p.until === undefined ? undefined : new Date(p.until).toISOString();
  return `PAUSED ${until ? `until ${until}` : 'with no end (until "autoheal resume")'} by ${p.by} (${p.reason})`;
}

/**
 * Pauses the target's monitoring. Replaces an earlier pause of the target (its window, if
 * any, ends without unpausing). With `until`, starts the window workflow that unpauses at
 * that time. Records the pause in the in-app feed.
 */
export async function pauseMonitoring(client: Client, options: PauseOptions): Promise<PauseState> {
  const { targetId, taskQueue } = options;
  const by = options.by.trim();
  const reason = options.reason.trim();
  if (!by) throw new InvalidPauseError('a pause needs --by <name>: who pauses');
  if (!reason) throw new InvalidPauseError('a pause needs --reason <text>: why');
  if (options.until && !(options.until.getTime() > Date.now()))
    throw new InvalidPauseError(`the end of the pause (${options.until.toISOString()}) has already passed`);

  const schedule = client.schedule.getHandle(monitorScheduleId(targetId));
  await describeSchedule(client, targetId);
  await endWindow(client, targetId, `replaced by a new pause by ${by}`);
  const note = pauseNote({ by, reason, until: options.until });
  await schedule.pause(note);

  if (options.until) {
    const input: MaintenanceWindowInput = { targetId, until: options.until.toISOString(), by, reason, pauseNote: note };
    await client.workflow.start(maintenanceWindowWorkflow, {
      workflowId: maintenanceWorkflowId(targetId),
      taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'TERMINATE_EXISTING',
      memo: { until: input.until, by, reason },
      staticSummary: `Maintenance window of ${targetId} until ${input.until}`,
    });
  }
  await addNotification(
    client,
    {
      severity: 'INFO',
      targetId,
      text: `Monitoring of ${targetId} paused by ${by} ${options.until ? `until ${options.until.toISOString()}` : 'with no end'}: ${reason}`,
      at: new Date().toISOString(),
    },
    { taskQueue },
  );
  return readPauseState(client, targetId);
}

/**
 * Turns the target's monitoring back on at once and ends its window workflow, if any.
 * `wasPaused` false: it was not paused (nothing recorded).
 */
export async function resumeMonitoring(
  client: Client,
  options: ResumeOptions,
): Promise<PauseState & { wasPaused: boolean }> {
  const { targetId, taskQueue } = options;
  const by = options.by.trim();
  if (!by) throw new InvalidPauseError('resume needs --by <name>: who resumes');
  const before = await describeSchedule(client, targetId);
  await endWindow(client, targetId, `resumed by ${by}`);
  const wasPaused = before.state.paused;
  if (wasPaused) {
    await client.schedule.getHandle(monitorScheduleId(targetId)).unpause(`Resumed by ${by}`);
    await addNotification(
      client,
      {
        severity: 'INFO',
        targetId,
        text: `Monitoring of ${targetId} resumed by ${by} (was: ${before.state.note ?? 'paused'})`,
        at: new Date().toISOString(),
      },
      { taskQueue },
    );
  }
  return { ...(await readPauseState(client, targetId)), wasPaused };
}

/** Whether the target's monitoring is paused, by whom, why and until when. */
export async function readPauseState(client: Client, targetId: string): Promise<PauseState> {
  const { state } = await describeSchedule(client, targetId);
  const [window, incidentOpen] = await Promise.all([runningWindow(client, targetId), isRunning(client, healingWorkflowId(targetId))]);
  return {
    targetId,
    scheduleId: monitorScheduleId(targetId),
    paused: state.paused,
    note: state.note,
    window: state.paused ? window : undefined,
    incidentOpen,
  };
}

async function describeSchedule(client: Client, targetId: string) {
  try {
    return await client.schedule.getHandle(monitorScheduleId(targetId)).describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw new MonitorScheduleMissingError(targetId);
    throw err;
  }
}

async function runningWindow(client: Client, targetId: string): Promise<PauseState['window']> {
  const workflowId = maintenanceWorkflowId(targetId);
  try {
    const d = await client.workflow.getHandle(workflowId).describe();
    if (d.status.name !== 'RUNNING') return undefined;
    const memo = (d.memo ?? {}) as { until?: string; by?: string; reason?: string };
    return { workflowId, until: memo.until ?? '?', by: memo.by ?? '?', reason: memo.reason ?? '?' };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

async function isRunning(client: Client, workflowId: string): Promise<boolean> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** Terminates the target's running window workflow, if any. */
async function endWindow(client: Client, targetId: string, reason: string): Promise<void> {
  if (!(await isRunning(client, maintenanceWorkflowId(targetId)))) return;
  try {
    await client.workflow.getHandle(maintenanceWorkflowId(targetId)).terminate(reason);
  } catch (err) {
    // It ended on its own between the describe and the terminate.
    if (!(err instanceof WorkflowNotFoundError) && !/already (completed|finished|terminated)/i.test(String(err))) throw err;
  }
}
