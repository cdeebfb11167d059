/**
 * What `autoheal status`, `autoheal incidents` and `autoheal report` (and the dashboard's
 * overview) read: every target's state at a glance, the incidents of a period (open ones by
 * query, closed ones by their result while retention keeps them, older ones from the target's
 * roll-up), and the report's figures over the roll-ups. Shapes: docs/operator.md.
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { TargetConfig } from '../config/load-config';
import { attemptLedgerWorkflowId, healingWorkflowId, rollupWorkflowId } from '../shared/names';
import {
  DAY_MS,
  type Report,
  type RollupFacts,
  type TargetReport,
  type UptimeFigures,
  dailyStrip,
  figuresOf,
  incidentFigures,
  uptime,
} from '../shared/report-math';
import { rungAttemptsOf, rungFigures } from '../shared/rung-stats';
import { coverageGapMs } from '../shared/monitor-policy';
import { queryRunning } from '../shared/query-running';
import { EMPTY_LEDGER, ledgerStateQuery } from '../workflows/attempt-ledger';
import { healingWorkflow } from '../workflows/healing';
import { type HealingResult, type IncidentView, statusQuery } from '../workflows/healing/messages';
import { type RollupState, emptyRollup, rollupQuery, rollupWorkflow } from '../workflows/rollup';
import { type MonitorStatus, readMonitorStatus } from './monitor-status';
import { readRemediationSwitch } from './remediation-switch';
import type { AttemptLedgerState, IncidentFacts, RemediationSwitchState } from '../shared/contracts';

export type TargetState = 'HEALTHY' | 'WARNING' | 'CRITICAL' | 'HEALING' | 'ESCALATED' | 'PAUSED' | 'UNKNOWN';

export interface TargetOverview {
  target: string;
  state: TargetState;
  /** ISO time of the last probe, and its age in ms at `generatedAt`. */
  lastProbeAt?: string;
  lastProbeAgeMs?: number;
  summary?: string;
  note?: string;
  monitorWorkflowId?: string;
  incident?: {
    incidentId: string;
    workflowId: string;
    status: string;
    step: string;
    openedAt: string;
    ageMs: number;
    attempts: number;
    acknowledgedBy?: string;
  };
  failedAttempts: { inWindow: number; escalateAfter: number; windowMs: number };
  cooldownLeftMs: number;
  maintenance?: string;
  /** The target's scheduled maintenance windows: the one in progress and the next one (targets file). */
  windows?: string;
}

export interface StatusOverview {
  generatedAt: string;
  remediation: RemediationSwitchState;
  targets: TargetOverview[];
  /** True when every target is HEALTHY. */
  allHealthy: boolean;
}

/** The last probe of a target: the one place that knows where the monitor keeps it. */
export function lastProbe(client: Client, taskQueue: string, tc: TargetConfig, nowMs: number): Promise<MonitorStatus> {
  return readMonitorStatus(client, taskQueue, tc, nowMs);
}

/** One target of the deployment that runs on `taskQueue`, at a glance. */
export async function readTargetOverview(client: Client, taskQueue: string, tc: TargetConfig, nowMs: number): Promise<TargetOverview> {
  const id = tc.target.id;
  const healer = healingWorkflowId(id, taskQueue);
  const ledgerId = attemptLedgerWorkflowId(id, taskQueue);
  const [monitor, view, ledger] = await Promise.all([
    lastProbe(client, taskQueue, tc, nowMs),
    queryRunning(client, healer, statusQuery),
    queryRunning(client, ledgerId, ledgerStateQuery),
  ]);
  const l: AttemptLedgerState = ledger ?? EMPTY_LEDGER;
  const windowMs = tc.policy.escalationWindowMs;
  const inWindow = l.failures.filter((at) => Date.parse(at) >= nowMs - windowMs).length;
  const lastDispatch = l.lastDispatchAt ? Date.parse(l.lastDispatchAt) : Number.NEGATIVE_INFINITY;
  const state: TargetState = monitor.paused
    ? 'PAUSED'
    : view?.status === 'ESCALATED'
      ? 'ESCALATED'
      : view
        ? 'HEALING'
        : monitor.stale || monitor.severity === 'UNKNOWN'
          ? 'UNKNOWN'
          : monitor.severity;
  const checked = monitor.checkedAt ? Date.parse(monitor.checkedAt) : Number.NaN;
  return {
    target: id,
    state,
    lastProbeAt: monitor.checkedAt,
    lastProbeAgeMs: Number.isFinite(checked) ? Math.max(0, nowMs - checked) : undefined,
    summary: monitor.summary,
    note: monitor.note,
    monitorWorkflowId: monitor.monitorWorkflowId,
    incident: view
      ? {
          incidentId: view.incidentId,
          workflowId: healer,
          status: view.status,
          step: view.activity,
          openedAt: view.openedAt,
          ageMs: Math.max(0, nowMs - Date.parse(view.openedAt)),
          attempts: view.attempts.length,
          acknowledgedBy: view.acknowledged?.by,
        }
      : undefined,
    failedAttempts: { inWindow, escalateAfter: tc.policy.escalateAfter, windowMs },
    cooldownLeftMs: Math.max(0, lastDispatch + tc.policy.restartCooldownMs - nowMs),
    maintenance: monitor.paused,
    ...(monitor.windows ? { windows: monitor.windows } : {}),
  };
}

