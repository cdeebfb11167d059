/**
 * The durable roll-up of one target (id `autoheal-rollup-<target>`): the facts `autoheal report`
 * needs after Temporal's retention has dropped the incidents themselves (the dev server keeps
 * closed workflows 24 h). It keeps, for about 400 days:
 *
 * - every closed incident of the target, summarised (times, attempts, outcome, who acted), sent
 *   by the HealingWorkflow at close through an activity doing signal-with-start;
 * - the spans of time that were measured. While coverage is on (the worker turns it on at start
 *   for every configured target), the workflow ticks on a durable timer every `tickMs`. A tick
 *   runs only when a worker runs: two ticks at most 1.5 × tickMs apart extend the measured span;
 *   a longer gap (the worker, and so the monitor, was down) is left out: unknown, never up.
 *
 * Daily figures (uptime, downtime, unknown per UTC day) are derived from these facts by the
 * client (src/shared/report-math.ts), so a change of the formulas needs no migration. The state
 * stays small (merged spans, one line per incident) and the workflow continues as new when its
 * history grows.
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
}

export interface RollupState {
  targetId: string;
  /** Measured spans [start, end] (ISO), merged, oldest first. */
  measured: Array<[string, string]>;
  incidents: IncidentSummary[];
  /** Coverage tick, ms; undefined: coverage not measured (yet). */
  tickMs?: number;
  /** ISO time of the last tick. */
  lastTickAt?: string;
}

export const incidentClosedSignal = defineSignal<[IncidentSummary]>('incidentClosed');
export const coverageSignal = defineSignal<[{ tickMs: number }]>('coverage');
export const rollupQuery = defineQuery<RollupState>('rollup');

/** How long the roll-up keeps facts. */
export const ROLLUP_KEEP_MS = 400 * 86_400_000;
const HISTORY_LIMIT = 2_000;

export const emptyRollup = (targetId: string): RollupState => ({ targetId, measured: [], incidents: [] });

export async function rollupWorkflow(initial: RollupState): Promise<never> {
  const state: RollupState = { ...initial, measured: [...initial.measured], incidents: [...initial.incidents] };
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
  };
  const tooLong = (): boolean => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_LIMIT;

  for (;;) {
    if (state.tickMs) {
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
