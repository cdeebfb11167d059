/**
 * The activity a healingWorkflow uses to read its deployment's remediation kill switch (the long-lived
 * `remediationSwitchWorkflow`, src/workflows/remediation-switch.ts). No switch workflow yet: on.
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { remediationSwitchWorkflowId } from '../shared/names';
import type { FleetReport, FleetSettings } from '../workflows/fleet-breaker';
import {
  type RemediationSwitchState,
  SWITCH_ON,
  fleetReportSignal,
  remediationSwitchQuery,
  remediationSwitchWorkflow,
} from '../workflows/remediation-switch';

export interface RemediationSwitchActivities {
  /** Whether automatic restarts are allowed now, and who turned them off and why. */
  readRemediationSwitch(): Promise<RemediationSwitchState>;
  /**
   * Tells the fleet breaker that an incident opened, probed or closed, with this worker's fleet
   * (its target ids and FLEET_BREAKER). A fleet of fewer than 2 targets has no breaker: nothing is sent.
   */
  reportToFleetBreaker(report: FleetReport): Promise<void>;
}

export interface RemediationSwitchDeps {
  client: Client;
  /** The task queue the switch runs on when a report starts it (the worker's). */
  taskQueue: string;
  /** The worker's fleet; absent: no breaker (tests of one target, older callers). */
  fleet?: FleetSettings;
}

/** The kill switch of the deployment that runs on `taskQueue`. */
export async function readSwitch(client: Client, taskQueue: string): Promise<RemediationSwitchState> {
  try {
    const handle = client.workflow.getHandle(remediationSwitchWorkflowId(taskQueue));
    // A switch terminated by hand holds no state (and a query would wait for a worker to replay it): on.
    if ((await handle.describe()).status.name !== 'RUNNING') return SWITCH_ON;
    return await handle.query(remediationSwitchQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return SWITCH_ON;
    throw err;
  }
}

export function createRemediationSwitchActivities({ client, taskQueue, fleet }: RemediationSwitchDeps): RemediationSwitchActivities {
  return {
    readRemediationSwitch: () => readSwitch(client, taskQueue),
    async reportToFleetBreaker(report) {
      // FLEET_BREAKER=off still reports: the breaker then clears a trip from before
      if (!fleet || fleet.targetIds.length < 2) return;
      await client.workflow.signalWithStart(remediationSwitchWorkflow, {
        workflowId: remediationSwitchWorkflowId(taskQueue),
        taskQueue,
        args: [SWITCH_ON],
        signal: fleetReportSignal,
        signalArgs: [{ ...report, fleet }],
      });
    },
  };
}
