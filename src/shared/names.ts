/**
 * Every name fidus-autoheal gives things in Temporal, in one place: the default task queue,
 * schedule ids, workflow ids and the custom search attributes. Workflow-safe (no Node
 * built-ins). Workflow types are the workflow functions' own names (src/workflows/index.ts);
 * schedules and clients name them by function reference, never by a string.
 *
 * Ids are `autoheal-<kind>-<target>` for everything that lives long per target (schedule,
 * warning watch, attempt ledger, maintenance window, alert delivery) and `autoheal-notifications` for the one
 * feed. Two older forms stay because operators and running workflows depend on them: an
 * incident is `heal-<target>` (a contract with operators, README "How it works", and the one-healer-per-target
 * guard of incidents in flight), and a monitor run is `monitor-<target>` plus the time the
 * schedule appends. Renaming an id would orphan the workflows already running under it.
 *
 * Deployments: several deployments (production and staging, say) may share one namespace, each
 * with the default target id `mt5-bridge`. A deployment is named by its task queue
 * (TEMPORAL_TASK_QUEUE): every worker, client and workflow of a deployment knows it (workflow
 * code from `workflowInfo().taskQueue`, which is deterministic), and two deployments that share a
 * task queue share their workers anyway, so they could not be kept apart by any other name. The
 * default deployment (task queue `autoheal`) keeps the bare ids above, so that its running
 * workflows keep their names; every other deployment's ids end in `@<task queue>`
 * (`heal-mt5-bridge@staging`). Target ids are lowercase letters, digits and dashes, so the `@`
 * cannot be part of one. Only the legacy per-run schedule and its maintenance window keep bare
 * ids: an older version made them, and they are only touched when their schedule starts runs on
 * the deployment's own task queue.
 */
import { defineSearchAttributeKey } from '@temporalio/common';

export const DEFAULT_TASK_QUEUE = 'autoheal';

/** `id` in a deployment (its task queue): bare in the default deployment, `<id>@<deployment>` in any other. */
export function inDeployment(id: string, deployment: string): string {
  return deployment === DEFAULT_TASK_QUEUE ? id : `${id}@${deployment}`;
}

/** The deployment-scoped id's bare part when `id` belongs to `deployment`; undefined when it is another deployment's. */
export function bareIdIn(id: string, deployment: string): string | undefined {
  if (deployment === DEFAULT_TASK_QUEUE) return id.includes('@') ? undefined : id;
  const suffix = `@${deployment}`;
  return id.endsWith(suffix) ? id.slice(0, -suffix.length) : undefined;
}

/**
 * The long-lived monitor of one target (targetMonitorWorkflow): one execution per target that
 * probes every CHECK_INTERVAL inside one looping activity, continued as new when its history
 * grows. Not to be confused with the legacy Schedule of the same name (below): Temporal keeps
 * schedule ids and workflow ids apart.
 */
export const monitorWorkflowId = (targetId: string, deployment: string): string =>
  inDeployment(`autoheal-monitor-${targetId}`, deployment);

/** The target a monitor's workflow id names, in whichever deployment. */
export const targetOfMonitorId = (workflowId: string): string =>
  workflowId.replace(/^autoheal-monitor-/, '').split('@')[0] ?? workflowId;

/**
 * Legacy: the Temporal Schedule that ran one short MonitorWorkflow per CHECK_INTERVAL. Replaced
 * by the long-lived monitor (docs/PERFORMANCE.md); the worker deletes it at start, carrying a
 * pause over to the monitor.
 */
export const monitorScheduleId = (targetId: string): string => `autoheal-monitor-${targetId}`;

/** Legacy: the runs of a target's monitor schedule (the schedule appends the firing time). */
export const monitorRunId = (targetId: string): string => `monitor-${targetId}`;

/** The one HealingWorkflow of a target: one healer per target, one run per incident. */
export const healingWorkflowId = (targetId: string, deployment: string): string =>
  inDeployment(`heal-${targetId}`, deployment);

