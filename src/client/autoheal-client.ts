/**
 * The one client of fidus-autoheal: a Temporal client plus the task queue its workers poll,
 * built once where a command starts, with every operation the CLI and the dashboard perform:
 * incidents, the in-app feed, maintenance windows and the monitors. Nothing below it
 * takes a task queue of its own or falls back to a default one.
 */
import { Client, Connection } from '@temporalio/client';
import type { AppConfig, TargetConfig } from '../config/load-config';
import type { NotificationFeed } from '../shared/alert-feed';
import type { Rung } from '../shared/types';
import { temporalConnectionOptions } from './connection-options';
import { acknowledge, forceRecovery, getStatus, resolve } from './incidents';
import { type PauseOptions, type ResumeOptions, pauseMonitoring, readPauseState, resumeMonitoring } from './maintenance';
import {
  countUnreadNotifications,
  createTemporalNotificationFeed,
  undeliverableAlertNotices,
} from './notifications';
import { readMonitor } from './monitors';
import { type ReconcileOptions, reconcileMonitors } from './reconcile-monitors';
import { readMailbox } from './mailbox';
import { ensureRollups, listIncidents, readReport, readStatusOverview } from './operator-views';
import { type DigestSources, readDigest } from './digest';
import { ensureDigestSchedule, readDigestSchedule } from './digest-schedule';
import type { DigestPeriod, DigestSettings } from '../shared/digest-schedule';
import { type SwitchRequest, overrideBreaker, readRemediationSwitch, setRemediation } from './remediation-switch';

export class AutohealClient {
  /** Operator commands on a target's incident (`heal-<target>`). */
  readonly incidents = {
    status: (targetId: string) => getStatus(this.temporal, this.taskQueue, targetId),
    force: (tc: TargetConfig, request: { reason: string; by: string; rung?: Rung }) =>
      forceRecovery(this.temporal, { target: tc.target, policy: tc.policy, ...request, taskQueue: this.taskQueue }),
    acknowledge: (targetId: string, by: string) => acknowledge(this.temporal, this.taskQueue, targetId, by),
    resolve: (targetId: string, by: string, note: string) => resolve(this.temporal, this.taskQueue, targetId, by, note),
  };

  /** The in-app notification feed. */
  readonly feed: NotificationFeed & {
    unreadCount(): Promise<number>;
    undeliverableNotices(queryTimeoutMs?: number): ReturnType<typeof undeliverableAlertNotices>;
  };

  /** Maintenance windows: pausing and resuming a target's monitoring. */
  readonly maintenance = {
    pause: (options: Omit<PauseOptions, 'taskQueue'>) =>
      pauseMonitoring(this.temporal, { ...options, taskQueue: this.taskQueue }),
    resume: (options: Omit<ResumeOptions, 'taskQueue'>) =>
      resumeMonitoring(this.temporal, { ...options, taskQueue: this.taskQueue }),
    state: (targetId: string) => readPauseState(this.temporal, this.taskQueue, targetId),
  };

  /** The long-lived monitors of the configured targets. */
  readonly monitors = {
    /**
     * Starts or configures every target's monitor, stops those of targets no longer configured
     * (idempotent); changes nothing when `options.configuredAt` is older than what the monitors run on.
     */
    reconcile: (targets: TargetConfig[], options?: ReconcileOptions) => reconcileMonitors(this.temporal, targets, this.taskQueue, options),
    /** The target's monitor as describe shows it (the running watch's latest probe); no billed action. */
    read: (targetId: string) => readMonitor(this.temporal, this.taskQueue, targetId),
  };

  /** The remediation kill switch: no automatic restart anywhere while off. */
  readonly remediation = {
    off: (request: SwitchRequest) => setRemediation(this.temporal, this.taskQueue, false, request),
    on: (request: { by: string; reason?: string }) =>
      setRemediation(this.temporal, this.taskQueue, true, { by: request.by, reason: request.reason ?? '' }),
    state: () => readRemediationSwitch(this.temporal, this.taskQueue),
    /** Lets automatic restarts go while the tripped fleet breaker's condition holds. */
    overrideBreaker: (request: SwitchRequest) => overrideBreaker(this.temporal, this.taskQueue, request),
  };

  /** The operator's views: every target at a glance, incidents of a period, the uptime report. */
  readonly operator = {
    status: (targets: TargetConfig[], now?: Date) => readStatusOverview(this.temporal, this.taskQueue, targets, now),
    incidents: (targetIds: string[], sinceMs: number) => listIncidents(this.temporal, this.taskQueue, targetIds, sinceMs),
    report: (targets: TargetConfig[], days: number, now?: Date) =>
      readReport(this.temporal, this.taskQueue, targets, days, now),
    /** Starts every target's roll-up that does not run yet (worker start). */
    ensureRollups: (targets: TargetConfig[]) => ensureRollups(this.temporal, this.taskQueue, targets),
    /** The weekly or monthly digest ending at `now`: the report's figures and what the week brought. */
    digest: (targets: TargetConfig[], request: { period: DigestPeriod; now: Date; timeZone: string }, sources?: DigestSources) =>
      readDigest(this.temporal, this.taskQueue, targets, request, sources),
    /** Starts or configures the digest workflow (worker start); off ends it. */
    ensureDigestSchedule: (settings: DigestSettings) => ensureDigestSchedule(this.temporal, this.taskQueue, settings),
    digestSchedule: () => readDigestSchedule(this.temporal, this.taskQueue),
  };

  /** The demo mail catcher: emails captured when no SMTP is configured (demo mode). */
  readonly mail = { list: () => readMailbox(this.temporal, this.taskQueue) };

  constructor(
    /** The Temporal client (connection and namespace). */
    readonly temporal: Client,
    /**
     * The task queue the workers poll (TEMPORAL_TASK_QUEUE). It also names the deployment: every
     * workflow id this client computes is the deployment's (src/shared/names.ts).
     */
    readonly taskQueue: string,
  ) {
    this.feed = {
      ...createTemporalNotificationFeed(temporal, { taskQueue }),
      unreadCount: () => countUnreadNotifications(temporal, { taskQueue }),
      undeliverableNotices: (queryTimeoutMs) => undeliverableAlertNotices(temporal, { taskQueue, queryTimeoutMs }),
    };
  }

  /** Connects to the configured Temporal frontend (TEMPORAL_ADDRESS, or the embedded dev server's). */
  static async connect(config: AppConfig['temporal']): Promise<AutohealClient> {
    const connection = await Connection.connect({ ...temporalConnectionOptions(config), connectTimeout: '10s' });
    return new AutohealClient(new Client({ connection, namespace: config.namespace }), config.taskQueue);
  }

  close(): Promise<void> {
    return this.temporal.connection.close();
  }
}
