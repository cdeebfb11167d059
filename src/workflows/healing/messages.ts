/**
 * The operator messages of a healingWorkflow (one incident), shared by the workflow and the
 * client: updates with validators for the commands, one query for status and timeline, and the
 * plain-data shapes they carry. Workflow-safe: no Node built-ins, no I/O.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AttemptRecord } from '../../shared/contracts';
import type { IncidentStatus } from '../../shared/names';
import type { Observation, Rung } from '../../shared/types';

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
    | 'restart_run'
    | 'evidence';
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
  /**
   * What the bridge said before anything was touched (src/workflows/healing/evidence.ts), with
   * the rung the diagnosis chose. Absent in incidents from before it.
   */
  evidence?: IncidentEvidence;
  acknowledged?: { by: string; at: string };
  resolution?: { by: string; note: string; at: string };
  /** The flapping episode the incident was folded into: no CRITICAL or recovery email of its own. */
  flappingEpisode?: string;
}

/** What a closed incident returns. */
export interface HealingResult extends IncidentView {
  status: 'RECOVERED' | 'RESOLVED';
}

export interface ForceRecoveryRequest {
  reason: string;
  by: string;
  /** The ladder rung to take (`incident force --rung full-restart`); absent: the incident's current rung. */
  rung?: Rung;
}

/** One account as the bridge served it before the cure: no balance, only how old its reading was. */
export interface EvidenceAccount {
  login: string;
  dataSource: string;
  /** Age of the reading when probed, ms; null when the bridge gave no time. */
  ageMs: number | null;
}

/**
 * The evidence snapshot of an incident, taken before its first rung: the people who read the
 * incident later see what the VPS looked like before it was touched (LinkedIn's Nurse collects
 * evidence before it acts).
 */
export interface IncidentEvidence {
  /** ISO time of the probe the snapshot comes from. */
  probedAt: string;
  /** The health endpoint's fields as read (no raw body, no account count). */
  health: Omit<Observation['health'], 'cachedAccounts'>;
  accounts: EvidenceAccount[];
  accountsSource: string;
  accountsLatencyMs: number;
  syncedAccounts: number;
  expectedAccounts: number;
  /** The probe's failing checks with what each saw. */
  failingChecks: Array<{ check: string; evidence: string }>;
  /** The rung the diagnosis chose to start with, and why (absent: no rung can cure it, people at once). */
  diagnosis: { rung?: Rung; why: string };
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
