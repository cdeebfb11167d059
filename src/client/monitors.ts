/**
 * The long-lived monitors from the client side: every worker start (`autoheal worker`,
 * `autoheal start`, `autoheal monitor apply`) makes sure each configured target's
 * targetMonitorWorkflow runs with the current settings (signal-with-start: started when absent,
 * sent the settings when running, so nothing is ever started twice), and retires what the
 * per-run Schedule left (the schedule, carrying its pause over, and its maintenance window).
 *
 * Reading a monitor costs no Temporal action: describe returns the running watch's heartbeat
 * details (the latest probe). The state query (billed on Temporal Cloud) is only for when no
 * watch runs: paused, or confirming a CRITICAL.
 *
 * Each deployment has its own monitors (ids named by its task queue, src/shared/names.ts). A
 * monitor found running under this deployment's id on another task queue belongs to another
 * deployment (an older version named every deployment's monitor alike, and a worker of one
 * re-pointed the other's at its own bridge): it is refused, never re-configured.
 */
import { type Client, ScheduleNotFoundError, WorkflowNotFoundError } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import type { TargetConfig } from '../config/load-config';
import type { WatchDetails } from '../shared/contracts';
import { AutohealTarget, maintenanceWorkflowId, monitorScheduleId, monitorWorkflowId } from '../shared/names';
import { targetMonitorWorkflow } from '../workflows/target-monitor';
import {
  CONFIGURED_AT_MEMO,
  type MonitorPause,
  type MonitorSettings,
  type TargetMonitorView,
  configureMonitorSignal,
  monitorStateQuery,
  pauseMonitorUpdate,
} from '../workflows/target-monitor/messages';
import type { TargetMonitorInput } from '../workflows/target-monitor/state';
import { UNKNOWN_SIGNATURE } from '../workflows/target-monitor/state';

export interface EnsuredMonitor {
  workflowId: string;
  targetId: string;
  /**
   * started: it was not running; configured: it runs and was sent the current settings;
   * refused: it runs on another deployment's task queue (`owner`), and was left alone.
   */
  action: 'started' | 'configured' | 'refused';
  /** The task queue of the deployment that owns a refused monitor. */
  owner?: string;
  /** The legacy schedule `autoheal-monitor-<target>` was deleted (its pause, if any, carried over). */
  retiredSchedule?: boolean;
  /** The note of the legacy schedule's pause that the monitor now holds. */
  carriedPause?: string;
}

/** The age of the configuration sent (see MonitorSettings). */
export interface ConfigurationStamp {
  /** AppConfig.configuredAt; absent: the settings carry no age (older callers, tests). */
  configuredAt?: string;
  /** `autoheal monitor apply --force`: monitors take these settings even if they hold newer ones. */
  overrideNewer?: boolean;
}

/**
 * Starts or re-configures the monitor of every target of the deployment that runs on
 * `taskQueue` (idempotent); refuses one that another deployment's task queue runs.
 */
export async function ensureMonitors(
  client: Client,
  targets: TargetConfig[],
  taskQueue: string,
  stamp: ConfigurationStamp = {},
): Promise<EnsuredMonitor[]> {
  const ensured: EnsuredMonitor[] = [];
  for (const tc of targets) {
    const targetId = tc.target.id;
    const workflowId = monitorWorkflowId(targetId, taskQueue);
    const settings: MonitorSettings = {
      target: tc.target,
      policy: tc.policy,
      ...(stamp.configuredAt ? { configuredAt: stamp.configuredAt } : {}),
      ...(stamp.overrideNewer ? { overrideNewer: true } : {}),
    };
    const runningOn = await runningTaskQueue(client, workflowId);
    if (runningOn !== undefined && runningOn !== taskQueue) {
      ensured.push({ workflowId, targetId, action: 'refused', owner: runningOn });
      continue;
    }
    const running = runningOn !== undefined;
    const legacy = await retireLegacySchedule(client, targetId, taskQueue);
    const { overrideNewer: _override, ...startSettings } = settings;
    const input: TargetMonitorInput = legacy.pause && !running ? { ...startSettings, carried: carriedWithPause(legacy.pause) } : startSettings;
    await client.workflow.signalWithStart(targetMonitorWorkflow, {
      workflowId,
      taskQueue,
      args: [input],
      signal: configureMonitorSignal,
      signalArgs: [settings],
      typedSearchAttributes: [{ key: AutohealTarget, value: targetId }],
      ...(stamp.configuredAt ? { memo: { [CONFIGURED_AT_MEMO]: stamp.configuredAt } } : {}),
      staticSummary: `Monitor of ${targetId}: probes every ${Math.round(tc.policy.checkIntervalMs / 1000)} s`,
    });
    if (legacy.pause && running) {
      await client.workflow.getHandle(workflowId).executeUpdate(pauseMonitorUpdate, {
        args: [{ by: legacy.pause.by, reason: legacy.pause.reason, ...(legacy.pause.until ? { until: legacy.pause.until } : {}) }],
      });
    }
    ensured.push({
      workflowId,
      targetId,
      action: running ? 'configured' : 'started',
      ...(legacy.deleted ? { retiredSchedule: true } : {}),
      ...(legacy.pause ? { carriedPause: legacy.pause.note } : {}),
    });
  }
  return ensured;
}

