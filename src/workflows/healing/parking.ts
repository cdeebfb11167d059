/**
 * Escalation and parking. An escalated incident emails the support contacts and parks: no
 * automatic restart; a reminder every REMINDER_INTERVAL until acknowledged; a slow probe that
 * closes it RECOVERED when the target comes back by itself. It leaves the park when resolved,
 * recovered or forced, and continues as new when its history grows.
 */
import { continueAsNew, log, workflowInfo } from '@temporalio/workflow';
import { formatDuration } from '../../shared/duration';
import { runAgeReached } from '../run-age';
import type { HealingResult } from './messages';
import { probe } from './calls';
import { type HealingWorkflowInput, type Incident, iso, nowMs } from './incident';
import { isHealthyForRecovery } from './verdict';

/** Parked incidents probe at a slow cadence: at least this far apart (history stays small). */
const PARKED_PROBE_FLOOR_MS = 60_000;

/** Escalates to the support contacts: email, in-app notification, log line; reminders start. */
export function escalate(incident: Incident, reason: string, diagnosis: string): void {
  const { view, target } = incident;
  incident.setStatus('ESCALATED', 'CRITICAL');
  const at = iso();
  view.escalation = { at, reason, diagnosis };
  incident.nextReminderMs = nowMs() + incident.policy.reminderIntervalMs;
  incident.note('escalated', reason, diagnosis);
  log.error('Incident escalated to the support contacts: automatic restarts of this target are parked', {
    targetId: target.id,
    incidentId: incident.id,
    reason,
    diagnosis,
  });
  incident.alerts.email({
    kind: 'escalation',
    targetId: target.id,
    at,
    incidentId: incident.id,
    issue: view.issue,
    openedAt: view.openedAt,
    attempts: view.attempts,
    diagnosis,
  });
  incident.notify('CRITICAL', `${target.id} escalated (${reason}): ${diagnosis}`);
}

/** Escalation on RECOVERY_SLA. */
export function escalateOnSla(incident: Incident): void {
  escalate(
    incident,
    'RECOVERY_SLA exceeded',
    `the incident has been open longer than ${formatDuration(incident.policy.recoverySlaMs)} (RECOVERY_SLA) after ${incident.view.attempts.length} attempt(s); last probe: ${incident.lastReport?.summary ?? 'none'}`,
  );
}

/** Parked: reminders, slow probing; returns when recovered, resolved or forced. */
export async function park(incident: Incident): Promise<'recovered' | 'resolved' | 'forced'> {
  const { policy, view } = incident;
  const probeEveryMs = Math.max(policy.verifyIntervalMs, policy.checkIntervalMs, PARKED_PROBE_FLOOR_MS);
  let nextProbeMs = nowMs() + probeEveryMs;
  let healthyInARow = 0;
  for (;;) {
    incident.doing(
      `ESCALATED (${view.escalation?.reason}): automatic restarts parked; probing every ${formatDuration(probeEveryMs)}; ${view.acknowledged ? `acknowledged by ${view.acknowledged.by}` : `reminding the escalation contacts every ${formatDuration(policy.reminderIntervalMs)}`}`,
    );
    const wake = Math.min(
      nextProbeMs,
      view.acknowledged ? Number.POSITIVE_INFINITY : incident.nextReminderMs,
    );
    await incident.waitUntil(wake);
    if (view.resolution) return 'resolved';
    if (incident.forceRequests.length > 0) return 'forced';
    if (!view.acknowledged && nowMs() >= incident.nextReminderMs) remind(incident);
    if (nowMs() >= nextProbeMs) {
      const report = await probe(incident);
      healthyInARow = isHealthyForRecovery(report) ? healthyInARow + 1 : 0;
      nextProbeMs = nowMs() + probeEveryMs;
      if (healthyInARow >= 2) {
        incident.note(
          'verified',
          'healthy',
          'the target recovered by itself while escalated (two consecutive healthy probes)',
        );
        return 'recovered';
      }
    }
    const { continueAsNewSuggested, historyLength } = workflowInfo();
    const historyFull =
      continueAsNewSuggested ||
      historyLength >= (incident.input.continueAsNewAfterEvents ?? Number.POSITIVE_INFINITY) ||
      runAgeReached();
    if (historyFull && !incident.interrupted()) {
      // an operator request accepted meanwhile travels in the carried state (forceRequests,
      // resolution, acknowledgement) and is acted on by the next run
      await incident.handOverAlerts();
      const { target, policy: p, trigger, report, continueAsNewAfterEvents } = incident.input;
      await continueAsNew<(input: HealingWorkflowInput) => Promise<HealingResult>>({
        target,
        policy: p,
        trigger,
        report,
        carried: incident.carry(),
        ...(continueAsNewAfterEvents ? { continueAsNewAfterEvents } : {}),
      });
    }
  }
}

function remind(incident: Incident): void {
  incident.remindersSent += 1;
  incident.nextReminderMs += incident.policy.reminderIntervalMs;
  // after a late wake-up (the worker was down for hours): one reminder, not one per missed interval
  // (the next one a full interval after this one)
  if (incident.nextReminderMs <= nowMs())
    incident.nextReminderMs = nowMs() + incident.policy.reminderIntervalMs;
  incident.note('reminder', 'sent', `reminder ${incident.remindersSent} to the escalation contacts`);
  incident.alerts.email({
    kind: 'reminder',
    targetId: incident.target.id,
    at: iso(),
    incidentId: incident.id,
    issue: incident.view.issue,
    openedAt: incident.view.openedAt,
    reminder: incident.remindersSent,
  });
}
