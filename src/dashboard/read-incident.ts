/**
 * The incident of one target: the running healingWorkflow `heal-<target>` (its status query),
 * else the last closed one (its result). When the query cannot be answered (no worker polls),
 * the view falls back to the search attributes and says so.
 */
import { describeError } from '../shared/errors';
import { type Client, type WorkflowExecutionDescription, WorkflowNotFoundError } from '@temporalio/client';
import { AutohealStatus, healingWorkflowId, type IncidentStatus } from '../shared/names';
import { type IncidentView, statusQuery } from '../workflows/healing/messages';
import type { IncidentSummary } from './types';
import { withDeadline } from './with-deadline';

/** How many timeline steps the dashboard shows. */
export const LAST_STEPS = 5;
/** A status query waits for a worker; past this the dashboard shows what the search attributes say. */
const QUERY_DEADLINE_MS = 3_000;

const INCIDENT_STATUSES: readonly string[] = ['HEALING', 'ESCALATED', 'RECOVERED', 'RESOLVED'];

function summarize(
  view: IncidentView,
  workflowId: string,
  webUiUrl: string,
  open: boolean,
  closedAt?: string,
): IncidentSummary {
  return {
    incidentId: view.incidentId,
    workflowId,
    status: view.status,
    open,
    openedAt: view.openedAt,
    closedAt: closedAt ?? view.figures?.closedAt,
    issue: view.issue,
    activity: view.activity,
    attempts: view.attempts.length,
    ...(view.attempts.length ? { rungs: view.attempts.map((a) => a.rung ?? 'full-restart') } : {}),
    ...(view.evidence ? { diagnosis: view.evidence.diagnosis } : {}),
    ...restartRunOf(view),
    lastSteps: view.timeline.slice(-LAST_STEPS),
    acknowledged: view.acknowledged,
    webUiUrl,
  };
}

/** The Actions run of the latest attempt that has one. */
function restartRunOf(view: IncidentView): Pick<IncidentSummary, 'restartRun'> {
  const latest = [...view.attempts].reverse().find((a) => a.run);
  return latest?.run ? { restartRun: { attempt: latest.attempt, ...latest.run } } : {};
}

export async function readIncident(
  client: Client,
  taskQueue: string,
  targetId: string,
  webUiUrl: string,
): Promise<IncidentSummary | undefined> {
  const workflowId = healingWorkflowId(targetId, taskQueue);
  const handle = client.workflow.getHandle(workflowId);
  let description: WorkflowExecutionDescription;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
  const state = description.status.name;
  const open = state === 'RUNNING';
  const closedAt = description.closeTime?.toISOString();
  try {
    if (open)
      return summarize(
        await withDeadline(client, 'incident status query', QUERY_DEADLINE_MS, () =>
          handle.query(statusQuery),
        ),
        workflowId,
        webUiUrl,
        true,
      );
    if (state === 'COMPLETED')
      return summarize((await handle.result()) as IncidentView, workflowId, webUiUrl, false, closedAt);
  } catch (err) {
    const reason = describeError(err);
    return fromSearchAttributes(`status query not answered (${reason}): is the worker running?`);
  }
  return fromSearchAttributes(`incident workflow ${state}`);

  function fromSearchAttributes(note: string): IncidentSummary {
    const saStatus = description.typedSearchAttributes.get(AutohealStatus);
    const status = (
      saStatus && INCIDENT_STATUSES.includes(saStatus) ? saStatus : open ? 'HEALING' : 'RESOLVED'
    ) as IncidentStatus;
    return {
      incidentId: `run ${description.runId}`,
      workflowId,
      status,
      open,
      openedAt: description.startTime.toISOString(),
      closedAt,
      attempts: 0,
      lastSteps: [],
      note,
      webUiUrl,
    };
  }
}
