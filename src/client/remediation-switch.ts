/**
 * The remediation kill switch, for the CLI and the dashboard: `off` and `on` signal the
 * long-lived switch workflow (starting it when needed), `state` reads it (no workflow: on).
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { remediationSwitchWorkflowId } from '../shared/names';
import {
  type RemediationSwitchState,
  SWITCH_ON,
  remediationSwitchQuery,
  remediationSwitchWorkflow,
  setRemediationSignal,
} from '../workflows/remediation-switch';

export interface SwitchRequest {
  by: string;
  reason: string;
}

/** The kill switch of the deployment that runs on `taskQueue` (each deployment has its own). */
export async function readRemediationSwitch(client: Client, taskQueue: string): Promise<RemediationSwitchState> {
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

export async function setRemediation(
  client: Client,
  taskQueue: string,
  enabled: boolean,
  { by, reason }: SwitchRequest,
): Promise<RemediationSwitchState> {
  if (!by?.trim()) throw new Error('--by is required: who turns remediation ' + (enabled ? 'on' : 'off'));
  if (!enabled && !reason?.trim()) throw new Error('--reason is required: why automatic restarts stop');
  await client.workflow.signalWithStart(remediationSwitchWorkflow, {
    workflowId: remediationSwitchWorkflowId(taskQueue),
    taskQueue,
    args: [SWITCH_ON],
    signal: setRemediationSignal,
    signalArgs: [{ enabled, by: by.trim(), reason: reason?.trim() ?? '', at: new Date().toISOString() }],
  });
  return readRemediationSwitch(client, taskQueue);
}
