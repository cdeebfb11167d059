/**
 * The Temporal links: the frontend answers, and each target's monitor schedule exists and runs.
 * Read-only: describes schedules, never triggers or changes them.
 */
import { Client, Connection, ScheduleNotFoundError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { fingerprintInIdentity } from '../../config/fingerprint';
import type { AppConfig } from '../../config/load-config';
import { EMBEDDED_TEMPORAL_ADDRESS, temporalConnectionOptions } from '../../client/connection-options';
import { undeliverableAlertNotices } from '../../client/notifications';
import { monitorScheduleId } from '../../shared/names';
import { fail, pass, withTimeout, type DoctorCheck } from './doctor-check';

export type ScheduleState =
  | { found: false }
  | { found: true; paused: boolean; note?: string; nextRun?: Date; configFingerprint?: string };

/** What doctor needs of a Temporal connection. */
export interface TemporalProbe {
  describeSchedule(scheduleId: string): Promise<ScheduleState>;
  /** Unread "Alerts cannot be delivered" notices of the in-app feed, newest first. */
  undeliverableAlerts?(): Promise<Array<{ text: string; at: string }>>;
  /** Identities of the workers polling the task queue (they carry their configuration's fingerprint). */
  workerIdentities?(taskQueue: string): Promise<string[]>;
  close(): Promise<void>;
}

export type ConnectTemporalProbe = (
  temporal: AppConfig['temporal'],
  timeoutMs: number,
) => Promise<TemporalProbe>;

/** Connects a client with a connect timeout (TLS and API key as the worker does). */
export const connectTemporalProbe: ConnectTemporalProbe = async (t, timeoutMs) => {
  const connection = await Connection.connect({ ...temporalConnectionOptions(t), connectTimeout: timeoutMs });
  const client = new Client({ connection, namespace: t.namespace });
  return {
    async describeSchedule(scheduleId) {
      try {
        const d = await client.schedule.getHandle(scheduleId).describe();
        return {
          found: true,
          paused: d.state.paused,
          note: d.state.note,
          nextRun: d.info.nextActionTimes[0],
          configFingerprint: typeof d.action.memo?.configFingerprint === 'string' ? d.action.memo.configFingerprint : undefined,
        };
      } catch (err) {
        if (err instanceof ScheduleNotFoundError) return { found: false };
        throw err;
      }
    },
    undeliverableAlerts: () => undeliverableAlertNotices(client, { queryTimeoutMs: timeoutMs }),
    async workerIdentities(taskQueue) {
      const { pollers } = await client.workflowService.describeTaskQueue({
        namespace: t.namespace,
        taskQueue: { name: taskQueue },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      });
      return (pollers ?? []).map((p) => p.identity ?? '').filter(Boolean);
    },
    close: () => connection.close(),
  };
};

const START_FIX =
  'Start it with `autoheal start` (embedded dev server), or set TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE (and TEMPORAL_API_KEY or TEMPORAL_TLS_CERT/KEY) to your cluster';
const APPLY_FIX = 'Run `autoheal schedule apply` (or `autoheal start`, which applies the schedules)';

/** The Temporal line, then one line per target's schedule. */
export async function checkTemporal(
  config: AppConfig,
  connect: ConnectTemporalProbe,
  timeoutMs: number,
  /** This configuration's fingerprint: workers and schedules on another one are flagged. */
  fingerprint?: string,
): Promise<DoctorCheck[]> {
  const address = config.temporal.address ?? EMBEDDED_TEMPORAL_ADDRESS;
  const name = 'Temporal reachable';
  let probe: TemporalProbe | undefined;
  const attempt = connect(config.temporal, timeoutMs).then(
    (connectedProbe) => ({ connectedProbe }),
    (error: unknown) => ({ error }),
  );
  const connected = await withTimeout(
    name,
    timeoutMs + 1_000,
    async () => {
      const r = await attempt;
      if ('error' in r) {
        const why = r.error instanceof Error ? r.error.message.split('\n')[0] : String(r.error);
        return fail(name, `cannot connect to ${address} (${why})`, START_FIX);
      }
      probe = r.connectedProbe;
      return pass(name, `${address}, namespace ${config.temporal.namespace}`);
    },
    START_FIX,
  );
  const schedules = config.targets.map((t) => monitorScheduleId(t.target.id));
  if (!connected.ok || !probe) {
    // A connection that completes after the timeout is closed all the same.
    void attempt
      .then((r) => ('connectedProbe' in r ? r.connectedProbe.close() : undefined))
      .catch(() => undefined);
    return [
      connected,
      ...schedules.map((id) => fail(`schedule ${id}`, 'not checked: Temporal is not reachable', START_FIX)),
    ];
  }
  const p = probe;
  try {
    const lines = await Promise.all(
      schedules.map((id) =>
        withTimeout(
          `schedule ${id}`,
          timeoutMs,
          async () => {
            const s = await p.describeSchedule(id);
            if (!s.found)
              return fail(
                `schedule ${id}`,
                `no schedule ${id} in namespace ${config.temporal.namespace}: the target is not monitored`,
                APPLY_FIX,
              );
            if (s.paused) {
              return fail(
                `schedule ${id}`,
                `paused${s.note ? ` (${s.note})` : ''}: the target is not monitored`,
                `Unpause it when the maintenance is over: temporal schedule toggle --schedule-id ${id} --unpause`,
              );
            }
            return pass(
              `schedule ${id}`,
              `present and running${s.nextRun ? `, next run ${s.nextRun.toISOString()}` : ''}`,
            );
          },
          APPLY_FIX,
        ),
      ),
    );
    const delivery = p.undeliverableAlerts
      ? [await withTimeout('alerts delivered', timeoutMs, () => checkAlertDelivery(p), DELIVERY_FIX)]
      : [];
    const inForce = fingerprint
      ? [await withTimeout('configuration in force', timeoutMs, () => checkConfigInForce(p, config, schedules, fingerprint), CONFIG_FIX)]
      : [];
    return [connected, ...lines, ...delivery, ...inForce];
  } finally {
    await p.close().catch(() => undefined);
  }
}

const DELIVERY_FIX =
  'Fix the SMTP settings or the recipients the notice names, check with `autoheal test-alert`, then `autoheal notifications read --all`';

/** What the worker met when it sent alerts: an unread "Alerts cannot be delivered" notice is a ❌. */
async function checkAlertDelivery(probe: TemporalProbe): Promise<DoctorCheck> {
  let notices: Array<{ text: string; at: string }>;
  try {
    notices = (await probe.undeliverableAlerts?.()) ?? [];
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return fail(
      'alerts delivered',
      `cannot read the in-app feed (${why}): is a worker running?`,
      'Start the worker: `autoheal start` or `autoheal worker`',
    );
  }
  const [latest] = notices;
  if (!latest) return pass('alerts delivered', 'no undelivered-alert notice in the in-app feed');
  return fail(
    'alerts delivered',
    `${latest.text} (${latest.at}${notices.length > 1 ? `; ${notices.length} notices unread` : ''})`,
    DELIVERY_FIX,
  );
}

const CONFIG_FIX =
  'Restart the workers that run another configuration with this one (their start reconciles the schedules), or run `autoheal schedule apply` for the schedules';

/**
 * Workers (their identity) and schedules (their action's memo) running on another configuration
 * than this one: after a change, a worker not restarted or a schedule not reconciled.
 */
async function checkConfigInForce(
  probe: TemporalProbe,
  config: AppConfig,
  scheduleIds: string[],
  fingerprint: string,
): Promise<DoctorCheck> {
  const name = 'configuration in force';
  const differing: string[] = [];
  for (const id of scheduleIds) {
    const s = await probe.describeSchedule(id);
    if (s.found && s.configFingerprint && s.configFingerprint !== fingerprint) differing.push(`schedule ${id} (config ${s.configFingerprint})`);
  }
  const workers = (await probe.workerIdentities?.(config.temporal.taskQueue)) ?? [];
  for (const identity of workers) {
    const theirs = fingerprintInIdentity(identity);
    if (theirs && theirs !== fingerprint) differing.push(`worker ${identity}`);
  }
  if (differing.length > 0)
    return fail(name, `this configuration is ${fingerprint}; running on another one: ${differing.join(', ')}`, CONFIG_FIX);
  return pass(name, `configuration ${fingerprint}: ${workers.length} worker(s) polling ${config.temporal.taskQueue}, schedules on the same configuration`);
}
