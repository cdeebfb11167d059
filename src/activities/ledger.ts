/**
 * Activities that let a healingWorkflow read and write its target's attempt ledger (the
 * long-lived `attemptLedgerWorkflow`, see src/workflows/attempt-ledger.ts): a query to read,
 * a signal-with-start to record (the first record starts the ledger).
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type {
  FleetSettings,
  LedgerActivities,
  RemediationSwitchActivities,
  RollupActivities,
} from '../shared/contracts';
import {
  EMPTY_LEDGER,
  attemptLedgerWorkflow,
  ledgerStateQuery,
  recordLedgerEntrySignal,
} from '../workflows/attempt-ledger';
import { attemptLedgerWorkflowId } from '../shared/names';
import { createRollupActivities } from './rollup';
import { createRemediationSwitchActivities } from './remediation-switch';

export interface LedgerActivityDeps {
  client: Client;
  /** The task queue the ledger workflows run on (the worker's): also the deployment their ids are named in. */
  taskQueue: string;
  /** The worker's fleet, for the fleet breaker (absent: no breaker). */
  fleet?: FleetSettings;
}

/**
 * The ledger activities, with the other durable state a healingWorkflow reads and writes outside
 * itself: the remediation kill switch and the target's roll-up (for `autoheal report`).
 */
export function createLedgerActivities({ client, taskQueue, fleet }: LedgerActivityDeps): LedgerActivities & RemediationSwitchActivities & RollupActivities {
  return {
    ...createRemediationSwitchActivities({ client, taskQueue, fleet }),
    ...createRollupActivities({ client, taskQueue }),
    async readAttemptLedger(targetId) {
      try {
        return await client.workflow.getHandle(attemptLedgerWorkflowId(targetId, taskQueue)).query(ledgerStateQuery);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return EMPTY_LEDGER;
        throw err;
      }
    },
    async recordLedgerEntry(targetId, entry) {
      await client.workflow.signalWithStart(attemptLedgerWorkflow, {
        workflowId: attemptLedgerWorkflowId(targetId, taskQueue),
        taskQueue,
        args: [{ ...EMPTY_LEDGER, windowMs: entry.windowMs }],
        signal: recordLedgerEntrySignal,
        signalArgs: [entry],
      });
    },
  };
}
