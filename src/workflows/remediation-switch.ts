/**
 * The remediation kill switch: a small long-lived workflow (id `autoheal-remediation-switch`,
 * src/shared/names.ts) that says whether automatic restarts are allowed, and if not, who turned
 * them off and why. `autoheal remediation off --reason --by` / `on` signal it (signal-with-start:
 * the first `off` starts it; no workflow means remediation is on).
 *
 * Why a workflow: the switch must outlive worker and server restarts and be honoured by incidents
 * already open. Each healingWorkflow reads it through an activity before every automatic dispatch
 * (src/workflows/healing/attempt.ts); probes, incidents, alerts and verification go on while it is
 * off. An operator's forceRecovery is a human decision and is not withheld.
 *
 * It also holds the fleet breaker (src/workflows/fleet-breaker.ts): healers report their
 * incidents to it, and while it is tripped they withhold automatic restarts as when the switch is
 * off. It announces a trip once (email to the support contacts and an in-app notification), a
 * clearing and an override in-app. Those signals and notices are new: histories from before them
 * hold none, so they replay unchanged; a run carries the breaker's state when it continues as new.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineSignal,
  log,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  BreakerOverride,
  FleetBreakerState,
  FleetSignal,
  RemediationSwitchState,
  SwitchChange,
} from '../shared/contracts';
import { runAgeLeftMs } from './run-age';
import { describeError } from '../shared/errors';
import { SWITCH_ON, remediationSwitchQuery } from '../shared/remediation-switch';
import { AlertOutbox } from './alerting/alert-outbox';
import {
  type BreakerEvent,
  EMPTY_BREAKER,
  applyFleetReport,
  applyOverride,
  breakerText,
} from './fleet-breaker';

export const setRemediationSignal = defineSignal<[SwitchChange]>('setRemediation');
/** A healer's incident opened, probed or closed (src/workflows/fleet-breaker.ts). */
export const fleetReportSignal = defineSignal<[FleetSignal]>('fleetReport');
/** An operator lets automatic restarts go while the breaker's condition holds. */
export const overrideBreakerSignal = defineSignal<[BreakerOverride]>('overrideBreaker');

/** The words incidents use when a restart is withheld. */
export function withheldText(state: RemediationSwitchState): string {
  return `restart withheld: remediation off by ${state.last?.by ?? 'unknown'} (${state.last?.reason ?? 'no reason given'})`;
}

const HISTORY_LIMIT = 1_000;
/** Longest wait for the breaker's notices before continuing as new. */
const NOTICE_SETTLE_LIMIT_MS = 10 * 60_000;
/** The in-app feed's target for fleet-wide notices. */
export const FLEET_TARGET = 'fleet';

export async function remediationSwitchWorkflow(initial: RemediationSwitchState = SWITCH_ON): Promise<never> {
  const state: RemediationSwitchState = { ...initial, history: [...initial.history] };
  const notices = new AlertOutbox((label, err) =>
    log.warn(`fleet breaker: ${label} could not be delivered`, { error: describeError(err) }),
  );
  const breaker = (): FleetBreakerState => (state.breaker ??= { ...EMPTY_BREAKER, open: [], history: [] });
  setHandler(setRemediationSignal, (change) => {
    state.enabled = change.enabled;
    state.last = change;
    state.history = [...state.history, change].slice(-50);
  });
  setHandler(fleetReportSignal, (report) => announce(notices, applyFleetReport(breaker(), report, Date.now())));
  setHandler(overrideBreakerSignal, (override) => {
    const change = applyOverride(breaker(), override);
    if (change) notices.inApp({ severity: 'WARNING', targetId: FLEET_TARGET, text: change.text, at: change.at });
  });
  setHandler(remediationSwitchQuery, () => state);
  await condition(() => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_LIMIT, runAgeLeftMs());
  await condition(allHandlersFinished);
  if (!notices.idle()) await notices.settle(NOTICE_SETTLE_LIMIT_MS);
  return continueAsNew<typeof remediationSwitchWorkflow>(state);
}

/** One notice per trip: email to the support contacts and in-app; a clearing in-app. */
function announce(notices: AlertOutbox, event: BreakerEvent | undefined): void {
  if (!event) return;
  const at = new Date(Date.now()).toISOString();
  if (event.change === 'cleared') {
    notices.inApp({ severity: 'INFO', targetId: FLEET_TARGET, text: event.text, at });
    return;
  }
  const { trip } = event;
  log.error('Fleet breaker tripped: automatic restarts withheld fleet-wide', { rule: trip.rule, targets: trip.targets });
  notices.emailAndInApp(
    'fleet breaker notice',
    { kind: 'fleet_breaker', targetId: FLEET_TARGET, at: trip.at, rule: trip.rule, targets: trip.targets },
    { severity: 'CRITICAL', targetId: FLEET_TARGET, text: breakerText(trip), at: trip.at },
  );
}
