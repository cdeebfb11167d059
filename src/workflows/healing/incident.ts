/**
 * The state of one incident: what the operator sees (status, issue, attempts, timeline,
 * figures), what the steps share (last probe, queued operator requests, ledger, spacing,
 * reminders), and the one place that sets the status, the search attributes and the Web UI's
 * current details. Workflow code: deterministic, no I/O.
 */
import { allHandlersFinished, condition, log, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { AttemptLedgerState, InAppNotification } from '../../shared/contracts';
import { formatDuration } from '../../shared/duration';
import { describeError } from '../../shared/errors';
import {
  AutohealSeverity,
  AutohealStatus,
  AutohealTarget,
  type IncidentStatus,
  alertDeliveryWorkflowId,
} from '../../shared/names';
import type { HealingInput, HealingPolicy, ProbeReport, Target } from '../../shared/types';
import { AlertOutbox } from '../alerting/alert-outbox';
import { EMPTY_LEDGER } from '../attempt-ledger';
import type { ForceRecoveryRequest, IncidentView, TimelineEntry } from './messages';
import { LadderPosition } from './ladder-position';
import { failingChecks } from './verdict';

/** State carried across continue-as-new while an incident is parked for a long time. */
export interface CarriedIncident {
  view: IncidentView;
  detectedAt: string;
  lastReport?: ProbeReport;
  remindersSent: number;
  nextReminderAt: string;
  /** forceRecovery requests accepted and not yet acted on (absent in runs carried before them). */
  forceRequests?: ForceRequest[];
  /** The ladder rung the next automatic attempt takes (absent in runs carried before the ladder: the first). */
  rungIndex?: number;
}

/** HealingInput, plus the state carried when a long-parked incident continues as new. */
export type HealingWorkflowInput = HealingInput & {
  carried?: CarriedIncident;
  /** A parked incident continues as new after this many history events (default: when Temporal suggests it). */
  continueAsNewAfterEvents?: number;
};

/** A forceRecovery accepted by the incident, waiting for its attempt. */
export type ForceRequest = ForceRecoveryRequest & { at: string };

/** Longest wait for undelivered alerts once the incident is decided (see docs/healing.md). */
const ALERT_SETTLE_LIMIT_MS = 10 * 60_000;

export const nowMs = (): number => Date.now();
export const iso = (ms: number = nowMs()): string => new Date(ms).toISOString();

export class Incident {
  readonly target: Target;
  readonly policy: HealingPolicy;
  readonly trigger: HealingInput['trigger'];
  readonly view: IncidentView;
  readonly detectedAtMs: number;
  readonly slaDeadlineMs: number;
  lastReport: ProbeReport | undefined;
  readonly forceRequests: ForceRequest[] = [];
  /** forceRecovery requests that joined the dispatch in flight: acted on if it does not go through. */
  readonly joinedForce: ForceRequest[] = [];
  ledger: AttemptLedgerState = EMPTY_LEDGER;
  /** Where the incident stands on the target's remediation ladder, and each rung's last dispatch (spacing). */
  readonly rungs: LadderPosition;
  dispatchInFlight = false;
  /** `remediation off` reached this incident (by whom, why) and no `on` has been seen since. */
  switchedOff: { by: string; reason: string } | undefined;
  /** A restart is being prepared (fresh look, switch read): a forceRecovery now joins it. */
  preparingDispatch = false;
  remindersSent: number;
  nextReminderMs: number;
  /** Alerts of this incident in flight; one that gives up is a line in the timeline. */
  readonly alerts = new AlertOutbox((label, err) => {
    log.warn(`${label} could not be delivered`, { incidentId: this.id, error: describeError(err) });
    this.note('alerted', 'failed', `${label} could not be delivered: ${describeError(err)}`);
  });

  constructor(readonly input: HealingWorkflowInput) {
    const { target, policy, trigger, carried } = input;
    this.target = target;
    this.policy = policy;
    this.trigger = trigger;
    const openedAtMs = carried ? Date.parse(carried.view.openedAt) : nowMs();
    const triggerMs = Date.parse(trigger.at);
    this.detectedAtMs = carried
      ? Date.parse(carried.detectedAt)
      : Number.isFinite(triggerMs) && triggerMs <= openedAtMs
        ? triggerMs
        : openedAtMs;
    this.slaDeadlineMs = openedAtMs + policy.recoverySlaMs;
    this.view = carried?.view ?? {
      incidentId: `${target.id}-${iso(openedAtMs).replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`,
      status: 'HEALING',
      target: target.id,
      openedAt: iso(openedAtMs),
      issue: input.report?.summary ?? trigger.reason,
      failingChecks: failingChecks(input.report),
      activity: 'opening the incident',
      attempts: [],
      timeline: [],
      figures: { detectedAt: iso(this.detectedAtMs), openedAt: iso(openedAtMs) },
      ...(input.flapping ? { flappingEpisode: input.flapping.episodeId } : {}),
    };
    this.lastReport = carried?.lastReport ?? input.report;
    this.remindersSent = carried?.remindersSent ?? 0;
    this.nextReminderMs = carried ? Date.parse(carried.nextReminderAt) : Number.POSITIVE_INFINITY;
    this.forceRequests.push(...(carried?.forceRequests ?? []));
    this.rungs = new LadderPosition(policy, carried?.rungIndex);
  }

  get id(): string {
    return this.view.incidentId;
  }

  /** The flapping episode this incident is folded into (its CRITICAL and recovery emails are not sent). */
  get folded(): string | undefined {
    return this.view.flappingEpisode;
  }

  closed(): boolean {
    return this.view.status === 'RECOVERED' || this.view.status === 'RESOLVED';
  }

  /** An operator resolved the incident or asked for a restart: waits end early. */
  interrupted(): boolean {
    return !!this.view.resolution || this.forceRequests.length > 0;
  }

  /** Adds a step to the timeline. */
  note(step: TimelineEntry['step'], outcome: string, detail: string): void {
    this.view.timeline.push({ at: iso(), step, outcome, detail });
  }

  /** Says what is being done now (the status query and the Web UI's current details). */
  doing(activity: string): void {
    this.view.activity = activity;
    setCurrentDetails(
      `**${this.target.id}: ${this.view.status}**\n\nWhat is wrong: ${this.view.issue}\n\nWhat is being done: ${activity}`,
    );
  }

  setStatus(status: IncidentStatus, severity?: string): void {
    this.view.status = status;
    upsertSearchAttributes([
      { key: AutohealStatus, value: status },
      ...(severity ? [{ key: AutohealSeverity, value: severity }] : []),
    ]);
  }

  /** The search attributes of an incident that opens (or continues as new). */
  publishSearchAttributes(): void {
    upsertSearchAttributes([
      { key: AutohealTarget, value: this.target.id },
      { key: AutohealStatus, value: this.view.status },
      { key: AutohealSeverity, value: 'CRITICAL' },
    ]);
  }

  /** An in-app notification about this incident; `queue`: kept for the hand-over, not sent from here. */
  notify(severity: InAppNotification['severity'], text: string, queue = false): void {
    const notification = { severity, targetId: this.target.id, incidentId: this.id, text, at: iso() };
    if (queue) this.alerts.queueInApp(notification);
    else this.alerts.inApp(notification);
  }

  /** Lets outstanding alerts finish (bounded: a closed incident must not hold the target's healer id for a day). */
  async settleAlerts(): Promise<void> {
    if (!(await this.alerts.settle(ALERT_SETTLE_LIMIT_MS))) {
      log.warn('Leaving this run with alerts still undelivered', {
        incidentId: this.id,
        limit: formatDuration(ALERT_SETTLE_LIMIT_MS),
      });
    }
    await condition(allHandlersFinished);
  }

  /**
   * Hands the alerts still undelivered, and those queued for the close, to the target's
   * alertDeliveryWorkflow, so that this run can end now (the healer id is free for the next
   * incident at once). Should the hand-over fail, delivers them here, bounded as before.
   */
  async handOverAlerts(): Promise<void> {
    const undelivered = this.alerts.inFlight().map((d) => d.label);
    if (await this.alerts.handOver(this.target.id)) {
      if (undelivered.length)
        this.note(
          'alerted',
          'handed_over',
          `still undelivered, handed to ${alertDeliveryWorkflowId(this.target.id, workflowInfo().taskQueue)} (retried for 24 h from each alert): ${undelivered.join(', ')}`,
        );
      await condition(allHandlersFinished);
      return;
    }
    this.note('alerted', 'failed', 'the alert delivery workflow could not be reached: delivering the last alerts from the incident');
    this.alerts.sendQueued();
    await this.settleAlerts();
  }

  /**
   * Runs a hold (the kill switch's, the fleet breaker's) during which a forceRecovery interrupts
   * the wait and restarts (a human decision) instead of joining the restart being prepared.
   */
  async holding<T>(hold: () => Promise<T>): Promise<T> {
    const preparing = this.preparingDispatch;
    this.preparingDispatch = false;
    try {
      return await hold();
    } finally {
      this.preparingDispatch = preparing;
    }
  }

  /** Waits until `untilMs` (or an operator message); false when interrupted. */
  async waitUntil(untilMs: number): Promise<boolean> {
    const ms = untilMs - nowMs();
    if (ms <= 0) return !this.interrupted();
    return !(await condition(() => this.interrupted(), ms));
  }

  /** Failed attempts of the target within the escalation window (this incident and others). */
  failuresInWindow(): number {
    const since = nowMs() - this.policy.escalationWindowMs;
    return this.ledger.failures.filter((at) => Date.parse(at) >= since).length;
  }

  /** What the next run needs when a parked incident continues as new. */
  carry(): CarriedIncident {
    return {
      view: this.view,
      detectedAt: iso(this.detectedAtMs),
      lastReport: this.lastReport,
      remindersSent: this.remindersSent,
      nextReminderAt: iso(this.nextReminderMs),
      forceRequests: [...this.forceRequests],
      rungIndex: this.rungs.index,
    };
  }
}
