/**
 * Configuration reaches what runs: at every worker start, `autoheal start` and `autoheal monitor
 * apply`, the monitors are brought in line with the configured targets.
 *
 *   - every configured target's long-lived monitor is started, or sent the current settings
 *     (`ensureMonitors`: signal-with-start, so several workers starting together start it once);
 *   - the monitor of a target no longer configured is stopped, and the stop said in the in-app
 *     feed. Only monitors of this task queue are candidates: another deployment sharing the
 *     namespace on its own task queue is left alone (and its monitors have ids of their own:
 *     src/shared/names.ts);
 *   - an open incident (`heal-<target>`) of a removed target is left to finish, and said so.
 *
 * A stale worker cannot unmonitor targets. Every configuration carries its age, `configuredAt`
 * (the targets file's modification time, else the worker's start), and every monitor keeps the
 * newest one it was given, in its memo. A reconciliation whose configuration is older than the
 * newest any running monitor of this task queue holds changes nothing: it starts, re-configures
 * and stops no monitor, and says so (`stale`). `force` (`autoheal monitor apply --force`) makes
 * an older configuration the one in force, after a deliberate rollback. docs/operator.md.
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { TargetConfig } from '../config/load-config';
import { describeError } from '../shared/errors';
import { DEFAULT_TASK_QUEUE, healingWorkflowId, monitorWorkflowId, targetOfMonitorId } from '../shared/names';
import { targetMonitorWorkflow } from '../workflows/target-monitor';
import { CONFIGURED_AT_MEMO } from '../workflows/target-monitor/messages';
import { describeEnsured, type EnsuredMonitor, ensureMonitors } from './monitors';
import { addNotification, type FeedWriteLocation } from './notifications';

const PREFIX = monitorWorkflowId('', DEFAULT_TASK_QUEUE);

export interface RemovedMonitor {
  workflowId: string;
  targetId: string;
  /** Workflow id of the removed target's incident still in flight, left to finish. */
  openIncident?: string;
  /** Why the stop could not be said in the in-app feed, when it could not. */
  feedError?: string;
}

/** This configuration is older than the one the monitors run on: nothing was changed. */
export interface StaleConfiguration {
  configuredAt: string;
  /** The newest configuredAt a running monitor of this task queue holds. */
  newest: string;
  /** Running monitors of targets missing from this configuration, left running. */
  leftRunning: string[];
}

export interface Reconciliation {
  ensured: EnsuredMonitor[];
  removed: RemovedMonitor[];
  stale?: StaleConfiguration;
}

export interface ReconcileOptions {
  /** AppConfig.configuredAt: the age of this configuration. Absent: no age check (older callers). */
  configuredAt?: string;
  /** Apply even when the monitors hold a newer configuration (`autoheal monitor apply --force`). */
  force?: boolean;
  /** Where the stop of a removed target's monitor is said; default the feed of this task queue. */
  feed?: Partial<FeedWriteLocation>;
  /** The clock of the feed notifications; default the system clock. */
  now?: () => Date;
}

/** Starts or configures the monitors of `targets`, and stops those of targets no longer configured. */
export async function reconcileMonitors(
  client: Client,
  targets: TargetConfig[],
  taskQueue: string,
  options: ReconcileOptions = {},
): Promise<Reconciliation> {
  const wanted = new Set(targets.map((t) => monitorWorkflowId(t.target.id, taskQueue)));
  const running = await runningMonitors(client, taskQueue, wanted);
  const unwanted = [...running.keys()].filter((id) => !wanted.has(id));

  const newest = [...running.values()].filter((at): at is string => !!at).sort().at(-1);
  if (options.configuredAt && newest && options.configuredAt < newest && !options.force) {
    return { ensured: [], removed: [], stale: { configuredAt: options.configuredAt, newest, leftRunning: unwanted } };
  }

  const ensured = await ensureMonitors(client, targets, taskQueue, {
    ...(options.configuredAt ? { configuredAt: options.configuredAt } : {}),
    ...(options.force ? { overrideNewer: true } : {}),
  });
  const removed: RemovedMonitor[] = [];
  for (const workflowId of unwanted) {
    const targetId = targetOfMonitorId(workflowId);
    await client.workflow
      .getHandle(workflowId)
      .terminate(`target ${targetId} is no longer configured`)
      .catch((err: unknown) => {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      });
    const m: RemovedMonitor = { workflowId, targetId, openIncident: await openIncident(client, taskQueue, targetId) };
    const feedError = await sayInFeed(client, m, { taskQueue, ...options.feed }, options);
    removed.push(feedError ? { ...m, feedError } : m);
  }
  return { ensured, removed };
}

