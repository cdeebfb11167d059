/**
 * Maintenance windows: an operator pauses a target's monitoring with a reason and, optionally,
 * an end. The pause lives in the target's long-lived monitor (`autoheal-monitor-<target>`,
 * targetMonitorWorkflow): the `pauseMonitor` update stops its watch, so no probe, alert or
 * restart starts for that target; its note ("PAUSED until … by … (reason)") shows in the Web UI
 * (the workflow's current details), on the dashboard and in `autoheal pause`. The end is the
 * monitor's own durable timer; `resumeMonitor` ends it at once. An open incident is not touched
 * (its healingWorkflow goes on probing and restarting): the operator stops it with `autoheal
 * incident resolve`.
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { healingWorkflowId, monitorWorkflowId } from '../shared/names';
import { addNotification } from './notifications';
import {
  type TargetMonitorView,
  monitorStateQuery,
  pauseMonitorUpdate,
  resumeMonitorUpdate,
} from '../workflows/target-monitor/messages';

export { pauseNote } from '../workflows/target-monitor/messages';

export interface PauseOptions {
  targetId: string;
  reason: string;
  by: string;
  /** End of the window; none: paused until `resumeMonitoring`. */
  until?: Date;
  /** Task queue the worker polls (runs the feed). */
  taskQueue: string;
}

export interface ResumeOptions {
  targetId: string;
  by: string;
  taskQueue: string;
}

/** A target's pause as its monitor tells it. */
export interface PauseState {
  targetId: string;
  /** The long-lived monitor that holds the pause. */
  monitorWorkflowId: string;
  paused: boolean;
  /** "PAUSED until … by … (reason)" while paused, else who or what resumed it last. */
  note?: string;
  /** The end of the pause, when it has one (the monitor's durable timer ends it). */
  window?: { workflowId: string; until: string; by: string; reason: string };
  /** True when the target has an open incident (heal-<target> running): a pause does not stop it. */
  incidentOpen: boolean;
}

/** Thrown when the target's monitor is not running: start the worker (`autoheal worker` / `autoheal start`) first. */
export class MonitorNotRunningError extends Error {
  constructor(
    readonly targetId: string,
    readonly workflowId: string,
  ) {
    super(
      `target "${targetId}" has no running monitor (${workflowId}): start the worker ("autoheal worker" or "autoheal start"), which starts every configured target's monitor`,
    );
    this.name = 'MonitorNotRunningError';
  }
}

/** Thrown when a pause is asked without who or why, or with an end that has already passed. */
export class InvalidPauseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPauseError';
  }
}

/**
 * Pauses the target's monitoring (replacing an earlier pause of it), until `until` or
 * `resumeMonitoring`. Records the pause in the in-app feed.
 */
export async function pauseMonitoring(client: Client, options: PauseOptions): Promise<PauseState> {
  const { targetId, taskQueue } = options;
  const by = options.by.trim();
  const reason = options.reason.trim();
  if (!by) throw new InvalidPauseError('a pause needs --by <name>: who pauses');
  if (!reason) throw new InvalidPauseError('a pause needs --reason <text>: why');
  if (options.until && !(options.until.getTime() > Date.now()))
    throw new InvalidPauseError(`the end of the pause (${options.until.toISOString()}) has already passed`);

  const monitor = monitorWorkflowId(targetId, taskQueue);
  await requireRunning(client, targetId, monitor);
  const view = await client.workflow.getHandle(monitor).executeUpdate(pauseMonitorUpdate, {
    args: [{ by, reason, ...(options.until ? { until: options.until.toISOString() } : {}) }],
  });
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
  return toPauseState(view, monitor, await isRunning(client, healingWorkflowId(targetId, taskQueue)));
}

/** Turns the target's monitoring back on at once. `wasPaused` false: it was not paused (nothing recorded). */
export async function resumeMonitoring(client: Client, options: ResumeOptions): Promise<PauseState & { wasPaused: boolean }> {
  const { targetId, taskQueue } = options;
  const by = options.by.trim();
  if (!by) throw new InvalidPauseError('resume needs --by <name>: who resumes');
  const monitor = monitorWorkflowId(targetId, taskQueue);
  await requireRunning(client, targetId, monitor);
  const before = await client.workflow.getHandle(monitor).query(monitorStateQuery);
  const { wasPaused, view } = await client.workflow.getHandle(monitor).executeUpdate(resumeMonitorUpdate, { args: [{ by }] });
  if (wasPaused) {
    await addNotification(
      client,
      {
        severity: 'INFO',
        targetId,
        text: `Monitoring of ${targetId} resumed by ${by} (was: ${before.pause?.note ?? 'paused'})`,
        at: new Date().toISOString(),
      },
      { taskQueue },
    );
  }
  return { ...toPauseState(view, monitor, await isRunning(client, healingWorkflowId(targetId, taskQueue))), wasPaused };
}

/** Whether the target's monitoring (in the deployment that runs on `taskQueue`) is paused, by whom, why and until when. */
export async function readPauseState(client: Client, taskQueue: string, targetId: string): Promise<PauseState> {
  const monitor = monitorWorkflowId(targetId, taskQueue);
  await requireRunning(client, targetId, monitor);
  const [view, incidentOpen] = await Promise.all([
    client.workflow.getHandle(monitor).query(monitorStateQuery),
    isRunning(client, healingWorkflowId(targetId, taskQueue)),
  ]);
  return toPauseState(view, monitor, incidentOpen);
}

function toPauseState(view: TargetMonitorView, monitor: string, incidentOpen: boolean): PauseState {
  const { pause } = view;
  return {
    targetId: view.targetId,
    monitorWorkflowId: monitor,
    paused: pause !== undefined,
    ...(pause ? { note: pause.note } : view.note ? { note: view.note } : {}),
    ...(pause?.until
      ? { window: { workflowId: monitor, until: pause.until, by: pause.by, reason: pause.reason } }
      : {}),
    incidentOpen,
  };
}

async function requireRunning(client: Client, targetId: string, monitor: string): Promise<void> {
  if (!(await isRunning(client, monitor))) throw new MonitorNotRunningError(targetId, monitor);
}

async function isRunning(client: Client, workflowId: string): Promise<boolean> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}
