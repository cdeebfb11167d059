/**
 * The fleet breaker: the part of the remediation switch (src/workflows/remediation-switch.ts)
 * that suspects a common cause. Healing workflows report their incidents opening, probing and
 * closing (through the `reportToFleetBreaker` activity, which adds the worker's fleet: its
 * target ids and FLEET_BREAKER). The breaker trips when
 * - `count` distinct targets have incidents opened within `windowMs` (FLEET_BREAKER, 3/5m), if
 *   at least `count` targets are configured, or
 * - every configured target, at least 2, has an open incident whose bridge check fails: the
 *   worker reaches none of them.
 * Tripped, healers withhold automatic restarts as when the switch is off (healing/fleet-hold.ts);
 * one notice goes to people. It clears when the condition no longer holds (fewer than `count`
 * incidents open, and some target answers again), or an operator overrides it; an override
 * lasts until the condition clears, so the next burst trips it again.
 *
 * Pure state transitions (workflow code, deterministic): the switch workflow sends the notices.
 */
import { formatDuration } from '../shared/duration';
import type {
  BreakerChange,
  BreakerOverride,
  BreakerTrip,
  FleetBreakerState,
  FleetSignal,
} from '../shared/contracts';
import { formatRate } from '../shared/rate';

export const EMPTY_BREAKER: FleetBreakerState = { open: [], history: [] };

/** The most open incidents kept (one per target: far above any fleet). */
const MAX_OPEN = 500;

/** What a transition asks the switch workflow to announce. */
export type BreakerEvent = { change: 'tripped'; trip: BreakerTrip } | { change: 'cleared'; text: string };

/** The words healers use while the breaker holds their restart (timeline, activity). */
export function breakerText(trip: BreakerTrip): string {
  const common =
    trip.cause === 'unreachable'
      ? 'suspected common cause (the network, the worker\'s own host)'
      : 'suspected common cause (the broker, the network, the worker\'s own host)';
  return `fleet breaker: ${trip.rule} (${trip.targets.join(', ')}) — ${common}: automatic restarts withheld fleet-wide`;
}

/** Applies one healer's report; returns the change to announce, if any. */
export function applyFleetReport(state: FleetBreakerState, report: FleetSignal, nowMs: number): BreakerEvent | undefined {
  state.fleet = report.fleet;
  const index = state.open.findIndex((m) => m.targetId === report.targetId);
  const mark = index >= 0 ? state.open[index] : undefined;
  if (report.kind === 'closed') {
    if (mark?.incidentId === report.incidentId) state.open.splice(index, 1);
  } else if (mark?.incidentId === report.incidentId) {
    mark.bridgeDown = report.bridgeDown ?? mark.bridgeDown;
  } else {
    if (mark) state.open.splice(index, 1); // the target's previous incident closed unreported
    state.open.push({
      targetId: report.targetId,
      incidentId: report.incidentId,
      openedAt: report.openedAt,
      bridgeDown: !!report.bridgeDown,
    });
    state.open = state.open.slice(-MAX_OPEN);
  }
  return evaluate(state, nowMs);
}

/** An operator's override: restarts go while the current condition holds. Undefined when not tripped. */
export function applyOverride(state: FleetBreakerState, override: BreakerOverride): BreakerChange | undefined {
  if (!state.tripped) return undefined;
  const change: BreakerChange = {
    at: override.at,
    change: 'overridden',
    text: `fleet breaker overridden by ${override.by} (${override.reason}): automatic restarts go ahead`,
  };
  state.tripped = undefined;
  state.override = override;
  record(state, change);
  return change;
}

function evaluate(state: FleetBreakerState, nowMs: number): BreakerEvent | undefined {
  const at = new Date(nowMs).toISOString();
  const { targetIds = [], rule = false } = state.fleet ?? {};
  const open = state.open.filter((m) => targetIds.includes(m.targetId));
  if (!rule) return clear(state, at, 'FLEET_BREAKER is off');

  const burstPossible = targetIds.length >= rule.count;
  const recent = open.filter((m) => Date.parse(m.openedAt) >= nowMs - rule.windowMs);
  const unreachable = targetIds.length >= 2 && targetIds.every((id) => open.some((m) => m.targetId === id && m.bridgeDown));
  // once tripped (or overridden) it holds while as many incidents stay open, wherever they opened
  const holds = (burstPossible && open.length >= rule.count) || unreachable;

  if (state.tripped || state.override) {
    if (holds) return undefined;
    const text = unreachableText(state)
      ? 'fleet breaker cleared: a target answers again; automatic restarts resume'
      : `fleet breaker cleared: ${open.length} incident(s) still open, fewer than ${rule.count}; automatic restarts resume`;
    return clear(state, at, text);
  }
  let trip: BreakerTrip | undefined;
  if (burstPossible && recent.length >= rule.count) {
    trip = {
      at,
      cause: 'burst',
      rule: `${recent.length} targets CRITICAL within ${formatDuration(rule.windowMs)} (FLEET_BREAKER ${formatRate(rule)})`,
      targets: recent.map((m) => m.targetId).sort(),
    };
  } else if (unreachable) {
    trip = {
      at,
      cause: 'unreachable',
      rule: `no target answers: all ${targetIds.length} fail their bridge check`,
      targets: [...targetIds],
    };
  }
  if (!trip) return undefined;
  state.tripped = trip;
  record(state, { at, change: 'tripped', text: breakerText(trip) });
  return { change: 'tripped', trip };
}

/** Whether the breaker was tripped because no target answered. */
function unreachableText(state: FleetBreakerState): boolean {
  return state.tripped?.cause === 'unreachable';
}

function clear(state: FleetBreakerState, at: string, text: string): BreakerEvent | undefined {
  const wasTripped = !!state.tripped;
  if (!wasTripped && !state.override) return undefined;
  state.tripped = undefined;
  state.override = undefined;
  record(state, { at, change: 'cleared', text });
  return wasTripped ? { change: 'cleared', text } : undefined;
}

function record(state: FleetBreakerState, change: BreakerChange): void {
  state.history = [...state.history, change].slice(-50);
}