export async function readStatusOverview(
  client: Client,
  taskQueue: string,
  targets: TargetConfig[],
  now = new Date(),
): Promise<StatusOverview> {
  const nowMs = now.getTime();
  const [remediation, overviews] = await Promise.all([
    readRemediationSwitch(client, taskQueue),
    Promise.all(targets.map((tc) => readTargetOverview(client, taskQueue, tc, nowMs))),
  ]);
  return {
    generatedAt: now.toISOString(),
    remediation,
    targets: overviews,
    allHealthy: overviews.every((t) => t.state === 'HEALTHY'),
  };
}

// ---------------------------------------------------------------- incidents

/** An incident's facts from its status or result. */
export function factsOf(view: IncidentView | HealingResult): IncidentFacts {
  const forcedBy = view.timeline
    .filter((t) => t.step === 'force_recovery' && t.outcome === 'requested')
    .map((t) => /^forceRecovery by (.*?):/.exec(t.detail)?.[1] ?? 'operator');
  const closed = view.status === 'RECOVERED' || view.status === 'RESOLVED';
  return {
    incidentId: view.incidentId,
    targetId: view.target,
    outcome: view.status,
    detectedAt: view.figures.detectedAt,
    openedAt: view.figures.openedAt,
    alertedAt: view.figures.alertedAt,
    dispatchedAt: view.figures.dispatchedAt,
    closedAt: closed ? view.figures.closedAt : undefined,
    acknowledged: view.acknowledged,
    resolvedBy: view.resolution?.by,
    attempts: view.attempts.length,
    forcedBy,
    escalation: view.escalation ? { at: view.escalation.at, reason: view.escalation.reason } : undefined,
    autoHealed: view.status === 'RECOVERED' && !forcedBy.length && !view.acknowledged && !view.escalation,
    method: view.attempts[view.attempts.length - 1]?.method,
    rungAttempts: rungAttemptsOf(view.attempts),
    ...(view.failingChecks.length ? { checks: [...view.failingChecks] } : {}),
    ...(view.flappingEpisode ? { flappingEpisode: view.flappingEpisode } : {}),
  };
}

export async function readRollup(client: Client, taskQueue: string, targetId: string): Promise<RollupState | undefined> {
  const workflowId = rollupWorkflowId(targetId, taskQueue);
  return queryRunning(client, workflowId, rollupQuery);
}

/**
 * Incidents of the targets detected since `sinceMs`, newest first: visibility, then the roll-ups.
 * Only the deployment's own: incidents that ran on its task queue, and its roll-ups.
 */
