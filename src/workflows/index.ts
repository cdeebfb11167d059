/**
 * What the worker registers: every workflow type, and their message definitions. Nothing else
 * belongs here (each exported function becomes a workflow type). Workflow code: deterministic,
 * activities as types only.
 */
export { monitorWorkflow } from './monitor';
export { healingWorkflow } from './healing';
export { acknowledgeUpdate, forceRecoveryUpdate, resolveUpdate, statusQuery } from './healing/messages';
export { WarningWatchWorkflow, trackedWarningsQuery, warningsObservedSignal } from './warnings';
export {
  NotificationFeedWorkflow,
  markReadSignal,
  notificationAddedSignal,
  notificationsQuery,
  unreadCountQuery,
} from './notifications';
export { attemptLedgerWorkflow, ledgerStateQuery, recordLedgerEntrySignal } from './attempt-ledger';
export { maintenanceWindowWorkflow } from './maintenance';
export { remediationSwitchWorkflow, remediationSwitchQuery, setRemediationSignal } from './remediation-switch';
export { rollupWorkflow, rollupQuery, incidentClosedSignal, coverageSignal } from './rollup';
export { mailboxWorkflow, mailboxQuery, emailCaughtSignal } from './mailbox';
export { testAlertWorkflow } from './test-alert';
