/**
 * The latest monitor verdict of one target: the one function (`readMonitorStatus`) through which
 * the CLI (`autoheal status`: state and last-probe age) and the dashboard read what the monitor
 * saw, so a new monitor shape changes only this file. Schedule-started runs get ids
 * `monitor-<target>-<scheduled time>`, so the runs are found through the schedule's recent
 * actions (newest first); without a schedule, through visibility (runs tagged AutohealTarget),
 * and last a run started by hand as plain `monitor-<target>`.
 */
import { type Client, ScheduleNotFoundError, WorkflowNotFoundError } from '@temporalio/client';
import type { TargetConfig } from '../config/load-config';
import { monitorRunId, monitorScheduleId } from '../shared/names';
import type { MonitorResult } from '../workflows/monitor';

/** The latest monitor verdict of a target. */
export interface MonitorStatus {
  /** UNKNOWN: no verdict to show (no run yet, or the latest run failed). */
  severity: 'HEALTHY' | 'WARNING' | 'CRITICAL' | 'UNKNOWN';
  summary?: string;
  /** ISO time of the latest probe. */
  checkedAt?: string;
  /** What the monitor run did about it. */
  action?: string;
  /** No probe for three check intervals (at least a minute). */
  stale: boolean;
  note?: string;
  monitorWorkflowId?: string;
  /** Set while the target's monitor schedule is paused: "PAUSED until … by … (reason)". */
  paused?: string;
}

/** How many recent runs are looked at to find the latest closed one. */
const MAX_RUNS = 4;

/** A probe older than three check intervals (at least a minute) is stale: the schedule or worker is not running. */
export function staleAfterMs(checkIntervalMs: number): number {
  return Math.max(3 * checkIntervalMs, 60_000);
}

/** The pause of a schedule as the page shows it (`autoheal pause` notes start with PAUSED already). */
function pausedText(note: string | undefined): string {
  if (!note) return 'PAUSED (no note)';
  return note.startsWith('PAUSED') ? note : `PAUSED: ${note}`;
}

async function recentRuns(
  client: Client,
  targetId: string,
): Promise<{ runs: Array<{ workflowId: string; runId?: string }>; paused?: string }> {
  const runs: Array<{ workflowId: string; runId?: string }> = [];
  let paused: string | undefined;
  try {
    const schedule = await client.schedule.getHandle(monitorScheduleId(targetId)).describe();
    if (schedule.state.paused) paused = pausedText(schedule.state.note);
    for (const a of [...schedule.info.recentActions].reverse()) {
      if (a.action.type === 'startWorkflow')
        runs.push({ workflowId: a.action.workflow.workflowId, runId: a.action.workflow.firstExecutionRunId });
    }
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
    // No schedule (deleted, or runs started by hand): the runs tagged with the target, newest first.
    const query = `WorkflowType="monitorWorkflow" AND AutohealTarget="${targetId}"`;
    for await (const run of client.workflow.list({ query, pageSize: MAX_RUNS })) {
      runs.push({ workflowId: run.workflowId, runId: run.runId });
      if (runs.length >= MAX_RUNS) break;
    }
  }
  if (!runs.length) runs.push({ workflowId: monitorRunId(targetId) });
  return { runs: runs.slice(0, MAX_RUNS), ...(paused ? { paused } : {}) };
}

/** The latest verdict, plus `paused` while the schedule is paused (then an old probe is expected). */
export async function readMonitorStatus(
  client: Client,
  tc: TargetConfig,
  nowMs: number,
): Promise<MonitorStatus> {
  const { runs, paused } = await recentRuns(client, tc.target.id);
  const status = await latestVerdict(client, tc, nowMs, runs);
  if (!paused) return status;
  // Paused: no probe is the point, not a fault; the page shows the pause instead of "is the schedule on?".
  return { ...status, paused, note: status.stale ? undefined : status.note };
}

async function latestVerdict(
  client: Client,
  tc: TargetConfig,
  nowMs: number,
  runs: Array<{ workflowId: string; runId?: string }>,
): Promise<MonitorStatus> {
  let running = false;
  for (const run of runs) {
    const handle = client.workflow.getHandle<() => Promise<MonitorResult>>(run.workflowId, run.runId);
    let description;
    try {
      description = await handle.describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) continue; // retention dropped it, or never started
      throw err;
    }
    const state = description.status.name;
    if (state === 'RUNNING') {
      running = true;
      continue;
    }
    if (state !== 'COMPLETED') {
      const when = description.closeTime?.toISOString() ?? 'an unknown time';
      return {
        severity: 'UNKNOWN',
        stale: false,
        monitorWorkflowId: run.workflowId,
        note: `latest monitor run ${state} at ${when}: the probe could not run`,
      };
    }
    const result = await handle.result();
    const checkedAt = result.confirmedAt ?? result.firstSeenAt ?? description.closeTime?.toISOString();
    const checkedMs = checkedAt ? Date.parse(checkedAt) : Number.NaN;
    const stale = !Number.isFinite(checkedMs) || nowMs - checkedMs > staleAfterMs(tc.policy.checkIntervalMs);
    return {
      severity: result.severity,
      summary: result.summary,
      checkedAt,
      action: result.action,
      stale,
      monitorWorkflowId: run.workflowId,
      note: stale
        ? `no probe since ${checkedAt ?? 'an unknown time'}: is the worker running and the schedule on?`
        : undefined,
    };
  }
  return {
    severity: 'UNKNOWN',
    stale: false,
    note: running ? 'first probe in progress' : 'no monitor run yet (is the schedule applied?)',
  };
}