/** The WARNING deduplication of one target (WarningWatchWorkflow). */
export const warningWatchWorkflowId = (targetId: string, deployment: string): string =>
  inDeployment(`autoheal-warnings-${targetId}`, deployment);

/** The failed attempts and last dispatch of one target, across incidents (attemptLedgerWorkflow). */
export const attemptLedgerWorkflowId = (targetId: string, deployment: string): string =>
  inDeployment(`autoheal-ledger-${targetId}`, deployment);

/** The durable end of a target's maintenance window (maintenanceWindowWorkflow). */
export const maintenanceWorkflowId = (targetId: string): string => `autoheal-maintenance-${targetId}`;

/**
 * The alert deliveries of one target that outlive the workflow that raised them
 * (AlertDeliveryWorkflow): the last emails of a closed incident, WARNING emails. Started by
 * signal-with-start; it completes when nothing is left to deliver.
 */
export const alertDeliveryWorkflowId = (targetId: string, deployment: string): string =>
  inDeployment(`autoheal-alerts-${targetId}`, deployment);

/** The remediation kill switch (remediationSwitchWorkflow), one per deployment. */
export const REMEDIATION_SWITCH_WORKFLOW_ID = 'autoheal-remediation-switch';
export const remediationSwitchWorkflowId = (deployment: string): string => inDeployment(REMEDIATION_SWITCH_WORKFLOW_ID, deployment);

/** The durable roll-up of one target (incidents and measured time, for `autoheal report`). */
export const rollupWorkflowId = (targetId: string, deployment: string): string =>
  inDeployment(`autoheal-rollup-${targetId}`, deployment);

/** The demo mail catcher (mailboxWorkflow): emails captured when no SMTP is configured. */
export const MAILBOX_WORKFLOW_ID = 'autoheal-mailbox';
export const mailboxWorkflowId = (deployment: string): string => inDeployment(MAILBOX_WORKFLOW_ID, deployment);

/** One test alert sent by the worker (testAlertWorkflow), named by its request time. */
export const testAlertWorkflowId = (at: Date, deployment: string): string =>
  inDeployment(`autoheal-test-alert-${at.toISOString()}`, deployment);

/** The in-app notification feed (NotificationFeedWorkflow), one per deployment. */
export const NOTIFICATION_FEED_WORKFLOW_ID = 'autoheal-notifications';
export const notificationFeedWorkflowId = (deployment: string): string => inDeployment(NOTIFICATION_FEED_WORKFLOW_ID, deployment);

/** Target of a monitor run or an incident: filter with AutohealTarget = "mt5-bridge". */
export const AutohealTarget = defineSearchAttributeKey('AutohealTarget', 'KEYWORD');
/** Incident status: HEALING, ESCALATED, RECOVERED, RESOLVED. */
export const AutohealStatus = defineSearchAttributeKey('AutohealStatus', 'KEYWORD');
/** Severity of the finding: HEALTHY, WARNING, CRITICAL. */
export const AutohealSeverity = defineSearchAttributeKey('AutohealSeverity', 'KEYWORD');

export const SEARCH_ATTRIBUTE_KEYS = [AutohealTarget, AutohealStatus, AutohealSeverity];

/**
 * Patch ids of workflow code changes (`patched(id)`): histories recorded before a change replay
 * the old way. Remove one (after `deprecatePatch`) only once no such history can be running.
 */
/**
 * Workflow code names what it starts and signals (the healer, the warning watch) in its own
 * deployment (src/workflows/deployment-scope.ts). Only runs on a task queue other than the
 * default one take the patch: the default deployment's histories replay unchanged.
 */
export const DEPLOYMENT_SCOPE_PATCH = 'deployment-scope';

/** A dry-run attempt that did not verify is not a failed restart: not recorded in the attempt ledger. */
export const DRY_RUN_NOT_COUNTED_PATCH = 'dry-run-not-counted';

