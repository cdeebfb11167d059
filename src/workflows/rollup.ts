/**
 * The durable roll-up of one target (id `autoheal-rollup-<target>`): the facts `autoheal report`
 * needs after Temporal's retention has dropped the incidents themselves (the dev server keeps
 * closed workflows 24 h). It keeps, for about 400 days:
 *
 * - every closed incident of the target, summarised (times, attempts, outcome, who acted), sent
 *   by the healingWorkflow at close through an activity doing signal-with-start;
 * - the spans of time its probes covered (`probedSpans`, sent by the monitor's watch activity
 *   every few minutes and when it ends): spans at most two check intervals apart are joined, a
 *   wider gap (worker down, monitor stuck or terminated) stays out: unknown, never up;
 * - the maintenance windows (`maintenance`, sent by the monitor when a pause ends).
 *
 * A roll-up with no maintenance window yet has no `maintenance`: read as none.
 *
 * Daily figures (four states of time per UTC day) are derived from these facts by the client
 * (src/shared/report-math.ts), so a change of the formulas needs no migration. The state stays
 * small (merged spans, one line per incident) and the workflow continues as new when its history
 * grows.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { IncidentSummary } from '../shared/contracts';
import { runAgeLeftMs } from './run-age';
import { mergeIsoSpans } from '../shared/report-math';

export interface RollupState {
  targetId: string;
  /** Measured (probed) spans [start, end] (ISO), merged, oldest first. */
  measured: Array<[string, string]>;
  incidents: IncidentSummary[];
  /** Maintenance windows [start, end] (ISO), merged; absent until the first one. */
  maintenance?: Array<[string, string]>;
  /** Two check intervals of the target's monitor, as the last probed spans said. */
  maxGapMs?: number;
}

/** Spans the watch's probes covered, and the widest gap between two probes that still joins them. */
export interface ProbedSpans {
  spans: Array<[string, string]>;
  maxGapMs: number;
}

export const incidentClosedSignal = defineSignal<[IncidentSummary]>('incidentClosed');
export const probedSpansSignal = defineSignal<[ProbedSpans]>('probedSpans');
export const maintenanceSignal = defineSignal<[{ span: [string, string] }]>('maintenance');
export const rollupQuery = defineQuery<RollupState>('rollup');

/** How long the roll-up keeps facts. */
export const ROLLUP_KEEP_MS = 400 * 86_400_000;
const HISTORY_LIMIT = 2_000;

export const emptyRollup = (targetId: string): RollupState => ({ targetId, measured: [], incidents: [] });

export async function rollupWorkflow(initial: RollupState): Promise<never> {
  const state: RollupState = {
    ...initial,
    measured: [...(initial.measured ?? [])],
    incidents: [...(initial.incidents ?? [])],
    ...(initial.maintenance ? { maintenance: [...initial.maintenance] } : {}),
  };

  setHandler(incidentClosedSignal, (summary) => {
    if (state.incidents.some((i) => i.incidentId === summary.incidentId)) return;
    state.incidents.push(summary);
    state.incidents.sort((a, b) => a.detectedAt.localeCompare(b.detectedAt));
  });
  setHandler(probedSpansSignal, ({ spans, maxGapMs }) => {
    if (!Array.isArray(spans) || !spans.length) return;
    if (maxGapMs > 0) state.maxGapMs = maxGapMs;
    state.measured = mergeIsoSpans([...state.measured, ...spans], state.maxGapMs ?? 0);
  });
  setHandler(maintenanceSignal, ({ span }) => {
    if (!Array.isArray(span) || !(Date.parse(span[1]) >= Date.parse(span[0]))) return;
    state.maintenance = mergeIsoSpans([...(state.maintenance ?? []), span]);
  });
  setHandler(rollupQuery, () => state);

  const trim = (): void => {
    const since = Date.now() - ROLLUP_KEEP_MS;
    state.measured = state.measured.filter(([, end]) => Date.parse(end) >= since);
    state.incidents = state.incidents.filter((i) => Date.parse(i.closedAt) >= since);
    if (state.maintenance) state.maintenance = state.maintenance.filter(([, end]) => Date.parse(end) >= since);
  };
  const tooLong = (): boolean => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_LIMIT;

  // Time is measured by the monitor's probes: wait for signals until the history is long or old.
  await condition(tooLong, runAgeLeftMs());
  await condition(allHandlersFinished);
  trim();
  return continueAsNew<typeof rollupWorkflow>(state);
}
