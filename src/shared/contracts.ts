/**
 * The activity contracts that workflow code calls through `proxyActivities`.
 *
 * Workflows import these as types only; the implementations live in `src/activities` and are
 * built by factories over injected dependencies. Arguments and results are plain data and
 * never carry a secret: tokens and passwords stay inside the worker's injected clients.
 */
import type { IntermittentSummary } from './intermittent-faults';
import type { RestartRunQuery, RestartRunState } from './restart-run';
import type { ProbeReport, Rung, Severity, Target } from './types';

// ---------------------------------------------------------------- probe

/** What the long-lived monitor asks of one watch (one run of the looping probe activity). */
export interface WatchInput {
  target: Target;
  checkIntervalMs: number;
  /** Phase of the probes within the interval (spreads many targets' probes), ms. */
  phaseMs: number;
  /** The signature the monitor last handled (reportSignature): a probe with another one is handed back at once. */
  expected: string;
  /** Hand back the latest report after this long even when nothing changed, ms. */
  returnAfterMs: number;
  /** Shown in the heartbeat details, for the dashboard: the monitor's intermittent-fault count. */
  intermittent?: IntermittentSummary;
  /** Shown in the heartbeat details: what the monitor did with the last report it handled. */
  lastAction?: string;
}

/** Why a watch handed its report back. */
export type WatchEnd = 'changed' | 'refresh';

export interface WatchResult {
  end: WatchEnd;
  /** The report that changed, or the latest one. */
  report: ProbeReport;
  /** Probes run by this watch (all attempts of the activity). */
  probes: number;
  /** ISO time of the first probe of the watch that saw the current signature without a break. */
  signatureSince: string;
}

/**
 * The heartbeat details of a watch: what the dashboard, `autoheal pause` and the metrics read
 * (describe → pending activity → heartbeat details), at no cost in actions. Small: no readings.
 */
export interface WatchDetails {
  targetId: string;
  severity: Severity;
  summary: string;
  /** ISO time of the latest probe. */
  probedAt: string;
  /** Probes run by this watch so far. */
  probes: number;
  syncedAccounts: number;
  expectedAccounts: number;
  intermittent?: IntermittentSummary;
  /** What the monitor did with the last report it handled (healing_started, warned, ...). */
  action?: string;
  /** Start of the current run of probes at most two check intervals apart (measured time not yet in the roll-up). */
  probingSince?: string;
}

export interface ProbeActivities {
  /**
   * Runs every check against one bridge and returns one report. An unhealthy bridge is a
   * result, not an error: this throws only when the probe itself could not run.
   */
  probeTarget(target: Target): Promise<ProbeReport>;
  /**
   * Probes every `checkIntervalMs` (at `phaseMs` within the interval), heartbeating the latest
   * observation, and returns when a probe's signature differs from `expected` or after
   * `returnAfterMs`. Cancelled through its heartbeats.
   */
  watchTarget(input: WatchInput): Promise<WatchResult>;
}

// ---------------------------------------------------------------- alerts

/** One outcome of one remediation attempt, as told in escalation emails and timelines. */
export interface AttemptRecord {
  attempt: number;
  method: string;
  /** The ladder's rung of this attempt (absent in incidents from before the ladder: full-restart). */
  rung?: Rung;
  dispatchedAt?: string;
  /**
   * recovered | not_recovered (verify timeout) | dispatch_failed | restart_failed (its Actions run
   * failed) | skipped | dry_run_not_recovered (a dry run that did not verify: nothing was sent, so
   * not a failed restart).
   */
  outcome: 'recovered' | 'not_recovered' | 'dispatch_failed' | 'restart_failed' | 'skipped' | 'in_progress' | 'dry_run_not_recovered';
  detail: string;
  endedAt?: string;
  /** The GitHub Actions run of the restart (REMEDIATION=github), as last read: its page and state. */
  run?: AttemptRun;
}

