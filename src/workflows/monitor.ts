/**
 * LEGACY (kept registered for one release, so that runs in flight and their histories finish
 * and replay): the long-lived targetMonitorWorkflow (./target-monitor) replaces it, and the
 * worker deletes the schedules that started it (docs/PERFORMANCE.md, "Migration").
 *
 * MonitorWorkflow: one run per schedule firing (`autoheal-monitor-<target>`, every CHECK_INTERVAL,
 * overlap SKIP). Probes the target once; a CRITICAL finding is confirmed by one re-probe a few
 * seconds later, then hands the incident to the target's one HealingWorkflow. WARNING findings
 * go to the target's warning watch, which decides what reaches people.
 *
 * A healthy run costs one activity (Temporal Cloud bills every activity): the re-probe only
 * happens on a CRITICAL finding, and warnings travel as a signal, not an activity.
 */
import { log, patched, proxyActivities, setCurrentDetails, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../shared/contracts';
import { AutohealSeverity, healingWorkflowId } from '../shared/names';
import type { MonitorInput, ProbeReport, Severity } from '../shared/types';
import { reportWarnings } from './alerting/report-warnings';
import { startHealing } from './start-healing';
import { deploymentOfRun } from './deployment-scope';
import { warningConditions } from '../shared/alert-conditions';

/** Patch: runs whose final report is CRITICAL no longer report WARNING conditions. */
const WARNINGS_ONLY_WHEN_NOT_CRITICAL = 'warnings-only-when-not-critical';

/** What one monitor run saw and did: the Web UI shows it as the run's result. */
export interface MonitorResult {
  severity: Severity;
  summary: string;
  /** none | warned | not_confirmed (a single failed probe) | healing_started | already_healing */
  action: 'none' | 'warned' | 'not_confirmed' | 'healing_started' | 'already_healing';
  /** ISO time of the probe that first saw the CRITICAL, and of the confirming probe. */
  firstSeenAt: string;
  confirmedAt?: string;
  healingWorkflowId?: string;
}

/** Activity options sized to the probe: a health call plus the accounts calls, each bounded by the probe timeout. */
function probeActivities(input: MonitorInput) {
  return proxyActivities<Activities>({
    startToCloseTimeout: Math.max(10_000, input.target.probeTimeoutMs * 4),
    // A thrown probe means the probe itself could not run; one quick retry, then the next firing.
    retry: { initialInterval: '1s', maximumAttempts: 2 },
  });
}

export async function monitorWorkflow(input: MonitorInput): Promise<MonitorResult> {
  const { target, policy } = input;
  const { probeTarget } = probeActivities(input);

  const first = await probeTarget(target);
  let report: ProbeReport = first;
  const result: MonitorResult = { severity: first.severity, summary: first.summary, action: 'none', firstSeenAt: first.observation.probedAt };

  if (first.severity === 'CRITICAL') {
    setCurrentDetails(`CRITICAL on ${target.id}: ${first.summary}. Confirming with a re-probe in ${policy.confirmDelayMs} ms.`);
    await sleep(policy.confirmDelayMs);
    report = await probeTarget(target);
    result.confirmedAt = report.observation.probedAt;
    result.severity = report.severity;
    result.summary = report.summary;
    if (report.severity !== 'CRITICAL') {
      log.info('CRITICAL not confirmed by the re-probe: no incident', { target: target.id, first: first.summary, second: report.summary });
      result.action = 'not_confirmed';
    } else {
      result.healingWorkflowId = healingWorkflowId(target.id, deploymentOfRun());
      result.action = (await startHealing(input, report)) ? 'healing_started' : 'already_healing';
    }
  }

  upsertSearchAttributes([{ key: AutohealSeverity, value: result.severity }]);

  // A confirmed CRITICAL is one incident: its failing accounts are not also WARNING emails.
  const warnings = !patched(WARNINGS_ONLY_WHEN_NOT_CRITICAL) || report.severity !== 'CRITICAL' ? warningConditions(report) : [];
  if (warnings.length > 0) {
    await reportWarnings(target.id, warnings, {
      reminderIntervalMs: policy.reminderIntervalMs,
      holdMs: policy.warningHoldMs,
      groupWaitMs: policy.warningGroupWaitMs,
    });
    if (result.action === 'none') result.action = 'warned';
  }
  return result;
}
