/** The probe's activity contracts: one probe, and the looping watch of the long-lived monitor. */
import type { IntermittentSummary } from '../intermittent-faults';
import type { ProbeReport, Severity, Target } from '../types';

/** What the long-lived monitor asks of one watch (one run of the looping probe activity). */
export interface WatchInput {
  target: Target;
  checkIntervalMs: number;
  /** Phase of the probes within the interval (spreads many targets' probes), ms. */
  phaseMs: number;
  /** The signature the monitor last handled (reportSignature): a probe with another one is handed back at once. */
  expected: string;
  /** Hand back the latest report after this long even when nothing changed, ms. */
  returnAfterMs: number;
  /** Shown in the heartbeat details, for the dashboard: the monitor's intermittent-fault count. */
  intermittent?: IntermittentSummary;
  /** Shown in the heartbeat details: what the monitor did with the last report it handled. */
  lastAction?: string;
}

/** Why a watch handed its report back. */
export type WatchEnd = 'changed' | 'refresh';

export interface WatchResult {
  end: WatchEnd;
  /** The report that changed, or the latest one. */
  report: ProbeReport;
  /** Probes run by this watch (all attempts of the activity). */
  probes: number;
  /** ISO time of the first probe of the watch that saw the current signature without a break. */
  signatureSince: string;
}

/**
 * The heartbeat details of a watch: what the dashboard, `autoheal pause` and the metrics read
 * (describe → pending activity → heartbeat details), at no cost in actions. Small: no readings.
 */
export interface WatchDetails {
  targetId: string;
  severity: Severity;
  summary: string;
  /** ISO time of the latest probe. */
  probedAt: string;
  /** Probes run by this watch so far. */
  probes: number;
  syncedAccounts: number;
  expectedAccounts: number;
  intermittent?: IntermittentSummary;
  /** What the monitor did with the last report it handled (healing_started, warned, ...). */
  action?: string;
  /** Start of the current run of probes at most two check intervals apart (measured time not yet in the roll-up). */
  probingSince?: string;
}

export interface ProbeActivities {
  /**
   * Runs every check against one bridge and returns one report. An unhealthy bridge is a
   * result, not an error: this throws only when the probe itself could not run.
   */
  probeTarget(target: Target): Promise<ProbeReport>;
  /**
   * Probes every `checkIntervalMs` (at `phaseMs` within the interval), heartbeating the latest
   * observation, and returns when a probe's signature differs from `expected` or after
   * `returnAfterMs`. Cancelled through its heartbeats.
   */
  watchTarget(input: WatchInput): Promise<WatchResult>;
}