/** The Actions run of an attempt, as the timeline, the emails and the dashboard show it. */
export interface AttemptRun {
  url: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion?: string | null;
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

/** One WARNING condition as an email names it. */
export interface WarningAlertCondition {
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

/**
 * A WARNING email. Its fields name one condition (the first one, which also gives the email its
 * Message-ID and thread); `conditions` lists every condition of an email that groups those that
 * fell due together (WARNING_GROUP_WAIT), the first one included. Absent: the one condition.
 */
export interface WarningAlert extends AlertBase, WarningAlertCondition {
  kind: 'warning';
  conditions?: WarningAlertCondition[];
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

/**
 * The fleet breaker tripped: automatic restarts are withheld fleet-wide (src/workflows/fleet-breaker.ts).
 * One email per trip, to the support contacts; `targetId` is `fleet`.
 */
export interface FleetBreakerAlert extends AlertBase {
  kind: 'fleet_breaker';
  /** Which rule tripped, as the timeline says it ("3 targets CRITICAL within 5m"). */
  rule: string;
  /** The targets whose incidents tripped it. */
  targets: string[];
}

export type AlertEvent =
  | CriticalAlert
  | WarningAlert
  | RecoveryAlert
  | EscalationAlert
  | ReminderAlert
  | TestAlert
  | FleetBreakerAlert;

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
  /**
   * Appends one notification to the durable in-app feed. With an `id`, a second write of the
   * same id is stored once (the "alerts cannot be delivered" notice: one per cause per day).
   */
  notifyInApp(notification: InAppNotification & { id?: string }): Promise<void>;
}

// ---------------------------------------------------------------- remediation

export interface RemediationRequest {
  targetId: string;
  incidentId: string;
  attempt: number;
  reason: string;
  /** auto_sync_service | operator:<name> */
  trigger: string;
  /**
   * An operator's forceRecovery (or an incident an operator started): a human decision, sent
   * even while the kill switch is off. Absent: automatic, checked against the switch right
   * before each HTTP attempt.
   */
  forced?: boolean;
  /**
   * The deployment's remediation mode, carried by the incident (its policy's REMEDIATION), not
   * the mode of whichever worker runs the dispatch: true, a dry run (nothing is ever sent); false,
   * a real restart (a dry-run worker refuses it, retryably, rather than pretend). Absent in
   * requests scheduled by an older version: the worker's own mode decides.
   */
  dryRun?: boolean;
  /**
   * The ladder's rung (src/shared/remediation-ladder.ts): `reinit`, the bridge's own
   * emergency-restart; `full-restart` (and absent, in requests from before the ladder), the
   * worker's REMEDIATION method (GitHub or the restart webhook).
   */
  rung?: Rung;
}

export interface RemediationReceipt {
  /** `reinit`: the bridge's emergency-restart (the ladder's first rung). */
  method: 'github' | 'webhook' | 'reinit' | 'none' | 'dry-run';
  dispatchedAt: string;
  /** What was done, e.g. "repository_dispatch mt5-full-restart to owner/repo (HTTP 204)". */
  detail: string;
  /** GitHub: the title of the Actions run this dispatch starts (restartRunTitle), to follow it by. */
  runTitle?: string;
}

export interface RemediationActivities {
  /**
   * Triggers one restart of the target. Success means the restart was requested, never that
   * the bridge recovered: verification probes decide that. Failures that retrying cannot fix
   * throw a non-retryable error of a type in `NON_RETRYABLE_REMEDIATION_ERRORS`, whose message
   * is the diagnosis.
   */
  dispatchRemediation(request: RemediationRequest): Promise<RemediationReceipt>;
  /**
   * Reads the GitHub Actions run a dispatch started (src/shared/restart-run.ts): its state, or
   * `unreadable` when the token cannot read Actions runs. Throws when the list did not answer
   * this time (the next poll tries again).
   */
  readRestartRun(query: RestartRunQuery): Promise<RestartRunState>;
}

/** Error type names (ApplicationFailure.type) of remediation failures that retrying can't fix. */
export const NON_RETRYABLE_REMEDIATION_ERRORS = [
  'RemediationNotConfiguredError',
  'RemediationUnauthorizedError',
  'RemediationForbiddenError',
  'RemediationTargetNotFoundError',
  'RemediationRejectedError',
] as const;
// RemediationSwitchedOffError is non-retryable too, but never escalates: the incident goes back to
// the kill switch's hold (healing/attempt.ts).
