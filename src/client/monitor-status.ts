/**
 * The latest monitor verdict of one target: the one function (`readMonitorStatus`) through which
 * the CLI (`autoheal status`) and the dashboard read what the monitor saw. From the target's
 * long-lived monitor (`autoheal-monitor-<target>`):
 * describe gives the running watch's heartbeat details (the latest probe, at no cost in
 * Temporal actions); when no watch runs (paused, confirming a CRITICAL, between two watches)
 * the monitor's state query answers instead.
 */
import type { Client } from '@temporalio/client';
import type { TargetConfig } from '../config/load-config';
import { queryMonitor, readMonitor } from './monitors';
import { monitorStaleAfterMs } from '../shared/monitor-policy';
import { windowSummary } from '../shared/maintenance-schedule';

/** The latest monitor verdict of a target: `autoheal status` shows it, the dashboard's TargetStatus extends it. */
export interface MonitorStatus {
  /** UNKNOWN: no verdict to show (no monitor yet, or it is not running). */
  severity: 'HEALTHY' | 'WARNING' | 'CRITICAL' | 'UNKNOWN';
  summary?: string;
  /** ISO time of the latest probe. */
  checkedAt?: string;
  /** What the monitor did about it: none | warned | not_confirmed | healing_started | already_healing. */
  action?: string;
  /** No probe for longer than the monitor's heartbeats allow (monitorStaleAfterMs): no worker is probing. */
  stale: boolean;
  /** Why the status is unknown or partial ("no monitor yet", "first probe in progress", ...). */
  note?: string;
  /** The monitor the status comes from (autoheal-monitor-<target>). */
  monitorWorkflowId?: string;
  /** Set while the target's monitor is paused: "PAUSED until … by … (reason)". */
  paused?: string;
  /** ISO start of the current pause, while paused. */
  pausedSince?: string;
  /** ISO start of the watch's current run of probes (time measured but not yet in the roll-up). */
  probingSince?: string;
  /** The intermittent-fault WARNING, when one is raised (unconfirmed CRITICALs past INTERMITTENT_THRESHOLD). */
  intermittent?: string;
  /** The target's recurring maintenance windows (targets file): the one in progress and the next one, in a sentence. */
  windows?: string;
}

/** A probe older than this is stale: the worker is not running (heartbeats reach the server every ~13 s). */
export function staleAfterMs(checkIntervalMs: number): number {
  return monitorStaleAfterMs(checkIntervalMs);
}

/**
 * The latest verdict, plus `paused` while the monitor is paused (then an old probe is expected),
 * and the target's scheduled windows.
 */
export async function readMonitorStatus(client: Client, taskQueue: string, tc: TargetConfig, nowMs: number): Promise<MonitorStatus> {
  const status = await readVerdict(client, taskQueue, tc, nowMs);
  const windows = windowSummary(tc.maintenance, nowMs);
  return windows ? { ...status, windows } : status;
}

async function readVerdict(client: Client, taskQueue: string, tc: TargetConfig, nowMs: number): Promise<MonitorStatus> {
  const targetId = tc.target.id;
  const reading = await readMonitor(client, taskQueue, targetId);
  const monitorWorkflowId = reading.workflowId;
  if (reading.status === 'NOT_FOUND')
    return { severity: 'UNKNOWN', stale: false, monitorWorkflowId, note: 'no monitor yet: is the worker running? (it starts every target\'s monitor)' };
  if (reading.status !== 'RUNNING')
    return { severity: 'UNKNOWN', stale: false, monitorWorkflowId, note: `the monitor is ${reading.status}: restart the worker to start it again` };

  let status: MonitorStatus;
  if (reading.watch) {
    const w = reading.watch;
    const raised = w.intermittent?.raised ? w.intermittent.text : undefined;
    status = {
      severity: w.severity,
      summary: w.summary,
      checkedAt: w.probedAt,
      ...(w.probingSince ? { probingSince: w.probingSince } : {}),
      ...(w.action ? { action: w.action } : {}),
      stale: false,
      monitorWorkflowId,
      ...(raised ? { intermittent: raised } : {}),
    };
  } else {
    let view;
    try {
      view = await queryMonitor(client, taskQueue, targetId);
    } catch (err) {
      const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
      return { severity: 'UNKNOWN', stale: false, monitorWorkflowId, note: `the monitor's state could not be read (${why}): is the worker running?` };
    }
    const raised = view.intermittent.raised ? view.intermittent.text : undefined;
    status = {
      severity: view.last?.severity ?? 'UNKNOWN',
      ...(view.last ? { summary: view.last.summary, checkedAt: view.last.probedAt, action: view.last.action } : {}),
      stale: false,
      monitorWorkflowId,
      ...(view.pause ? { paused: view.pause.note, pausedSince: view.pause.at } : {}),
      ...(raised ? { intermittent: raised } : {}),
    };
    if (!view.last && !view.pause) status.note = 'first probe in progress';
  }
  if (status.paused) return status; // paused: no probe is the point, not a fault
  const checkedMs = status.checkedAt ? Date.parse(status.checkedAt) : Number.NaN;
  const stale = Number.isFinite(checkedMs) && nowMs - checkedMs > staleAfterMs(tc.policy.checkIntervalMs);
  const notes = [
    stale ? `no probe since ${status.checkedAt}: is the worker running?` : undefined,
    reading.watchFailure ? `the watch failed and is retried: ${reading.watchFailure}` : undefined,
    status.intermittent,
    status.note,
  ].filter((n): n is string => Boolean(n));
  return { ...status, stale, note: notes.length ? notes.join('; ') : undefined };
}
