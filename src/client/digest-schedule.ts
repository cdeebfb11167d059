/**
 * The digest workflow of a deployment (src/workflows/digest.ts), brought in line with
 * DIGEST_SCHEDULE and DIGEST_TIMEZONE at worker start: started (or told the settings, when it
 * runs) by signal-with-start; with both digests off, a running one is told so and ends, and
 * none is started.
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { DigestSettings } from '../shared/digest-schedule';
import { digestWorkflowId } from '../shared/names';
import { queryRunning } from '../shared/query-running';
import { configureDigestSignal, type DigestScheduleState, digestScheduleQuery, digestWorkflow } from '../workflows/digest';

export async function ensureDigestSchedule(client: Client, taskQueue: string, settings: DigestSettings): Promise<void> {
  const workflowId = digestWorkflowId(taskQueue);
  if (!settings.weekly && !settings.monthly) {
    try {
      await client.workflow.getHandle(workflowId).signal(configureDigestSignal, settings);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    return;
  }
  await client.workflow.signalWithStart(digestWorkflow, {
    workflowId,
    taskQueue,
    args: [{ settings }],
    signal: configureDigestSignal,
    signalArgs: [settings],
  });
}

/** When the next digest goes out (undefined: the digest workflow does not run). */
export function readDigestSchedule(client: Client, taskQueue: string): Promise<DigestScheduleState | undefined> {
  return queryRunning(client, digestWorkflowId(taskQueue), digestScheduleQuery);
}
