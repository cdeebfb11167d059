/**
 * The activity a HealingWorkflow uses to read its deployment's remediation kill switch (the long-lived
 * `remediationSwitchWorkflow`, src/workflows/remediation-switch.ts). No switch workflow yet: on.
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { remediationSwitchWorkflowId } from '../shared/names';
import { type RemediationSwitchState, SWITCH_ON, remediationSwitchQuery } from '../workflows/remediation-switch';

export interface RemediationSwitchActivities {
  /** Whether automatic restarts are allowed now, and who turned them off and why. */
  readRemediationSwitch(): Promise<RemediationSwitchState>;
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

export function createRemediationSwitchActivities({ client, taskQueue }: { client: Client; taskQueue: string }): RemediationSwitchActivities {
  return { readRemediationSwitch: () => readSwitch(client, taskQueue) };
}
