/**
 * The attempt ledger of one target: a small long-lived workflow (id `autoheal-ledger-<target>`)
 * that remembers, across incidents, the target's failed remediation attempts within the
 * escalation window and its last dispatch time.
 *
 * Why a workflow: the count of failed attempts "within ESCALATION_WINDOW, across incidents" and
 * the minimum spacing between two restarts outlive any one incident, and must survive restarts
 * of the worker and of the server. A workflow is durable state Temporal already keeps; it needs
 * no extra store, no Schedules and no visibility queries (so it also runs on the time-skipping
 * test server). Healing workflows reach it through two small activities (src/activities/ledger.ts):
 * a signal-with-start to record, a query to read. Workflow code cannot query another workflow,
 * and a signal from workflow code cannot start one, hence the activities.
 *
 * The state stays small (timestamps trimmed to the window) and the workflow continues as new
 * when its history grows.
 *
 * It also keeps the times of the restarts dispatched within the restart budget's window
 * (RESTART_BUDGET, src/workflows/healing/restart-budget.ts): a bounded list, added later, so a
 * state carried by an older run (or a ledger signalled by an older worker) may lack it and is
 * read as "no dispatch known". Handlers change only the state, never the commands: older
 * histories replay unchanged.
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
import type { AttemptLedgerState, LedgerEntry } from '../shared/contracts';
import { runAgeLeftMs } from './run-age';

export const recordLedgerEntrySignal = defineSignal<[LedgerEntry]>('recordLedgerEntry');
export const ledgerStateQuery = defineQuery<AttemptLedgerState>('ledgerState');

export const EMPTY_LEDGER: AttemptLedgerState = { failures: [], windowMs: 86_400_000 };

/** Continue as new well before Temporal's own limits: the state is a few timestamps. */
const HISTORY_LIMIT = 1_000;

/** The budget's window when no entry has named one. */
export const DEFAULT_BUDGET_WINDOW_MS = 86_400_000;
/** The most dispatch times kept, whatever the window: the state must stay small. */
export const MAX_DISPATCHES_KEPT = 100;

export async function attemptLedgerWorkflow(initial: AttemptLedgerState = EMPTY_LEDGER): Promise<never> {
  const state: AttemptLedgerState = {
    ...initial,
    failures: [...initial.failures],
    dispatches: [...(initial.dispatches ?? [])],
  };

  const trim = (): void => {
    const since = Date.now() - state.windowMs;
    state.failures = state.failures.filter((at) => Date.parse(at) >= since);
    const budgetSince = Date.now() - (state.budgetWindowMs ?? DEFAULT_BUDGET_WINDOW_MS);
    state.dispatches = (state.dispatches ?? []).filter((at) => Date.parse(at) >= budgetSince).slice(-MAX_DISPATCHES_KEPT);
  };

  setHandler(recordLedgerEntrySignal, (entry) => {
    state.windowMs = entry.windowMs;
    if (entry.kind === 'failure') {
      state.failures.push(entry.at);
      state.failures.sort();
    } else {
      if (entry.rung === 'reinit') {
        if (!state.lastReinitAt || entry.at > state.lastReinitAt) state.lastReinitAt = entry.at;
      } else if (!state.lastDispatchAt || entry.at > state.lastDispatchAt) state.lastDispatchAt = entry.at;
      if (entry.budgetWindowMs) state.budgetWindowMs = entry.budgetWindowMs;
      // a signal delivered twice (the recording activity retried) is one dispatch: same time
      const known = state.dispatches ?? [];
      if (!entry.simulated && !known.includes(entry.at)) state.dispatches = [...known, entry.at].sort();
    }
    trim();
  });
  setHandler(ledgerStateQuery, () => {
    trim();
    return state;
  });

  await condition(
    () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_LIMIT,
    runAgeLeftMs(),
  );
  await condition(allHandlersFinished);
  trim();
  return continueAsNew<typeof attemptLedgerWorkflow>(state);
}
