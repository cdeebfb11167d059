/**
 * The Temporal links: the frontend answers, and each target's long-lived monitor runs and
 * probes. Read-only: describes the monitors (and asks a paused or confirming one its state),
 * never changes them.
 */
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { fingerprintInIdentity } from '../../config/fingerprint';
import type { AppConfig } from '../../config/load-config';
import { EMBEDDED_TEMPORAL_ADDRESS, temporalConnectionOptions } from '../../client/connection-options';
import { undeliverableAlertNotices } from '../../client/notifications';
import { queryMonitor, readMonitor } from '../../client/monitors';
import { monitorStaleAfterMs } from '../../shared/monitor-policy';
import { monitorWorkflowId } from '../../shared/names';
import { fail, pass, withTimeout, type DoctorCheck } from './doctor-check';

/** A target's monitor as doctor sees it. */
export type MonitorState =
  | { found: false }
  | {
      found: true;
      /** RUNNING, COMPLETED, TERMINATED, ... */
      status: string;
      /** The pause note while paused. */
      paused?: string;
      /** True when the pause is a recurring window of the targets file (by "schedule"): expected, it ends by itself. */
      scheduledPause?: boolean;
      /** ISO time of the latest probe known, and what it said. */
      lastProbeAt?: string;
      summary?: string;
      /** Why the watch's last attempt failed (it is retried). */
      watchFailure?: string;
    };

/** What doctor needs of a Temporal connection. */
export interface TemporalProbe {
  describeMonitor(targetId: string): Promise<MonitorState>;
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
    async describeMonitor(targetId) {
      const reading = await readMonitor(client, t.taskQueue, targetId);
      if (reading.status === 'NOT_FOUND') return { found: false };
      const state: MonitorState = { found: true, status: reading.status };
      if (reading.watchFailure) state.watchFailure = reading.watchFailure;
      if (reading.watch) return { ...state, lastProbeAt: reading.watch.probedAt, summary: `${reading.watch.severity}: ${reading.watch.summary}` };
      if (reading.status !== 'RUNNING') return state;
      const view = await queryMonitor(client, t.taskQueue, targetId);
      return {
        ...state,
        ...(view.pause ? { paused: view.pause.note } : {}),
        ...(view.pause?.scheduled ? { scheduledPause: true } : {}),
        ...(view.last ? { lastProbeAt: view.last.probedAt, summary: `${view.last.severity}: ${view.last.summary}` } : {}),
      };
    },
    undeliverableAlerts: () => undeliverableAlertNotices(client, { taskQueue: t.taskQueue, queryTimeoutMs: timeoutMs }),
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
const APPLY_FIX = 'Start the worker (`autoheal worker` or `autoheal start`): it starts every target\'s monitor; or run `autoheal monitor apply`';

/** The Temporal line, then one line per target's monitor. */
export async function checkTemporal(
  config: AppConfig,
  connect: ConnectTemporalProbe,
  timeoutMs: number,
  /** This configuration's fingerprint: workers on another one are flagged. */
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
  const monitors = config.targets.map((t) => ({ targetId: t.target.id, id: monitorWorkflowId(t.target.id, config.temporal.taskQueue), staleMs: monitorStaleAfterMs(t.policy.checkIntervalMs) }));
  if (!connected.ok || !probe) {
    // A connection that completes after the timeout is closed all the same.
    void attempt
      .then((r) => ('connectedProbe' in r ? r.connectedProbe.close() : undefined))
      .catch(() => undefined);
    return [
      connected,
      ...monitors.map((m) => fail(`monitor ${m.id}`, 'not checked: Temporal is not reachable', START_FIX)),
    ];
  }
  const p = probe;
  try {
    const lines = await Promise.all(
      monitors.map((m) =>
        withTimeout(
          `monitor ${m.id}`,
          timeoutMs,
          async () => {
            const name = `monitor ${m.id}`;
            const s = await p.describeMonitor(m.targetId);
            if (!s.found) return fail(name, `no monitor ${m.id} in namespace ${config.temporal.namespace}: the target is not monitored`, APPLY_FIX);
            if (s.status !== 'RUNNING') return fail(name, `${s.status}: the target is not monitored`, APPLY_FIX);
            if (s.paused && s.scheduledPause)
              return pass(name, `${s.paused}: a recurring maintenance window of the targets file; monitoring resumes at its end`);
            if (s.paused)
              return fail(name, `${s.paused}: the target is not monitored`, `Resume it when the maintenance is over: autoheal resume --target ${m.targetId} --by <name>`);
            if (s.watchFailure) return fail(name, `the probe loop fails and is retried: ${s.watchFailure}`, 'Read the worker\'s log; is the worker up to date?');
            if (!s.lastProbeAt) return pass(name, 'running, first probe in progress');
            const ageMs = Date.now() - Date.parse(s.lastProbeAt);
            const age = `${Math.round(ageMs / 1000)} s ago`;
            if (ageMs > m.staleMs) return fail(name, `running, but the last probe was ${age} (${s.lastProbeAt}): no worker is probing`, 'Start the worker: `autoheal worker` or `autoheal start`');
            return pass(name, `running, last probe ${age}${s.summary ? ` (${s.summary})` : ''}`);
          },
          APPLY_FIX,
        ),
      ),
    );
    const delivery = p.undeliverableAlerts
      ? [await withTimeout('alerts delivered', timeoutMs, () => checkAlertDelivery(p), DELIVERY_FIX)]
      : [];
    const inForce = fingerprint
      ? [await withTimeout('configuration in force', timeoutMs, () => checkConfigInForce(p, config, fingerprint), CONFIG_FIX)]
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
  'Restart the workers that run another configuration with this one (a worker start sends its settings to every monitor)';

/**
 * Workers running on another configuration than this one (their Temporal identity carries its
 * fingerprint): after a change, a worker not restarted. Each worker start sends its settings to
 * every target's monitor, so a monitor runs the configuration of the last worker started: two
 * workers on different configurations is the one way they can drift, and this says so.
 */
async function checkConfigInForce(probe: TemporalProbe, config: AppConfig, fingerprint: string): Promise<DoctorCheck> {
  const name = 'configuration in force';
  const workers = (await probe.workerIdentities?.(config.temporal.taskQueue)) ?? [];
  const differing = workers.filter((identity) => {
    const theirs = fingerprintInIdentity(identity);
    return theirs !== undefined && theirs !== fingerprint;
  });
  if (differing.length > 0)
    return fail(name, `this configuration is ${fingerprint}; running on another one: ${differing.map((w) => `worker ${w}`).join(', ')}`, CONFIG_FIX);
  return pass(name, `configuration ${fingerprint}: ${workers.length} worker(s) polling ${config.temporal.taskQueue}, none on another configuration`);
}
