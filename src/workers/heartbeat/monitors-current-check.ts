/**
 * The dead man's switch's question, answered from what the product already reads: the worker is
 * running (it polls its task queue), Temporal answers, and every monitor's last probe is current
 * by the same rule the dashboard and `autoheal status` use (src/client/monitor-status.ts: stale
 * past `staleAfterMs` of its CHECK_INTERVAL). A paused monitor is current (no probe is the
 * point); one with no probe yet is given that same time from the worker's start, then counts as
 * stale. Reasons name targets and times, never a secret.
 */
import type { Client } from '@temporalio/client';
import type { TargetConfig } from '../../config/load-config';
import { describeError } from '../../shared/errors';
import { readMonitorStatus, staleAfterMs, type MonitorStatus } from '../../client/monitor-status';
import type { HeartbeatVerdict } from './dead-mans-switch';

export interface MonitorsCurrentDeps {
  client: Client;
  taskQueue: string;
  targets: TargetConfig[];
  /** The worker's state: only a RUNNING worker polls. */
  workerState: () => string;
  /** Wall-clock ms when the worker started (the first probes' grace counts from it). */
  startedAtMs: number;
  now?: () => number;
  /** Deadline of the whole read, ms; default 10 s. */
  deadlineMs?: number;
  /** Reads one monitor; default `readMonitorStatus` (tests of the rule inject readings). */
  readStatus?: (tc: TargetConfig, nowMs: number) => Promise<MonitorStatus>;
}

export function createMonitorsCurrentCheck(deps: MonitorsCurrentDeps): () => Promise<HeartbeatVerdict> {
  const now = deps.now ?? Date.now;
  const deadlineMs = deps.deadlineMs ?? 10_000;
  const readStatus = deps.readStatus ?? ((tc: TargetConfig, nowMs: number) => readMonitorStatus(deps.client, deps.taskQueue, tc, nowMs));

  return async () => {
    const state = deps.workerState();
    if (state !== 'RUNNING') return { state: 'fail', reason: `the worker is ${state}, not polling` };
    const nowMs = now();
    let statuses: MonitorStatus[];
    try {
      statuses = await withDeadline(deps.client, deadlineMs, async () => {
        await deps.client.workflowService.getSystemInfo({});
        return Promise.all(deps.targets.map((tc) => readStatus(tc, nowMs)));
      });
    } catch (err) {
      return { state: 'fail', reason: `Temporal unreachable: ${describeError(err).slice(0, 160)}` };
    }
    const stale: string[] = [];
    const waiting: string[] = [];
    for (const [i, status] of statuses.entries()) {
      const tc = deps.targets[i]!;
      const id = tc.target.id;
      if (status.paused) continue;
      if (status.checkedAt && !status.stale) continue;
      if (status.checkedAt) {
        stale.push(`${id} no probe since ${status.checkedAt}`);
      } else if (nowMs - deps.startedAtMs <= staleAfterMs(tc.policy.checkIntervalMs)) {
        waiting.push(id);
      } else {
        stale.push(`${id} not probed${status.note ? ` (${status.note.split(':')[0]})` : ''}`);
      }
    }
    if (stale.length) return { state: 'fail', reason: `monitor stale: ${stale.join('; ')}` };
    if (waiting.length) return { state: 'wait', reason: `waiting for the first probe of ${waiting.join(', ')}` };
    return { state: 'ok' };
  };
}

/** Runs Temporal calls with a deadline (an unreachable server is said within it, not after the client's retries). */
async function withDeadline<T>(client: Client, ms: number, run: () => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
  });
  const call = client.withAbortSignal(controller.signal, run);
  call.catch(() => undefined);
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
