/**
 * The long-lived monitors from the client side: every worker start (`autoheal worker`,
 * `autoheal start`, `autoheal monitor apply`) makes sure each configured target's
 * targetMonitorWorkflow runs with the current settings (signal-with-start: started when absent,
 * sent the settings when running, so nothing is ever started twice).
 *
 * Reading a monitor costs no Temporal action: describe returns the running watch's heartbeat
 * details (the latest probe). The state query (billed on Temporal Cloud) is only for when no
 * watch runs: paused, or confirming a CRITICAL.
 *
 * Each deployment has its own monitors (ids named by its task queue, src/shared/names.ts). A
 * monitor found running under this deployment's id on another task queue is not this
 * deployment's (started by hand, or by a worker of another version): it is refused, never
 * re-configured, so that one deployment never re-points another's monitor at its own bridge.
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import type { TargetConfig } from '../config/load-config';
import type { WatchDetails } from '../shared/contracts';
import { AutohealTarget, monitorWorkflowId } from '../shared/names';
import { targetMonitorWorkflow } from '../workflows/target-monitor';
import {
  CONFIGURED_AT_MEMO,
  type MonitorSettings,
  type TargetMonitorView,
  configureMonitorSignal,
  monitorStateQuery,
} from '../workflows/target-monitor/messages';
import type { TargetMonitorInput } from '../workflows/target-monitor/state';

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
      ...(tc.maintenance?.length ? { maintenance: tc.maintenance } : {}),
      ...(stamp.configuredAt ? { configuredAt: stamp.configuredAt } : {}),
      ...(stamp.overrideNewer ? { overrideNewer: true } : {}),
    };
    const runningOn = await runningTaskQueue(client, workflowId);
    if (runningOn !== undefined && runningOn !== taskQueue) {
      ensured.push({ workflowId, targetId, action: 'refused', owner: runningOn });
      continue;
    }
    const running = runningOn !== undefined;
    const { overrideNewer: _override, ...startSettings } = settings;
    const input: TargetMonitorInput = startSettings;
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
    ensured.push({ workflowId, targetId, action: running ? 'configured' : 'started' });
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
  return `Monitor ${m.workflowId} ${m.action}`;
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
