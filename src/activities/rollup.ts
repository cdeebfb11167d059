/**
 * What reaches a target's durable roll-up (src/workflows/rollup.ts) from outside it, each by a
 * signal-with-start (the first one starts the roll-up): a closed incident's summary (the
 * healingWorkflow at close), a maintenance window (the monitor when a pause ends), and the time
 * the probes covered (the monitor's watch activity, through `probedSpansRecorder`); and, read
 * back by query, a settled flapping episode's totals.
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { flapTotals } from '../shared/flapping';
import { rollupWorkflowId } from '../shared/names';
import type { RollupActivities } from '../shared/contracts';
import {
  type ProbedSpans,
  emptyRollup,
  incidentClosedSignal,
  maintenanceSignal,
  probedSpansSignal,
  rollupQuery,
  rollupWorkflow,
} from '../workflows/rollup';

interface RollupDeps {
  client: Client;
  taskQueue: string;
}

function signalRollup<Args extends unknown[]>(
  { client, taskQueue }: RollupDeps,
  targetId: string,
  signal: Parameters<Client['workflow']['signalWithStart']>[1]['signal'],
  signalArgs: Args,
): Promise<unknown> {
  return client.workflow.signalWithStart(rollupWorkflow, {
    workflowId: rollupWorkflowId(targetId, taskQueue),
    taskQueue,
    args: [emptyRollup(targetId)],
    signal,
    signalArgs,
  });
}

/** Records the spans a watch's probes covered (the watch's `recordProbed` dependency). */
export function probedSpansRecorder(deps: RollupDeps): (targetId: string, spans: ProbedSpans) => Promise<void> {
  return async (targetId, spans) => {
    await signalRollup(deps, targetId, probedSpansSignal, [spans]);
  };
}

export function createRollupActivities(deps: RollupDeps): RollupActivities {
  return {
    async recordIncidentClosed(summary) {
      await signalRollup(deps, summary.targetId, incidentClosedSignal, [summary]);
    },
    async recordMaintenance(targetId, span) {
      await signalRollup(deps, targetId, maintenanceSignal, [{ span }]);
    },
    async readFlapTotals(targetId, since) {
      try {
        const rollup = await deps.client.workflow.getHandle(rollupWorkflowId(targetId, deps.taskQueue)).query(rollupQuery);
        return flapTotals(rollup.incidents, since);
      } catch (err) {
        // no roll-up yet: no incident of the target has closed
        if (err instanceof WorkflowNotFoundError) return flapTotals([], since);
        throw err;
      }
    },
  };
}
