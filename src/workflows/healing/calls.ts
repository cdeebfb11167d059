/**
 * The healing workflow's activities, and the calls that must never end an incident: a probe
 * that cannot run, or a ledger that cannot be read or written, becomes a line in the timeline.
 */
import { proxyActivities } from '@temporalio/workflow';
import type {
  Activities,
  FleetReport,
  IncidentSummary,
  RemediationSwitchState,
} from '../../shared/contracts';
import { describeError } from '../../shared/errors';
import { probeActivityTimeoutMs } from '../../shared/probe-timing';
import { REMEDIATION_ACTIVITY_OPTIONS } from '../../shared/remediation-policy';
import type { ProbeReport, Rung } from '../../shared/types';
import { restartBudgetOf } from '../../shared/restart-budget';
import type { Incident } from './incident';

/** The probe activity, its timeout derived from the target's PROBE_TIMEOUT (src/shared/probe-timing.ts). */
function probeActivity(incident: Incident) {
  const timeout = incident.policy.probeActivityTimeoutMs ?? probeActivityTimeoutMs(incident.target.probeTimeoutMs);
  return proxyActivities<Activities>({
    startToCloseTimeout: timeout,
    retry: { initialInterval: '2 seconds', maximumAttempts: 2 },
  }).probeTarget;
}
export const { dispatchRemediation } = proxyActivities<Activities>(REMEDIATION_ACTIVITY_OPTIONS);
const { readAttemptLedger, recordLedgerEntry, readRemediationSwitch, recordIncidentClosed, reportToFleetBreaker } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 5 },
});

/** Probes the target; undefined (and a timeline line) when the probe could not run. */
export async function probe(incident: Incident): Promise<ProbeReport | undefined> {
  try {
    incident.lastReport = await probeActivity(incident)(incident.target);
    return incident.lastReport;
  } catch (err) {
    incident.note('probe', 'failed', `the probe could not run: ${describeError(err)}`);
    return undefined;
  }
}

/** Records a dispatch or a failed attempt in the target's attempt ledger. */
export async function recordLedger(incident: Incident, kind: 'dispatch' | 'failure', at: string, rung?: Rung): Promise<void> {
  try {
    const { policy } = incident;
    await recordLedgerEntry(incident.target.id, {
      kind,
      at,
      windowMs: policy.escalationWindowMs,
      incidentId: incident.id,
      ...(kind === 'dispatch'
        ? {
            budgetWindowMs: restartBudgetOf(policy)?.windowMs,
            simulated: policy.remediation === 'dry-run' || policy.remediation === 'none',
            // a reinit has its own spacing; absent (a full restart) as before the ladder
            ...(rung === 'reinit' ? { rung } : {}),
          }
        : {}),
    });
  } catch (err) {
    incident.note('ledger', 'failed', `could not record the ${kind} in the attempt ledger: ${describeError(err)}`);
  }
}

/** Reads the target's failures within the window and last dispatch (for spacing) into the incident. */
export async function readLedger(incident: Incident): Promise<void> {
  try {
    incident.ledger = await readAttemptLedger(incident.target.id);
  } catch (err) {
    incident.note(
      'ledger',
      'failed',
      `could not read the attempt ledger (failures in other incidents unknown, spacing unknown): ${describeError(err)}`,
    );
  }
  if (incident.ledger.lastDispatchAt) incident.rungs.lastFullRestartMs = Date.parse(incident.ledger.lastDispatchAt);
  if (incident.ledger.lastReinitAt) incident.rungs.lastReinitMs = Date.parse(incident.ledger.lastReinitAt);
}

/**
 * The remediation kill switch (src/workflows/remediation-switch.ts). A switch that cannot be read
 * counts as on (a line in the timeline): an unreadable switch must not stop healing silently.
 */
export async function readRemediationState(incident: Incident): Promise<RemediationSwitchState> {
  try {
    return await readRemediationSwitch();
  } catch (err) {
    incident.note('ledger', 'failed', `could not read the remediation switch (taken as on): ${describeError(err)}`);
    return { enabled: true, history: [] };
  }
}

/** Records the closed incident in the target's durable roll-up (for `autoheal report`). */
export async function recordRollup(incident: Incident, summary: IncidentSummary): Promise<void> {
  try {
    await recordIncidentClosed(summary);
  } catch (err) {
    incident.note('ledger', 'failed', `could not record the incident in the roll-up: ${describeError(err)}`);
  }
}

/**
 * Tells the fleet breaker (src/workflows/fleet-breaker.ts) that this incident opened, probed
 * or closed. A report that cannot be sent is a line in the timeline: the breaker then sees one
 * target fewer, and healing goes on.
 */
export async function reportToFleet(incident: Incident, report: FleetReport): Promise<void> {
  try {
    await reportToFleetBreaker(report);
  } catch (err) {
    incident.note('ledger', 'failed', `could not report the incident to the fleet breaker: ${describeError(err)}`);
  }
}
