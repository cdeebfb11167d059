/**
 * Billable Temporal Cloud actions counted from workflow histories, by the Cloud's published
 * rules (docs.temporal.io/cloud/actions): a workflow started (child and continue-as-new runs
 * included), every activity
 * attempt, every heartbeat that reaches the server (not in history: counted from the server's
 * metrics by the caller), a timer, a signal, an accepted update, a search-attribute or memo
 * upsert, a recorded marker other than a patch marker. A child start that fails because the
 * child runs already is counted too (an upper bound). Queries are billed but depend on who
 * reads (the dashboard reads through describe, which is free): not counted.
 */
import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;

export interface ActionCount {
  total: number;
  byKind: Record<string, number>;
  events: number;
}

export function billableActions(history: History): ActionCount {
  const byKind: Record<string, number> = {};
  const add = (kind: string, n = 1) => (byKind[kind] = (byKind[kind] ?? 0) + n);
  const events = history.events ?? [];
  for (const e of events) {
    if (e.workflowExecutionStartedEventAttributes) add('workflow started');
    else if (e.activityTaskScheduledEventAttributes) add('activity attempt');
    else if (e.activityTaskStartedEventAttributes && Number(e.activityTaskStartedEventAttributes.attempt ?? 1) > 1)
      add('activity attempt', Number(e.activityTaskStartedEventAttributes.attempt) - 1);
    else if (e.timerStartedEventAttributes) add('timer');
    else if (e.workflowExecutionSignaledEventAttributes) add('signal');
    else if (e.workflowExecutionUpdateAcceptedEventAttributes) add('update');
    else if (e.upsertWorkflowSearchAttributesEventAttributes) add('search attributes');
    else if (e.workflowPropertiesModifiedEventAttributes) add('memo');
    else if (e.startChildWorkflowExecutionFailedEventAttributes) add('child start refused (already running)');
    else if (e.markerRecordedEventAttributes && e.markerRecordedEventAttributes.markerName !== 'core_patch') add('marker');
  }
  const total = Object.values(byKind).reduce((a, b) => a + b, 0);
  return { total, byKind, events: events.length };
}

export function addCounts(a: ActionCount, b: ActionCount): ActionCount {
  const byKind = { ...a.byKind };
  for (const [k, v] of Object.entries(b.byKind)) byKind[k] = (byKind[k] ?? 0) + v;
  return { total: a.total + b.total, byKind, events: a.events + b.events };
}