export async function listIncidents(
  client: Client,
  taskQueue: string,
  targetIds: string[],
  sinceMs: number,
): Promise<IncidentFacts[]> {
  const byId = new Map<string, IncidentFacts>();
  const since = new Date(sinceMs).toISOString();
  for (const targetId of targetIds) {
    const query = `WorkflowType="${healingWorkflow.name}" AND AutohealTarget="${targetId}" AND TaskQueue="${taskQueue}" AND StartTime >= "${since}"`;
    for await (const run of client.workflow.list({ query })) {
      const handle = client.workflow.getHandle(run.workflowId, run.runId);
      try {
        if (run.status.name === 'RUNNING') {
          const view = await handle.query(statusQuery);
          byId.set(view.incidentId, factsOf(view));
        } else if (run.status.name === 'COMPLETED') {
          const result = (await handle.result()) as HealingResult;
          byId.set(result.incidentId, factsOf(result));
        }
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    }
    for (const summary of (await readRollup(client, taskQueue, targetId))?.incidents ?? []) {
      if (!byId.has(summary.incidentId)) byId.set(summary.incidentId, summary);
    }
  }
  return [...byId.values()]
    .filter((i) => Date.parse(i.detectedAt) >= sinceMs)
    .sort((a, b) => b.detectedAt.localeCompare(a.detectedAt));
}

// ---------------------------------------------------------------- report

export type { Report, ReportWindows, TargetReport } from '../shared/report-math';

function sumUptime(list: UptimeFigures[]): UptimeFigures {
  const s = (k: 'periodMs' | 'upMs' | 'downMs' | 'unknownMs' | 'maintenanceMs'): number => list.reduce((a, f) => a + f[k], 0);
  return figuresOf({ periodMs: s('periodMs'), upMs: s('upMs'), downMs: s('downMs'), unknownMs: s('unknownMs'), maintenanceMs: s('maintenanceMs') });
}

/** The report over the roll-ups, with open incidents counted as down until now. */
export function computeReport(
  facts: Array<{ target: string; facts: RollupFacts }>,
  days: number,
  nowMs: number,
): Report {
  const windowOf = (d: number): [number, number] => [nowMs - d * DAY_MS, nowMs];
  const targets = facts.map(({ target, facts: f }): TargetReport => {
    const inPeriod = f.incidents.filter((i) => Date.parse(i.detectedAt) >= nowMs - days * DAY_MS);
    return {
      target,
      uptime: { '24h': uptime(f, windowOf(1), nowMs), '7d': uptime(f, windowOf(7), nowMs), '30d': uptime(f, windowOf(30), nowMs) },
      period: uptime(f, windowOf(days), nowMs),
      incidents: incidentFigures(inPeriod),
      days: dailyStrip(f, Math.min(days, 30), nowMs),
    };
  });
  const all = facts.flatMap(({ facts: f }) => f.incidents.filter((i) => Date.parse(i.detectedAt) >= nowMs - days * DAY_MS));
  const tries = facts.map(({ target, facts: f }) => ({ target, tries: f.incidents.flatMap((i) => i.rungAttempts ?? []) }));
  return {
    generatedAt: new Date(nowMs).toISOString(),
    days,
    objectivePct: 99.99,
    targets,
    rungs: rungFigures(tries, nowMs - days * DAY_MS, nowMs),
    overall: {
      uptime: {
        '24h': sumUptime(targets.map((t) => t.uptime['24h'])),
        '7d': sumUptime(targets.map((t) => t.uptime['7d'])),
        '30d': sumUptime(targets.map((t) => t.uptime['30d'])),
      },
      period: sumUptime(targets.map((t) => t.period)),
      incidents: incidentFigures(all),
    },
  };
}

/** The report of the deployment that runs on `taskQueue`: its roll-ups and its open incidents. */
export async function readReport(
  client: Client,
  taskQueue: string,
  targets: TargetConfig[],
  days: number,
  now = new Date(),
): Promise<Report> {
  return computeReport(await readReportFacts(client, taskQueue, targets, now.getTime()), days, now.getTime());
}

/** What the report is computed over, per target: its roll-up, its open incident, its monitor now. */
export async function readReportFacts(
  client: Client,
  taskQueue: string,
  targets: TargetConfig[],
  nowMs: number,
): Promise<Array<{ target: string; facts: RollupFacts }>> {
  return Promise.all(
    targets.map(async (tc) => {
      const id = tc.target.id;
      const [rollup, monitor] = await Promise.all([readRollup(client, taskQueue, id), lastProbe(client, taskQueue, tc, nowMs)]);
      const incidents = new Map<string, IncidentFacts>((rollup?.incidents ?? []).map((i) => [i.incidentId, i]));
      const healer = healingWorkflowId(id, taskQueue);
      const open = await queryRunning(client, healer, statusQuery);
      if (open) incidents.set(open.incidentId, factsOf(open));
      const facts: RollupFacts = {
        measured: rollup?.measured ?? [],
        maintenance: rollup?.maintenance ?? [],
        incidents: [...incidents.values()],
        maxGapMs: coverageGapMs(tc.policy.checkIntervalMs),
        // The monitor now: its current run of probes and its pause are not in the roll-up yet.
        live: {
          probingSince: monitor.probingSince,
          lastProbeAt: monitor.paused ? undefined : monitor.checkedAt,
          fresh: !monitor.stale && monitor.severity !== 'UNKNOWN',
          pausedSince: monitor.pausedSince,
        },
      };
      return { target: id, facts };
    }),
  );
}

/**
 * Starts every target's roll-up that does not run yet (the worker calls it at start); a running
 * one is left as it is. Time is measured by the monitor's probes (probedSpans).
 */
export async function ensureRollups(client: Client, taskQueue: string, targets: TargetConfig[]): Promise<void> {
  await Promise.all(
    targets.map((tc) =>
      client.workflow.start(rollupWorkflow, {
        workflowId: rollupWorkflowId(tc.target.id, taskQueue),
        taskQueue,
        args: [emptyRollup(tc.target.id)],
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    ),
  );
}
