/**
 * What the worker registers: every workflow type, and their message definitions. Nothing else
 * belongs here (each exported function becomes a workflow type). Workflow code: deterministic,
 * activities as types only.
 */
export { targetMonitorWorkflow } from './target-monitor';
export {
  configureMonitorSignal,
  monitorStateQuery,
  pauseMonitorUpdate,
  resumeMonitorUpdate,
} from './target-monitor/messages';
export { healingWorkflow } from './healing';
export { acknowledgeUpdate, forceRecoveryUpdate, resolveUpdate, statusQuery } from './healing/messages';
export { warningWatchWorkflow, trackedWarningsQuery, warningsObservedSignal } from './warnings';
export {
  notificationFeedWorkflow,
  markReadSignal,
  notificationAddedSignal,
  notificationsQuery,
  unreadCountQuery,
} from './notifications';
export { attemptLedgerWorkflow, ledgerStateQuery, recordLedgerEntrySignal } from './attempt-ledger';
export { alertDeliveryWorkflow, alertsHandedOverSignal, pendingAlertsQuery } from './alert-delivery';
export { remediationSwitchWorkflow, remediationSwitchQuery, setRemediationSignal } from './remediation-switch';
export { rollupWorkflow, rollupQuery, incidentClosedSignal } from './rollup';
export { mailboxWorkflow, mailboxQuery, emailCaughtSignal } from './mailbox';
export { testAlertWorkflow } from './test-alert';
