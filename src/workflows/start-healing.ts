/**
 * Hands a confirmed CRITICAL to the target's one healingWorkflow (`heal-<target>` in its deployment), started as
 * an abandoned child so that the incident outlives the monitor (or its run). A healer already
 * running means one is in charge: nothing new starts.
 */
import { ParentClosePolicy, log, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { healingWorkflowId } from '../shared/names';
import type { MonitorInput, ProbeReport } from '../shared/types';
import { deploymentOfRun } from './deployment-scope';
import { healingWorkflow } from './healing';

/**
 * Starts the target's healingWorkflow; false when one is already running (one healer per target).
 * `report` is the confirmed CRITICAL; the trigger's time is the first CRITICAL sighting (when
 * given), which the incident takes as its detection: downtime and MTTD count from it.
 */
export async function startHealing(
  input: MonitorInput,
  report: ProbeReport,
  firstSightingAt?: string,
  flappingEpisode?: string,
): Promise<boolean> {
  const workflowId = healingWorkflowId(input.target.id, deploymentOfRun());
  const at = firstSightingAt ? firstSightingAt : report.observation.probedAt;
  try {
    await startChild(healingWorkflow, {
      workflowId,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [
        {
          target: input.target,
          policy: input.policy,
          report,
          trigger: { source: 'monitor', reason: report.summary, at },
          ...(flappingEpisode ? { flapping: { episodeId: flappingEpisode } } : {}),
        },
      ],
    });
    log.warn('Confirmed CRITICAL: incident opened', { target: input.target.id, workflowId, summary: report.summary, ...(flappingEpisode ? { flappingEpisode } : {}) });
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      log.info('Confirmed CRITICAL: an incident is already open for this target', { target: input.target.id, workflowId });
      return false;
    }
    throw err;
  }
}