/** One log line per ensured monitor. */
export function describeEnsured(m: EnsuredMonitor): string {
  if (m.action === 'refused')
    return (
      `Monitor ${m.workflowId} refused: it runs on task queue "${m.owner}", another deployment's, and is left alone. ` +
      `Stop that deployment's worker from adopting it (upgrade it: each deployment now has its own monitor ids), ` +
      `or terminate the workflow if it is stale; then restart this worker`
    );
  const parts = [`Monitor ${m.workflowId} ${m.action}`];
  if (m.retiredSchedule) parts.push('the per-run schedule of the same name was deleted');
  if (m.carriedPause) parts.push(`its pause carried over: ${m.carriedPause}`);
  return parts.join('; ');
}

function carriedWithPause(pause: MonitorPause): NonNullable<TargetMonitorInput['carried']> {
  return { expected: UNKNOWN_SIGNATURE, findings: [], pause, note: pause.note, probes: 0, incidentsStarted: 0 };
}

/**
 * Deletes the legacy per-run schedule of a target when it starts runs on this task queue, and
 * ends its maintenance window; returns its pause (who, why, until when) so the monitor keeps it.
 */
export async function retireLegacySchedule(
  client: Client,
  targetId: string,
  taskQueue: string,
): Promise<{ deleted: boolean; pause?: MonitorPause }> {
  const handle = client.schedule.getHandle(monitorScheduleId(targetId));
  let described;
  try {
    described = await handle.describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return { deleted: false };
    throw err;
  }
  const action = described.action;
  if (action.type !== 'startWorkflow' || action.taskQueue !== taskQueue) return { deleted: false };
  let pause: MonitorPause | undefined;
  if (described.state.paused) {
    const window = await legacyWindow(client, targetId);
    const note = described.state.note ?? 'PAUSED (no note)';
    pause = {
      by: window?.by ?? 'unknown (paused before the upgrade)',
      reason: window?.reason ?? note,
      ...(window?.until && Date.parse(window.until) > Date.now() ? { until: window.until } : {}),
      note,
      at: new Date().toISOString(),
    };
    if (window) await client.workflow.getHandle(maintenanceWorkflowId(targetId)).terminate('the pause moved to the long-lived monitor').catch(ignoreClosed);
  }
  await handle.delete().catch((err: unknown) => {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  });
  return { deleted: true, ...(pause ? { pause } : {}) };
}

async function legacyWindow(client: Client, targetId: string): Promise<{ until?: string; by?: string; reason?: string } | undefined> {
  try {
    const d = await client.workflow.getHandle(maintenanceWorkflowId(targetId)).describe();
    if (d.status.name !== 'RUNNING') return undefined;
    return (d.memo ?? {}) as { until?: string; by?: string; reason?: string };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

function ignoreClosed(err: unknown): void {
  if (!(err instanceof WorkflowNotFoundError) && !/already (completed|finished|terminated)/i.test(String(err))) throw err;
}

/** The task queue the workflow runs on; undefined when it is not running. */
async function runningTaskQueue(client: Client, workflowId: string): Promise<string | undefined> {
  try {
    const description = await client.workflow.getHandle(workflowId).describe();
    return description.status.name === 'RUNNING' ? description.taskQueue : undefined;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** A monitor as describe shows it: whether it runs, and its running watch's latest probe. */
export interface MonitorReading {
  workflowId: string;
  /** RUNNING, COMPLETED, FAILED, TERMINATED, ... or NOT_FOUND. */
  status: string;
  /** The latest probe of the running watch (its heartbeat details), when one runs. */
  watch?: WatchDetails;
  /** ISO time those details reached the server. */
  heartbeatAt?: string;
  /** Why the watch's last attempt failed, when it did (it is retried). */
  watchFailure?: string;
}

const { PendingActivityState } = temporal.api.enums.v1;

/** Describes the target's monitor (the deployment's that runs on `taskQueue`) and decodes its running watch's heartbeat details. No action billed. */
export async function readMonitor(client: Client, taskQueue: string, targetId: string): Promise<MonitorReading> {
  const workflowId = monitorWorkflowId(targetId, taskQueue);
  let description;
  try {
    description = await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { workflowId, status: 'NOT_FOUND' };
    throw err;
  }
  const reading: MonitorReading = { workflowId, status: description.status.name };
  const watches = (description.raw.pendingActivities ?? []).filter(
    (a) => a.activityType?.name === 'watchTarget' && a.state !== PendingActivityState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED,
  );
  const watch = watches[watches.length - 1];
  if (!watch) return reading;
  if (watch.lastFailure?.message) reading.watchFailure = watch.lastFailure.message;
  if (watch.heartbeatDetails?.payloads?.length) {
    const details = await decodeFromPayloadsAtIndex<WatchDetails | undefined>(
      client.options.loadedDataConverter,
      0,
      watch.heartbeatDetails.payloads,
    );
    if (details) reading.watch = details;
  }
  const seconds = watch.lastHeartbeatTime?.seconds;
  if (seconds !== undefined && seconds !== null) reading.heartbeatAt = new Date(Number(seconds) * 1000).toISOString();
  return reading;
}

/** The monitor's own state (a query: one billed action on Temporal Cloud; needs a worker). */
export function queryMonitor(client: Client, taskQueue: string, targetId: string): Promise<TargetMonitorView> {
  return client.workflow.getHandle(monitorWorkflowId(targetId, taskQueue)).query(monitorStateQuery);
}
