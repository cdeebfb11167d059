/**
 * The alert activities' contracts: what an alert email says (one event per kind), its receipt,
 * the in-app notification, and the hand-over to the durable delivery (src/workflows/alerting/).
 */
import type { Rung } from '../types';
import type { FlapTotals } from './rollup';
import type { Digest } from '../digest';
import type { DigestPeriod } from '../digest-schedule';

/** One outcome of one remediation attempt, as told in escalation emails and timelines. */
export interface AttemptRecord {
  attempt: number;
  method: string;
  /** The ladder's rung of this attempt (absent: full-restart). */
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

/**
 * A target became FLAPPING (src/shared/flapping.ts): FLAP_THRESHOLD incidents within FLAP_WINDOW.
 * One notice per episode, in place of the CRITICAL email of the incident that made it flapping;
 * the later incidents of the episode send no CRITICAL or recovery email.
 */
export interface FlappingAlert extends AlertBase {
  kind: 'flapping';
  episodeId: string;
  /** Incidents opened within the window, this one included. */
  incidents: number;
  windowMs: number;
  /** ISO time of the first of them. */
  since: string;
  /** Checks that failed in them. */
  checks: string[];
  /** The latest incident's issue, as its CRITICAL email would have said it. */
  issue: string;
  /** RESTART_COOLDOWN, and the restart budget when there is one ("6 within 24h"). */
  restartCooldownMs: number;
  restartBudget?: string;
}

/** A flapping episode settled: no incident for a whole FLAP_WINDOW. Its totals. */
export interface FlappingStoppedAlert extends AlertBase {
  kind: 'flapping_stopped';
  episodeId: string;
  /** ISO time of the episode's first incident, and of its FLAPPING notice. */
  since: string;
  recognisedAt: string;
  windowMs: number;
  /** Incidents opened in the episode. */
  incidents: number;
  /** Downtime and restarts of its incidents, from the roll-up; absent when it could not be read. */
  totals?: FlapTotals;
  checks: string[];
}


/**
 * The weekly or monthly digest (src/shared/digest.ts), to ALERT_RECIPIENT_EMAIL; `targetId` is
 * `fleet`. Its arrival is itself the proof that the alert path works.
 */
export interface DigestAlert extends AlertBase {
  kind: 'digest';
  digest: Digest;
}

export type AlertEvent =
  | DigestAlert
  | CriticalAlert
  | WarningAlert
  | RecoveryAlert
  | EscalationAlert
  | ReminderAlert
  | TestAlert
  | FleetBreakerAlert
  | FlappingAlert
  | FlappingStoppedAlert;

/**
 * An operator acknowledged an open incident. Never emailed: it goes to the channels that keep
 * incident state (PagerDuty acknowledges the page) and to those routed for CRITICAL.
 */
export interface AcknowledgedAlert extends AlertBase {
  kind: 'acknowledged';
  incidentId: string;
  by: string;
}

/** An operator resolved an open incident (no recovery email): PagerDuty resolves the page. */
export interface ResolvedAlert extends AlertBase {
  kind: 'resolved';
  incidentId: string;
  by: string;
  note?: string;
}

/** What the alert channels besides email receive (src/activities/alerts/channels/). */
export type ChannelEvent = AlertEvent | AcknowledgedAlert | ResolvedAlert;

/** The alert channels besides email and the in-app feed; the worker holds their secrets. */
export const ALERT_CHANNELS = ['slack', 'telegram', 'webhook', 'pagerduty'] as const;
export type AlertChannelName = (typeof ALERT_CHANNELS)[number];

/** What a channel answered: no secret in it (never the URL, the token or the routing key). */
export interface ChannelReceipt {
  channel: AlertChannelName;
  /** The HTTP status of the channel's answer. */
  status: number;
  /** A short, secret-free summary of the answer ("ok", PagerDuty's dedup_key). */
  detail: string;
}

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
  /** The WARNING conditions it names (`account:886557`, `sync_rate`): the digest counts them. */
  conditionKeys?: string[];
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

/**
 * One alert handed to the target's AlertDeliveryWorkflow (src/workflows/alerting/alert-delivery.ts):
 * an email or an in-app notification, with a stable id (the same alert handed over twice is
 * delivered once) and the time its retries stop.
 */
export interface AlertDelivery {
  id: string;
  /** What it is, for logs and the timeline: "recovery email", "in-app notification". */
  label: string;
  email?: AlertEvent;
  inApp?: InAppNotification & { id?: string };
  /**
   * An event for every channel its route names: `handOverAlerts` (the worker, which reads
   * ALERT_ROUTES) replaces it by one `channel` delivery per routed channel; none: dropped.
   */
  route?: ChannelEvent;
  /** One event for one channel, by NAME: the worker resolves the channel's URL or token. */
  channel?: { name: AlertChannelName; event: ChannelEvent };
  /** ISO time after which it is given up ("alerts cannot be delivered"). */
  giveUpAt: string;
}

export interface ChannelActivities {
  /**
   * Sends one event to one channel (Slack, Telegram, the JSON webhook, PagerDuty) by its name;
   * the worker holds the channel's secret. Idempotent per event where the channel allows it
   * (PagerDuty: the incident id is the dedup key). A channel that is down or answers 429/5xx
   * fails retryably (`AlertChannelDeferred`); one that refuses the request (4xx: a revoked URL,
   * a bad token or routing key) or is not configured fails for good (`AlertsUndeliverableError`)
   * after raising "alerts cannot be delivered".
   */
  sendAlertToChannel(channel: AlertChannelName, event: ChannelEvent): Promise<ChannelReceipt>;
}

export interface AlertDeliveryActivities {
  /** Hands alerts over to the target's AlertDeliveryWorkflow (signal-with-start), retried there for 24 h from each alert's event. */
  handOverAlerts(targetId: string, deliveries: AlertDelivery[]): Promise<void>;
}

/** The digest's activity: reads the period's figures (Temporal, GitHub) and returns its email event. */
export interface DigestActivities {
  composeDigest(request: { period: DigestPeriod; at: string }): Promise<DigestAlert>;
}
