/**
 * The long-lived monitor's messages and what they answer: its state (a query, for `autoheal
 * pause`, the dashboard when no watch is running, and tests), new settings (a signal, sent by
 * every worker start with signal-with-start), and the maintenance window (pause and resume
 * updates). Workflow-safe.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { FlapEpisode } from '../../shared/flapping';
import type { IntermittentSummary } from '../../shared/intermittent-faults';
import type { MonitorInput, Severity } from '../../shared/types';

/** What the monitor did with the latest report it handled. */
export type MonitorAction = 'none' | 'warned' | 'not_confirmed' | 'healing_started' | 'already_healing';

/** A maintenance window: no probes, alerts or restarts until it ends or `resume`. */
export interface MonitorPause {
  by: string;
  reason: string;
  /** ISO end; absent: until `resume`. */
  until?: string;
  /** "PAUSED until … by … (reason)": shown by the CLI, the dashboard and the Web UI. */
  note: string;
  /** ISO time it was set (a scheduled window: its occurrence's start). */
  at: string;
  /** Set by the target's recurring maintenance window (`by` "schedule"), not by an operator. */
  scheduled?: boolean;
}

export interface PauseRequest {
  by: string;
  reason: string;
  /** ISO end; absent: open-ended. */
  until?: string;
}

export interface ResumeRequest {
  by: string;
}

/** The monitor's state as the query returns it. */
export interface TargetMonitorView {
  targetId: string;
  checkIntervalMs: number;
  /** watching: a probe loop runs; confirming: re-probing a CRITICAL; paused: maintenance window. */
  phase: 'starting' | 'watching' | 'confirming' | 'acting' | 'paused';
  /** The latest report the workflow handled (the watch's heartbeat details are newer while healthy). */
  last?: { severity: Severity; summary: string; probedAt: string; action: MonitorAction; handledAt: string };
  pause?: MonitorPause;
  /** The latest pause or resume note ("Resumed by bob", "Maintenance window ended at …"). */
  note?: string;
  intermittent: IntermittentSummary;
  /** Probes run by the watches of this monitor (carried across continue-as-new). */
  probes: number;
  /** Incidents this monitor started. */
  incidentsStarted: number;
  /** The flapping episode under way (docs/alerting.md, "Flapping"); absent: not flapping. */
  flapping?: FlapEpisode;
  /** The newest configuredAt the monitor was given (absent: none carried one yet). */
  configuredAt?: string;
}

export interface ResumeAck {
  wasPaused: boolean;
  view: TargetMonitorView;
}

/**
 * Settings as a worker start sends them, stamped with the age of the configuration they come
 * from. The monitor keeps the newest `configuredAt` it was given (also in its memo, where
 * reconciliation reads it) and ignores settings from an older configuration, unless
 * `overrideNewer` (`autoheal monitor apply --force`, after a deliberate rollback).
 */
export interface MonitorSettings extends MonitorInput {
  /** ISO time the configuration was written (AppConfig.configuredAt); absent from older workers. */
  configuredAt?: string;
  overrideNewer?: boolean;
}

/** The memo key that holds the newest configuredAt a monitor was given. */
export const CONFIGURED_AT_MEMO = 'configuredAt';

export const monitorStateQuery = defineQuery<TargetMonitorView>('monitorState');
/** New settings for the target (from a worker start): the watch restarts with them. */
export const configureMonitorSignal = defineSignal<[MonitorSettings]>('configureMonitor');
export const pauseMonitorUpdate = defineUpdate<TargetMonitorView, [PauseRequest]>('pauseMonitor');
export const resumeMonitorUpdate = defineUpdate<ResumeAck, [ResumeRequest]>('resumeMonitor');

/** The note of a pause: who, why and until when. */
export function pauseNote(p: { by: string; reason: string; until?: Date | string }): string {
  const until = p.until === undefined ? undefined : new Date(p.until).toISOString();
  return `PAUSED ${until ? `until ${until}` : 'with no end (until "autoheal resume")'} by ${p.by} (${p.reason})`;
}

/** The note left when a window ends by itself. */
export const windowEndedNote = (pause: Pick<MonitorPause, 'until' | 'by' | 'reason'>): string =>
  `Maintenance window ended at ${pause.until ?? '?'} (paused by ${pause.by}: ${pause.reason})`;
