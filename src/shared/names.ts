/**
 * Every name fidus-autoheal gives things in Temporal, in one place: the default task queue,
 * workflow ids and the custom search attributes. Workflow-safe (no Node built-ins). Workflow
 * types are the workflow functions' own names, camelCase (src/workflows/index.ts); workflows are
 * started by function reference, never by a string.
 *
 * Workflow ids: one function each below, and one rule for all of them:
 *
 *   <name>[@<deployment>]
 *
 * `<name>` is `autoheal-<kind>-<target>` for what lives per target (monitor, warnings, ledger,
 * alerts, rollup), `autoheal-<kind>` for what lives once per deployment (notifications,
 * remediation-switch, mailbox), and `heal-<target>` for the incident: the one id people read
 * and type every day (alert emails, GitHub run titles, `autoheal incident`), kept short on
 * purpose, and the one-healer-per-target guard (a second start under it is refused).
 *
 * A deployment (production and staging, say, sharing one namespace, each with the default
 * target id `mt5-bridge`) is named by its task queue (TEMPORAL_TASK_QUEUE): every worker,
 * client and workflow of a deployment knows it (workflow code from `workflowInfo().taskQueue`,
 * which is deterministic), and two deployments that share a task queue share their workers
 * anyway, so they could not be kept apart by any other name. The default deployment (task queue
 * `autoheal`, what most installations run) names the bare `<name>`, so that the ids operators
 * see in the Web UI, emails and the CLI stay short (`heal-mt5-bridge`); every other deployment's
 * ids end in `@<task queue>` (`heal-mt5-bridge@staging`). Target ids are lowercase letters,
 * digits and dashes, so the `@` cannot be part of one. docs/VERSIONING.md: ids are durable.
 */
import { defineSearchAttributeKey } from '@temporalio/common';

export const DEFAULT_TASK_QUEUE = 'autoheal';

/** `id` in a deployment (its task queue): bare in the default deployment, `<id>@<deployment>` in any other. */
export function inDeployment(id: string, deployment: string): string {
  return deployment === DEFAULT_TASK_QUEUE ? id : `${id}@${deployment}`;
}

/**
 * The long-lived monitor of one target (targetMonitorWorkflow): one execution per target that
 * probes every CHECK_INTERVAL inside one looping activity, continued as new when its history
 * grows.
 */
export const monitorWorkflowId = (targetId: string, deployment: string): string =>
  inDeployment(`autoheal-monitor-${targetId}`, deployment);

/** The target a monitor's workflow id names, in whichever deployment. */
export const targetOfMonitorId = (workflowId: string): string =>
  workflowId.replace(/^autoheal-monitor-/, '').split('@')[0] ?? workflowId;

/** The one healingWorkflow of a target: one healer per target, one run per incident. */
export const healingWorkflowId = (targetId: string, deployment: string): string =>
  inDeployment(`heal-${targetId}`, deployment);

/** The WARNING deduplication of one target (warningWatchWorkflow). */
export const warningWatchWorkflowId = (targetId: string, deployment: string): string =>
  inDeployment(`autoheal-warnings-${targetId}`, deployment);

/** The failed attempts and last dispatch of one target, across incidents (attemptLedgerWorkflow). */
export const attemptLedgerWorkflowId = (targetId: string, deployment: string): string =>
  inDeployment(`autoheal-ledger-${targetId}`, deployment);

/**
 * The alert deliveries of one target that outlive the workflow that raised them
 * (alertDeliveryWorkflow): the last emails of a closed incident, WARNING emails. Started by
 * signal-with-start; it completes when nothing is left to deliver.
 */
export const alertDeliveryWorkflowId = (targetId: string, deployment: string): string =>
  inDeployment(`autoheal-alerts-${targetId}`, deployment);

/** The remediation kill switch (remediationSwitchWorkflow), one per deployment. */
export const remediationSwitchWorkflowId = (deployment: string): string => inDeployment('autoheal-remediation-switch', deployment);

/** The durable roll-up of one target (incidents and measured time, for `autoheal report`). */
export const rollupWorkflowId = (targetId: string, deployment: string): string =>
  inDeployment(`autoheal-rollup-${targetId}`, deployment);

/** The demo mail catcher (mailboxWorkflow): emails captured when no SMTP is configured. */
export const mailboxWorkflowId = (deployment: string): string => inDeployment('autoheal-mailbox', deployment);

/** One test alert sent by the worker (testAlertWorkflow), named by its request time. */
export const testAlertWorkflowId = (at: Date, deployment: string): string =>
  inDeployment(`autoheal-test-alert-${at.toISOString()}`, deployment);

/** The weekly and monthly digest emails' schedule (digestWorkflow), one per deployment. */
export const digestWorkflowId = (deployment: string): string => inDeployment('autoheal-digest', deployment);

/** The in-app notification feed (notificationFeedWorkflow), one per deployment. */
export const notificationFeedWorkflowId = (deployment: string): string => inDeployment('autoheal-notifications', deployment);

/** Target of a monitor run or an incident: filter with AutohealTarget = "mt5-bridge". */
export const AutohealTarget = defineSearchAttributeKey('AutohealTarget', 'KEYWORD');
/** Incident status: HEALING, ESCALATED, RECOVERED, RESOLVED. */
export const AutohealStatus = defineSearchAttributeKey('AutohealStatus', 'KEYWORD');
/** Severity of the finding: HEALTHY, WARNING, CRITICAL. */
export const AutohealSeverity = defineSearchAttributeKey('AutohealSeverity', 'KEYWORD');

export const SEARCH_ATTRIBUTE_KEYS = [AutohealTarget, AutohealStatus, AutohealSeverity];

/**
 * Patch ids of workflow code changes (`patched(id)`), one constant each, none at 1.0. The rhythm
 * (patched, then deprecatePatch, then removed) is in docs/VERSIONING.md.
 */

export type IncidentStatus = 'HEALING' | 'ESCALATED' | 'RECOVERED' | 'RESOLVED';

/**
 * Patch ids (docs/VERSIONING.md): `patched(<NAME>_PATCH)` guards a change of the commands a
 * history in flight produces.
 *
 * FLAP_DETECTION_PATCH, release 1.x: a monitor that sees FLAP_THRESHOLD incidents within
 * FLAP_WINDOW hands a FLAPPING notice (and later its all-clear) to the alert delivery.
 */
export const FLAP_DETECTION_PATCH = 'flap-detection';
