/**
 * The activity contracts that workflow code calls through `proxyActivities`.
 *
 * Workflows import these as types only; the implementations live in `src/activities` and are
 * built by factories over injected dependencies. Arguments and results are plain data and
 * never carry a secret: tokens and passwords stay inside the worker's injected clients.
 */
import type { ProbeReport, Target } from './types';

// ---------------------------------------------------------------- probe

export interface ProbeActivities {
  /**
   * Runs every check against one bridge and returns one report. An unhealthy bridge is a
   * result, not an error: this throws only when the probe itself could not run.
   */
  probeTarget(target: Target): Promise<ProbeReport>;
}

// ---------------------------------------------------------------- alerts

/** One outcome of one remediation attempt, as told in escalation emails and timelines. */
export interface AttemptRecord {
  attempt: number;
  method: string;
  dispatchedAt?: string;
  /** recovered | not_recovered (verify timeout) | dispatch_failed | skipped */
  outcome: 'recovered' | 'not_recovered' | 'dispatch_failed' | 'skipped' | 'in_progress';
  detail: string;
  endedAt?: string;
}

interface AlertBase {
  targetId: string;
  /** ISO time of the event. */
  at: string;
}

/** A CRITICAL incident opened. */
export interface CriticalAlert extends AlertBase {
  kind: 'critical';
  incidentId: string;
  component: string;
  /** DEGRADED (bridge answers, checks fail) or DOWN (bridge unreachable). */
  status: 'DEGRADED' | 'DOWN';
  issue: string;
  /** INITIATED, or why not (remediation off, paused, escalated). */
  autoRestart: string;
  /** How long recovery should take when a restart was initiated (the email says "5 minutes" by default). */
  expectedRecoveryMs?: number;
}

export interface WarningAlert extends AlertBase {
  kind: 'warning';
  /** Stable key of the condition (e.g. "account:12345"), for deduplication. */
  conditionKey: string;
  issue: string;
  /** 1 for the first email of this condition, then reminders. */
  occurrence: number;
  /** One episode of the condition (from first seen until cleared): its emails form one thread. */
  episodeId?: string;
  /** ISO time the condition was first seen in this episode. */
  since?: string;
}

export interface RecoveryAlert extends AlertBase {
  kind: 'recovery';
  incidentId: string;
  method: string;
  /** From detection to verified healthy, ms. */
  recoveryTimeMs: number;
  accountsOnline: number;
  accountsExpected: number;
}

export interface EscalationAlert extends AlertBase {
  kind: 'escalation';
  incidentId: string;
  issue: string;
  openedAt: string;
  attempts: AttemptRecord[];
  diagnosis: string;
}

export interface ReminderAlert extends AlertBase {
  kind: 'reminder';
  incidentId: string;
  issue: string;
  openedAt: string;
  reminder: number;
}

export interface TestAlert extends AlertBase {
  kind: 'test';
}

export type AlertEvent = CriticalAlert | WarningAlert | RecoveryAlert | EscalationAlert | ReminderAlert | TestAlert;

export interface EmailReceipt {
  messageId: string;
  accepted: string[];
  rejected: string[];
  /** The SMTP server's final answer, e.g. "250 2.0.0 OK". */
  response: string;
}

export type NotificationSeverity = 'CRITICAL' | 'WARNING' | 'INFO';

export interface InAppNotification {
  severity: NotificationSeverity;
  targetId: string;
  incidentId?: string;
  text: string;
  at: string;
}

export interface AlertActivities {
  /**
   * Sends the email of one alert event. Idempotent per event (stable Message-ID), retried by
   * Temporal; throws a non-retryable `AlertsUndeliverableError` on a permanent failure.
   */
  sendAlertEmail(event: AlertEvent): Promise<EmailReceipt>;
  /** Appends one notification to the durable in-app feed. */
  notifyInApp(notification: InAppNotification): Promise<void>;
}

// ---------------------------------------------------------------- remediation

export interface RemediationRequest {
  targetId: string;
  incidentId: string;
  attempt: number;
  reason: string;
  /** auto_sync_service | operator:<name> */
  trigger: string;
}

export interface RemediationReceipt {
  method: 'github' | 'webhook' | 'none' | 'dry-run';
  dispatchedAt: string;
  /** What was done, e.g. "repository_dispatch mt5-full-restart to owner/repo (HTTP 204)". */
  detail: string;
}

export interface RemediationActivities {
  /**
   * Triggers one restart of the target. Success means the restart was requested, never that
   * the bridge recovered: verification probes decide that. Failures that retrying cannot fix
   * throw a non-retryable error of a type in `NON_RETRYABLE_REMEDIATION_ERRORS`, whose message
   * is the diagnosis.
   */
  dispatchRemediation(request: RemediationRequest): Promise<RemediationReceipt>;
}

/** Error type names (ApplicationFailure.type) of remediation failures that retrying can't fix. */
export const NON_RETRYABLE_REMEDIATION_ERRORS = [
  'RemediationNotConfiguredError',
  'RemediationUnauthorizedError',
  'RemediationForbiddenError',
  'RemediationTargetNotFoundError',
  'RemediationRejectedError',
] as const;
