/**
 * The Temporal links: the frontend answers, and each target's monitor schedule exists and runs.
 * Read-only: describes schedules, never triggers or changes them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Client, Connection, ScheduleNotFoundError } from '@temporalio/client';
import type { AppConfig } from '../../config/load-config';
import { monitorScheduleId } from '../../shared/constants';
import { fail, pass, withTimeout, type DoctorCheck } from './doctor-check';

/** The embedded dev server's frontend, used when TEMPORAL_ADDRESS is unset. */
export const EMBEDDED_TEMPORAL_ADDRESS = '127.0.0.1:7233';

export type ScheduleState =
  { found: false } | { found: true; paused: boolean; note?: string; nextRun?: Date };

/** What doctor needs of a Temporal connection. */
export interface TemporalProbe {
  describeSchedule(scheduleId: string): Promise<ScheduleState>;
  close(): Promise<void>;
}

export type ConnectTemporalProbe = (
  temporal: AppConfig['temporal'],
  timeoutMs: number,
) => Promise<TemporalProbe>;

/** TEMPORAL_TLS_CERT / TEMPORAL_TLS_KEY hold PEM text or a file path. */
const pem = (value: string): Buffer =>
  Buffer.from(value.includes('-----BEGIN') || !existsSync(value) ? value : readFileSync(value, 'utf8'));

/** Connects a client with a connect timeout (TLS and API key as the worker does). */
export const connectTemporalProbe: ConnectTemporalProbe = async (t, timeoutMs) => {
  const address = t.address ?? EMBEDDED_TEMPORAL_ADDRESS;
  const tls =
    t.tlsCert && t.tlsKey
      ? { clientCertPair: { crt: pem(t.tlsCert), key: pem(t.tlsKey) } }
      : t.apiKey
        ? true
        : undefined;
  const connection = await Connection.connect({ address, tls, apiKey: t.apiKey, connectTimeout: timeoutMs });
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
        };
      } catch (err) {
        if (err instanceof ScheduleNotFoundError) return { found: false };
        throw err;
      }
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
    return [connected, ...lines];
  } finally {
    await p.close().catch(() => undefined);
  }
}
