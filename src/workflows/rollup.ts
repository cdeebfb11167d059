/**
 * The durable roll-up of one target (id `autoheal-rollup-<target>`): the facts `autoheal report`
 * needs after Temporal's retention has dropped the incidents themselves (the dev server keeps
 * closed workflows 24 h). It keeps, for about 400 days:
 *
 * - every closed incident of the target, summarised (times, attempts, outcome, who acted), sent
 *   by the HealingWorkflow at close through an activity doing signal-with-start;
 * - the spans of time its probes covered (`probedSpans`, sent by the monitor's watch activity
 *   every few minutes and when it ends): spans at most two check intervals apart are joined, a
 *   wider gap (worker down, monitor stuck or terminated) stays out: unknown, never up;
 * - the maintenance windows (`maintenance`, sent by the monitor when a pause ends).
 *
 * Roll-ups from before the probed spans measured time on their own coverage tick (a worker
 * running, whatever its monitor did); they keep the spans measured so, and stop ticking at their
 * next workflow task (ROLLUP_PROBED_COVERAGE_PATCH). State from before maintenance was recorded
 * has no `maintenance`: read as none.
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
  patched,
  workflowInfo,
} from '@temporalio/workflow';
import { ROLLUP_PROBED_COVERAGE_PATCH } from '../shared/names';
import { mergeIsoSpans } from '../shared/report-math';
import type { RungAttempt } from '../shared/rung-stats';

export interface IncidentSummary {
  incidentId: string;
  targetId: string;
  outcome: 'RECOVERED' | 'RESOLVED';
  detectedAt: string;
  openedAt: string;
  /** CRITICAL email accepted by the SMTP server. */
  alertedAt?: string;
  /** First restart dispatch. */
  dispatchedAt?: string;
  closedAt: string;
  acknowledged?: { by: string; at: string };
  resolvedBy?: string;
  attempts: number;
  /** Operators who forced an attempt. */
  forcedBy: string[];
  escalation?: { at: string; reason: string };
  /** Closed RECOVERED without a human: no force, no acknowledgement, no resolution, no escalation. */
  autoHealed: boolean;
  method?: string;
  /** Each rung tried, healed or not, and its time to recovery (absent in incidents from before the ladder). */
  rungAttempts?: RungAttempt[];
}

export interface RollupState {
  targetId: string;
  /** Measured (probed) spans [start, end] (ISO), merged, oldest first. */
  measured: Array<[string, string]>;
  incidents: IncidentSummary[];
  /** Maintenance windows [start, end] (ISO), merged; absent in state from before they were recorded. */
  maintenance?: Array<[string, string]>;
  /** Two check intervals of the target's monitor, as the last probed spans said. */
  maxGapMs?: number;
  /** Coverage tick of roll-ups from before the probed spans, ms (set by worker starts; no longer ticks). */
  tickMs?: number;
  /** ISO time of the last coverage tick (roll-ups from before the probed spans). */
  lastTickAt?: string;
}

/** Spans the watch's probes covered, and the widest gap between two probes that still joins them. */
export interface ProbedSpans {
  spans: Array<[string, string]>;
  maxGapMs: number;
}

export const incidentClosedSignal = defineSignal<[IncidentSummary]>('incidentClosed');
export const coverageSignal = defineSignal<[{ tickMs: number }]>('coverage');
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
  const iso = (ms: number): string => new Date(ms).toISOString();

  setHandler(incidentClosedSignal, (summary) => {
    if (state.incidents.some((i) => i.incidentId === summary.incidentId)) return;
    state.incidents.push(summary);
    state.incidents.sort((a, b) => a.detectedAt.localeCompare(b.detectedAt));
  });
  setHandler(coverageSignal, ({ tickMs }) => {
    if (!(tickMs > 0)) return;
    state.tickMs = tickMs;
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

  const tick = (): void => {
    const now = Date.now();
    const last = state.lastTickAt ? Date.parse(state.lastTickAt) : undefined;
    if (last !== undefined && state.tickMs && now - last <= 1.5 * state.tickMs) {
      const span = state.measured[state.measured.length - 1];
      if (span && Date.parse(span[1]) >= last) span[1] = iso(now);
      else state.measured.push([iso(last), iso(now)]);
    }
    state.lastTickAt = iso(now);
  };
  const trim = (): void => {
    const since = Date.now() - ROLLUP_KEEP_MS;
    state.measured = state.measured.filter(([, end]) => Date.parse(end) >= since);
    state.incidents = state.incidents.filter((i) => Date.parse(i.closedAt) >= since);
    if (state.maintenance) state.maintenance = state.maintenance.filter(([, end]) => Date.parse(end) >= since);
  };
  const tooLong = (): boolean => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_LIMIT;

  for (;;) {
    if (patched(ROLLUP_PROBED_COVERAGE_PATCH)) {
      // Time is measured by the probes: nothing to tick; wait for signals and a long history.
      await condition(tooLong);
    } else if (state.tickMs) {
      if (!state.lastTickAt) tick();
      const woke = await condition(tooLong, state.tickMs);
      if (!woke) tick();
    } else {
      await condition(() => !!state.tickMs || tooLong());
    }
    if (tooLong()) {
      await condition(allHandlersFinished);
      trim();
      return continueAsNew<typeof rollupWorkflow>(state);
    }
  }
}