/**
 * The running monitors of this task queue and the newest configuredAt each holds. Listing finds
 * the candidates; describing each reads its memo as it is now (visibility can lag a moment). The
 * configured targets' monitors are described too, in case the list does not show them yet.
 */
async function runningMonitors(client: Client, taskQueue: string, wanted: Set<string>): Promise<Map<string, string | undefined>> {
  const candidates = new Set(wanted);
  const query = `WorkflowType="${targetMonitorWorkflow.name}" AND ExecutionStatus="Running" AND TaskQueue="${taskQueue}"`;
  for await (const run of client.workflow.list({ query })) if (run.workflowId.startsWith(PREFIX)) candidates.add(run.workflowId);
  const running = new Map<string, string | undefined>();
  for (const workflowId of candidates) {
    try {
      const d = await client.workflow.getHandle(workflowId).describe();
      if (d.status.name !== 'RUNNING' || d.taskQueue !== taskQueue) continue;
      const at = d.memo?.[CONFIGURED_AT_MEMO];
      running.set(workflowId, typeof at === 'string' ? at : undefined);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
  return running;
}

/** Says the stop in the in-app feed; a feed that cannot be written is reported, never fatal. */
async function sayInFeed(
  client: Client,
  m: RemovedMonitor,
  feed: FeedWriteLocation,
  options: ReconcileOptions,
): Promise<string | undefined> {
  const at = (options.now ?? (() => new Date()))().toISOString();
  try {
    await addNotification(
      client,
      {
        id: `monitor-stopped:${m.targetId}:${options.configuredAt ?? at}`,
        severity: 'INFO',
        targetId: m.targetId,
        text: stoppedText(m, options.configuredAt),
        at,
      },
      feed,
    );
    return undefined;
  } catch (err) {
    return describeError(err);
  }
}

const stoppedText = (m: RemovedMonitor, configuredAt: string | undefined): string =>
  `Monitoring of ${m.targetId} stopped: the target is no longer configured` +
  (configuredAt ? ` (configuration of ${configuredAt})` : '') +
  (m.openIncident ? `; its open incident ${m.openIncident} is left to finish` : '');

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
  if (r.stale) {
    const { configuredAt, newest, leftRunning } = r.stale;
    return [
      `This configuration (configured at ${configuredAt}) is older than the one the monitors run on (configured at ${newest}): ` +
        'no monitor was started, re-configured or stopped' +
        (leftRunning.length ? `; ${leftRunning.join(', ')} keep${leftRunning.length > 1 ? '' : 's'} running although not in this list` : '') +
        '. Is an older worker starting? After a deliberate rollback run "autoheal monitor apply --force" (or touch the targets file)',
    ];
  }
  return [
    ...r.ensured.map(describeEnsured),
    ...r.removed.map(
      (m) =>
        `Monitor ${m.workflowId} stopped: target ${m.targetId} is no longer configured` +
        (m.openIncident ? `; its open incident ${m.openIncident} is left to finish` : '') +
        (m.feedError ? ` (the in-app feed could not say so: ${m.feedError})` : ''),
    ),
  ];
}
