/**
 * The activity a HealingWorkflow calls at close: records the incident's summary in the target's
 * durable roll-up (src/workflows/rollup.ts), starting the roll-up when needed (signal-with-start).
 */
import type { Client } from '@temporalio/client';
import { rollupWorkflowId } from '../shared/names';
import { type IncidentSummary, emptyRollup, incidentClosedSignal, rollupWorkflow } from '../workflows/rollup';

export interface RollupActivities {
  recordIncidentClosed(summary: IncidentSummary): Promise<void>;
}

export function createRollupActivities({ client, taskQueue }: { client: Client; taskQueue: string }): RollupActivities {
  return {
    async recordIncidentClosed(summary) {
      await client.workflow.signalWithStart(rollupWorkflow, {
        workflowId: rollupWorkflowId(summary.targetId, taskQueue),
        taskQueue,
        args: [emptyRollup(summary.targetId)],
        signal: incidentClosedSignal,
        signalArgs: [summary],
      });
    },
  };
}
