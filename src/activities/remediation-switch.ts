/**
 * The activity a healingWorkflow uses to read its deployment's remediation kill switch (the long-lived
 * `remediationSwitchWorkflow`, src/workflows/remediation-switch.ts). No switch workflow yet: on.
 */
import type { Client } from '@temporalio/client';
import type { FleetSettings, RemediationSwitchActivities } from '../shared/contracts';
import { remediationSwitchWorkflowId } from '../shared/names';
import { SWITCH_ON, readRemediationSwitch } from '../shared/remediation-switch';
import { fleetReportSignal, remediationSwitchWorkflow } from '../workflows/remediation-switch';

export interface RemediationSwitchDeps {
  client: Client;
  /** The task queue the switch runs on when a report starts it (the worker's). */
  taskQueue: string;
  /** The worker's fleet; absent: no breaker (tests of one target, older callers). */
  fleet?: FleetSettings;
}

export function createRemediationSwitchActivities({ client, taskQueue, fleet }: RemediationSwitchDeps): RemediationSwitchActivities {
  return {
    readRemediationSwitch: () => readRemediationSwitch(client, taskQueue),
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