/** Closing incidents (and parked ones continuing as new) hand their alerts to AlertDeliveryWorkflow. */
export const ALERT_HAND_OVER_PATCH = 'alert-hand-over';

/**
 * The restart dispatch runs in a cancellation scope: a resolve or RECOVERY_SLA while it waits on
 * retries cancels it; a forceRecovery that joined a dispatch that failed gets its own attempt.
 */
export const CANCELLABLE_DISPATCH_PATCH = 'cancellable-dispatch';

/** A reminder after a late wake-up skips the intervals missed meanwhile (one reminder, not a burst). */
export const REMINDER_CATCH_UP_PATCH = 'reminder-catch-up';

/** Verification probes before judging RECOVERY_SLA or VERIFY_TIMEOUT (a late wake-up finds a recovered bridge). */
export const PROBE_BEFORE_SLA_PATCH = 'probe-before-sla';

/** The same between attempts (backoff, restart spacing, kill-switch hold): healing/between-attempts.ts. */
export const SLA_PROBE_BETWEEN_ATTEMPTS_PATCH = 'sla-probe-between-attempts';

/**
 * Safe dispatch (healing/fresh-look.ts): a restart that follows a wait looks at the target again
 * first (healthy twice VERIFY_INTERVAL apart closes the incident with no restart); a forceRecovery
 * arriving while the restart is being prepared joins it; requests left at the close are answered;
 * `remediation off` stops a dispatch waiting on retries.
 */
export const SAFE_DISPATCH_PATCH = 'safe-dispatch';

/** A monitor paused in the workflow task that confirmed a CRITICAL opens no incident (target-monitor/cycle.ts). */
export const PAUSE_BEFORE_HEALER_PATCH = 'pause-before-healer';

/** The monitor's CONFIRM_DELAY counts from the first probe's start (target-monitor/cycle.ts). */
export const CONFIRM_FROM_PROBE_START_PATCH = 'confirm-from-probe-start';

/** The warning watch adopts the WARNING policy (hold, reminder interval, group wait) each observation carries. */
export const WARNING_POLICY_PATCH = 'warning-policy';

/** The warning watch hands its deliveries in flight to AlertDeliveryWorkflow before continuing as new. */
export const WARNING_HAND_OVER_PATCH = 'warning-hand-over';

/** The warning watch groups the conditions that fall due within WARNING_GROUP_WAIT into one email. */
export const WARNING_GROUP_PATCH = 'warning-group';

/**
 * The safety envelope before each automatic dispatch (healing/safety-envelope.ts): the target's
 * restart budget is read from the ledger, the incident is reported to the fleet breaker, and a
 * closing incident says so to the breaker.
 */
export const SAFETY_ENVELOPE_PATCH = 'safety-envelope';

/**
 * Verification follows the restart's GitHub Actions run (queued, in progress, its conclusion) and
 * VERIFY_TIMEOUT counts from when the restart ran (the run's start, or the webhook's answer).
 */
export const FOLLOW_RESTART_RUN_PATCH = 'follow-restart-run';

/**
 * The roll-up measures time by the monitor's probes (probedSpans signal, from the watch) instead
 * of its own coverage ticks: a worker that runs while its monitor is stuck measures nothing.
 */
export const ROLLUP_PROBED_COVERAGE_PATCH = 'rollup-probed-coverage';

/** The monitor records each maintenance window (pause) in the target's roll-up when it ends. */
export const MAINTENANCE_IN_ROLLUP_PATCH = 'maintenance-in-rollup';

/** A monitor-opened incident is detected at the first CRITICAL sighting, not at the confirming re-probe. */
export const FIRST_SIGHTING_PATCH = 'first-sighting';

export type IncidentStatus = 'HEALING' | 'ESCALATED' | 'RECOVERED' | 'RESOLVED';
