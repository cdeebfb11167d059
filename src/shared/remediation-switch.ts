/**
 * The remediation kill switch as everything outside its workflow reads it: the state query, the
 * state of a deployment that never had a switch (on), and the one read, used by the activity a
 * HealingWorkflow calls before each automatic dispatch and by the CLI and the dashboard. The
 * switch workflow itself: src/workflows/remediation-switch.ts.
 */
import { defineQuery } from '@temporalio/workflow';
import type { RemediationSwitchState } from './contracts';
import { remediationSwitchWorkflowId } from './names';
import { type WorkflowReader, queryRunning } from './query-running';

export const SWITCH_ON: RemediationSwitchState = { enabled: true, history: [] };

export const remediationSwitchQuery = defineQuery<RemediationSwitchState>('remediationSwitch');

/** The kill switch of the deployment that runs on `taskQueue` (each deployment has its own); none running: on. */
export async function readRemediationSwitch(client: WorkflowReader, taskQueue: string): Promise<RemediationSwitchState> {
  return (await queryRunning(client, remediationSwitchWorkflowId(taskQueue), remediationSwitchQuery)) ?? SWITCH_ON;
}
