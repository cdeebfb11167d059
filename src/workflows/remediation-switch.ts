/**
 * The remediation kill switch: a small long-lived workflow (id `autoheal-remediation-switch`,
 * src/shared/names.ts) that says whether automatic restarts are allowed, and if not, who turned
 * them off and why. `autoheal remediation off --reason --by` / `on` signal it (signal-with-start:
 * the first `off` starts it; no workflow means remediation is on).
 *
 * Why a workflow: the switch must outlive worker and server restarts and be honoured by incidents
 * already open. Each HealingWorkflow reads it through an activity before every automatic dispatch
 * (src/workflows/healing/attempt.ts); probes, incidents, alerts and verification go on while it is
 * off. An operator's forceRecovery is a human decision and is not withheld.
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

export interface SwitchChange {
  enabled: boolean;
  by: string;
  reason: string;
  /** ISO time of the change. */
  at: string;
}

export interface RemediationSwitchState {
  /** true: automatic restarts allowed. */
  enabled: boolean;
  /** The change that set the current state (absent: never changed, on). */
  last?: SwitchChange;
  /** The latest changes, newest last (at most 50). */
  history: SwitchChange[];
}

export const SWITCH_ON: RemediationSwitchState = { enabled: true, history: [] };

export const setRemediationSignal = defineSignal<[SwitchChange]>('setRemediation');
export const remediationSwitchQuery = defineQuery<RemediationSwitchState>('remediationSwitch');

/** The words incidents use when a restart is withheld. */
export function withheldText(state: RemediationSwitchState): string {
  return `restart withheld: remediation off by ${state.last?.by ?? 'unknown'} (${state.last?.reason ?? 'no reason given'})`;
}

const HISTORY_LIMIT = 1_000;

export async function remediationSwitchWorkflow(initial: RemediationSwitchState = SWITCH_ON): Promise<never> {
  const state: RemediationSwitchState = { ...initial, history: [...initial.history] };
  setHandler(setRemediationSignal, (change) => {
    state.enabled = change.enabled;
    state.last = change;
    state.history = [...state.history, change].slice(-50);
  });
  setHandler(remediationSwitchQuery, () => state);
  await condition(() => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_LIMIT);
  await condition(allHandlersFinished);
  return continueAsNew<typeof remediationSwitchWorkflow>(state);
}
