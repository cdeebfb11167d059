/**
 * Log lines whose exact wording is a contract (the runbook's "Log Entry"): operators grep for them.
 * Workflow-safe: plain constants.
 */

/** Logged when the terminal check fails and a restart is being initiated. */
export const TERMINAL_NOT_CONNECTED_LOG = 'CRITICAL: MT5 Terminal NOT CONNECTED to broker - initiating auto-restart';
