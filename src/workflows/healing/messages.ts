/**
 * The operator messages of a healingWorkflow (one incident), shared by the workflow and the
 * client: updates with validators for the commands, one query for status and timeline, and the
 * plain-data shapes they carry. Workflow-safe: no Node built-ins, no I/O.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AttemptRecord } from '../../shared/contracts';
import type { IncidentStatus } from '../../shared/names';

/** One step of an incident, with its time and outcome: the incident's story, in order. */
export interface TimelineEntry {
  /** ISO time of the step. */
  at: string;
  step:
    | 'detected'
    | 'alerted'
    | 'notified'
    | 'waiting'
    | 'dispatched'
    | 'probe'
    | 'verified'
    | 'attempt_failed'
    | 'escalated'
    | 'reminder'
    | 'force_recovery'
    | 'acknowledged'
    | 'resolved'
    | 'recovered'
    | 'closed'
    | 'ledger'
    | 'withheld'
    | 'restart_run';
  /** ok | failed | override | healthy | unhealthy | ... : what came of the step. */
  outcome: string;
  detail: string;
}

/**
 * The runbook's promises made measurable for every incident (ISO times; durations in ms from
 * detection): detection < 30 s, alert < 45 s, recovery < 5 min, downtime < 6 min.
 */
export interface IncidentFigures {
  /** When the failure was detected (the trigger's time). */
  detectedAt: string;
  /** When the incident opened (the workflow started). */
  openedAt: string;
  /** When the CRITICAL email was delivered. */
  alertedAt?: string;
  /** First remediation dispatch of the incident. */
  dispatchedAt?: string;
  /** Second consecutive healthy probe: recovery proved. */
  verifiedHealthyAt?: string;
  closedAt?: string;
  alertMs?: number;
  dispatchMs?: number;
  /** Detection to verified healthy: the "Recovery time" of the recovery email. */
  recoveryMs?: number;
  /** Detection to close. */
  downtimeMs?: number;
}

export interface IncidentView {
  incidentId: string;
  status: IncidentStatus;
  target: string;
  openedAt: string;
  /** What is wrong, in one line. */
  issue: string;
  /** Checks failing when the incident opened. */
  failingChecks: string[];
  /** What the workflow is doing now, in words (also its current details in the Web UI). */
  activity: string;
  attempts: AttemptRecord[];
  timeline: TimelineEntry[];
  figures: IncidentFigures;
  escalation?: { at: string; reason: string; diagnosis: string };
  acknowledged?: { by: string; at: string };
  resolution?: { by: string; note: string; at: string };
}

/** What a closed incident returns. */
export interface HealingResult extends IncidentView {
  status: 'RECOVERED' | 'RESOLVED';
}

export interface ForceRecoveryRequest {
  reason: string;
  by: string;
}

export interface AcknowledgeRequest {
  by: string;
}

export interface ResolveRequest {
  by: string;
  note: string;
}

/** The answer to an operator command: the incident it reached and its status then. */
export interface CommandAck {
  incidentId: string;
  status: IncidentStatus;
}

/**
 * An immediate remediation attempt: overrides the restart spacing (recorded as an override in
 * the timeline), supersedes a verification in progress, and un-parks an ESCALATED incident for
 * one attempt. Rejected when the incident is closed or `reason`/`by` is empty.
 */
export const forceRecoveryUpdate = defineUpdate<CommandAck, [ForceRecoveryRequest]>('forceRecovery');

/** Stops the escalation reminders; probing goes on. Rejected when `by` is empty or closed. */
export const acknowledgeUpdate = defineUpdate<CommandAck, [AcknowledgeRequest]>('acknowledge');

/** Closes the incident as RESOLVED. Rejected when `by` is empty or already closed. */
export const resolveUpdate = defineUpdate<CommandAck, [ResolveRequest]>('resolve');

/**
 * Sent by `autoheal remediation off` to every open incident of the deployment: an automatic
 * dispatch waiting on retries is cancelled at once (an operator's forced one goes on).
 */
export const remediationSwitchedOffSignal = defineSignal<[{ by: string; reason: string }]>('remediationSwitchedOff');

/** Status, attempts, timeline and figures of the incident. */
export const statusQuery = defineQuery<IncidentView>('status');
