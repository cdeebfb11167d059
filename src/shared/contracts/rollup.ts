/**
 * The roll-up's activity contracts: the facts of an incident as the report counts them
 * (src/shared/report-math.ts), and what reaches a target's roll-up (src/workflows/rollup.ts)
 * from its incidents and its monitor.
 */
import type { RungAttempt } from '../types';

/** One incident, open or closed, as the report and `autoheal incidents` count it. */
export interface IncidentFacts {
  incidentId: string;
  targetId: string;
  outcome: 'RECOVERED' | 'RESOLVED' | 'HEALING' | 'ESCALATED';
  /** First CRITICAL sighting (incidents opened before that was carried: the confirming re-probe). */
  detectedAt: string;
  openedAt: string;
  /** CRITICAL email accepted by the SMTP server. */
  alertedAt?: string;
  /** First restart dispatch. */
  dispatchedAt?: string;
  /** Absent while the incident is open. */
  closedAt?: string;
  acknowledged?: { by: string; at: string };
  resolvedBy?: string;
  attempts: number;
  /** Operators who forced an attempt. */
  forcedBy: string[];
  escalation?: { at: string; reason: string };
  /** Closed RECOVERED without a human: no force, no acknowledgement, no resolution, no escalation. */
  autoHealed: boolean;
  method?: string;
  /** Each rung tried, healed or not, and its time to recovery (absent: an incident without a ladder). */
  rungAttempts?: RungAttempt[];
  /** Checks failing when it opened (the monthly digest's failure patterns); absent in older records. */
  checks?: string[];
  /** The flapping episode it was folded into (no CRITICAL or recovery email of its own); absent: none. */
  flappingEpisode?: string;
}

/** A closed incident's facts: what its HealingWorkflow records in the roll-up when it closes. */
export interface IncidentSummary extends IncidentFacts {
  outcome: 'RECOVERED' | 'RESOLVED';
  closedAt: string;
}

/** What the roll-up says of the incidents of a flapping episode (those closed when it settled). */
export interface FlapTotals {
  /** Incidents closed and recorded in the roll-up (downtime and restarts count those). */
  closed: number;
  /** Summed time from detection to close, ms. */
  downtimeMs: number;
  /** Restarts dispatched (attempts). */
  restarts: number;
}

export interface RollupActivities {
  recordIncidentClosed(summary: IncidentSummary): Promise<void>;
  /**
   * Downtime and restarts of the target's incidents opened since `since` (ISO) and closed by now,
   * as its roll-up holds them: a settled flapping episode's totals.
   */
  readFlapTotals(targetId: string, since: string): Promise<FlapTotals>;
  /** A maintenance window [start, end] (ISO) of the target: neither up nor down in the report. */
  recordMaintenance(targetId: string, span: [string, string]): Promise<void>;
}
