/**
 * The remediation switch's activity contracts: the deployment's kill switch and its fleet breaker
 * (the long-lived remediationSwitchWorkflow, src/workflows/remediation-switch.ts, and the breaker's
 * rules in src/workflows/fleet-breaker.ts), as a HealingWorkflow reads and reports to them.
 */
import type { Rate } from '../rate';

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
  /** The fleet breaker (absent until a healer first reports to it). */
  breaker?: FleetBreakerState;
}

/** What a healer tells the breaker about its incident. */
export interface FleetReport {
  kind: 'opened' | 'probed' | 'closed';
  targetId: string;
  incidentId: string;
  /** ISO time the incident opened. */
  openedAt: string;
  /** The target's `bridge` check fails on the latest probe (the worker cannot reach it). */
  bridgeDown?: boolean;
}

/** The worker's fleet, as its activity adds it to each report. */
export interface FleetSettings {
  targetIds: string[];
  /** FLEET_BREAKER; false: off. */
  rule: Rate | false;
}

export type FleetSignal = FleetReport & { fleet: FleetSettings };

export interface OpenIncidentMark {
  targetId: string;
  incidentId: string;
  openedAt: string;
  bridgeDown: boolean;
}

export interface BreakerTrip {
  /** ISO time it tripped. */
  at: string;
  cause: 'burst' | 'unreachable';
  /** The rule in words: "3 targets CRITICAL within 5m". */
  rule: string;
  targets: string[];
}

export interface BreakerOverride {
  by: string;
  reason: string;
  at: string;
}

export interface BreakerChange {
  at: string;
  change: 'tripped' | 'cleared' | 'overridden';
  text: string;
}

export interface FleetBreakerState {
  /** Incidents open now, one per target, as the healers reported them. */
  open: OpenIncidentMark[];
  fleet?: FleetSettings;
  /** Set while automatic restarts are withheld fleet-wide. */
  tripped?: BreakerTrip;
  /** An operator let restarts go while the condition holds; dropped when it clears. */
  override?: BreakerOverride;
  /** The latest changes, newest last (at most 50). */
  history: BreakerChange[];
}

export interface RemediationSwitchActivities {
  /** Whether automatic restarts are allowed now, and who turned them off and why. */
  readRemediationSwitch(): Promise<RemediationSwitchState>;
  /**
   * Tells the fleet breaker that an incident opened, probed or closed, with this worker's fleet
   * (its target ids and FLEET_BREAKER). A fleet of fewer than 2 targets has no breaker: nothing is sent.
   */
  reportToFleetBreaker(report: FleetReport): Promise<void>;
}
