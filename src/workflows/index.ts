/**
 * What the worker registers: every workflow type, and their message definitions. Nothing else
 * belongs here (each exported function becomes a workflow type). Workflow code: deterministic,
 * calling activities through the contracts of src/shared/contracts/.
 */
export { targetMonitorWorkflow } from './target-monitor';
export {
  configureMonitorSignal,
  monitorStateQuery,
  pauseMonitorUpdate,
  resumeMonitorUpdate,
} from './target-monitor/messages';
/** Legacy per-run monitor (one run per schedule firing): registered for one release, see monitor.ts. */
export { monitorWorkflow } from './monitor';
export { healingWorkflow } from './healing';
export { acknowledgeUpdate, forceRecoveryUpdate, resolveUpdate, statusQuery } from './healing/messages';
export { attemptLedgerWorkflow, ledgerStateQuery, recordLedgerEntrySignal } from './attempt-ledger';
/** Legacy: ended a pause of the monitor schedule; pauses now live in targetMonitorWorkflow. Registered for one release. */
export { maintenanceWindowWorkflow } from './maintenance';
export { remediationSwitchWorkflow, setRemediationSignal } from './remediation-switch';
export { rollupWorkflow, rollupQuery, incidentClosedSignal, coverageSignal } from './rollup';
/** How an alert travels (warning watch, outbox, durable delivery, feed, mail catcher): alerting/index.ts. */
export {
  AlertDeliveryWorkflow,
  alertsHandedOverSignal,
  pendingAlertsQuery,
  WarningWatchWorkflow,
  trackedWarningsQuery,
  warningsObservedSignal,
  NotificationFeedWorkflow,
  markReadSignal,
  notificationAddedSignal,
  notificationsQuery,
  unreadCountQuery,
  mailboxWorkflow,
  mailboxQuery,
  emailCaughtSignal,
  testAlertWorkflow,
} from './alerting';
export { remediationSwitchQuery } from '../shared/remediation-switch';
