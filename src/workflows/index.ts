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
export { healingWorkflow } from './healing';
export { acknowledgeUpdate, forceRecoveryUpdate, resolveUpdate, statusQuery } from './healing/messages';
export { attemptLedgerWorkflow, ledgerStateQuery, recordLedgerEntrySignal } from './attempt-ledger';
export { remediationSwitchWorkflow, setRemediationSignal } from './remediation-switch';
export { rollupWorkflow, rollupQuery, incidentClosedSignal } from './rollup';
/** How an alert travels (warning watch, outbox, durable delivery, feed, mail catcher): alerting/index.ts. */
export {
  alertDeliveryWorkflow,
  alertsHandedOverSignal,
  pendingAlertsQuery,
  warningWatchWorkflow,
  trackedWarningsQuery,
  warningsObservedSignal,
  notificationFeedWorkflow,
  markReadSignal,
  notificationAddedSignal,
  notificationsQuery,
  unreadCountQuery,
  mailboxWorkflow,
  mailboxQuery,
  emailCaughtSignal,
  testAlertWorkflow,
} from './alerting';
export { digestWorkflow, configureDigestSignal, digestScheduleQuery } from './digest';
export { remediationSwitchQuery } from '../shared/remediation-switch';
