/**
 * What the long-lived monitor remembers, carried across continue-as-new: the signature it last
 * handled (what its watch compares against), the latest report, the unconfirmed CRITICAL
 * findings of the intermittent-fault window, the pause, and counters. Workflow-safe.
 */
import {
  DEFAULT_INTERMITTENT_THRESHOLD,
  DEFAULT_INTERMITTENT_WINDOW_MS,
  type IntermittentPolicy,
  type IntermittentSummary,
  type UnconfirmedFinding,
  recordFinding,
  summarise,
} from '../../shared/intermittent-faults';
import { EMPTY_FLAP_STATE, type FlapState, flapPolicyOf, settlesInMs } from '../../shared/flapping';
import {
  MONITOR_MAX_WATCH_MS,
  criticalRecheckMs,
  warningRefreshMs,
} from '../../shared/monitor-policy';
import type { MonitorInput } from '../../shared/types';
import type { MonitorPause, TargetMonitorView } from './messages';

/** A signature no probe has: the first watch of a new monitor hands its first report back. */
export const UNKNOWN_SIGNATURE = 'UNKNOWN';

/** The part of MonitorState a continue-as-new carries (declared once, on the class). */
export type CarriedMonitorState = Pick<
  MonitorState,
  'expected' | 'last' | 'findings' | 'pause' | 'note' | 'probes' | 'incidentsStarted' | 'scheduleResumedAt'
> & {
  /** Incidents within FLAP_WINDOW and the flapping episode (absent in runs carried before flap detection). */
  flap?: FlapState;
};

export interface TargetMonitorInput extends MonitorInput {
  /** The newest configuredAt given to this monitor (messages.ts, MonitorSettings). */
  configuredAt?: string;
  /** State carried across continue-as-new. */
  carried?: CarriedMonitorState;
  /** Continue as new after this many history events (default: when suggested, or MONITOR_CONTINUE_AS_NEW_EVENTS). */
  continueAsNewAfterEvents?: number;
  /** Benchmarks: a healthy watch hands back after this long instead of MONITOR_MAX_WATCH_MS (to observe whole cycles). */
  maxWatchMs?: number;
}

export class MonitorState {
  settings: MonitorInput;
  expected: string;
  last?: TargetMonitorView['last'];
  findings: UnconfirmedFinding[];
  pause?: MonitorPause;
  note?: string;
  probes: number;
  incidentsStarted: number;
  /** ISO time an operator resumed during a scheduled window: the occurrence in progress then is over (schedule.ts). */
  scheduleResumedAt?: string;
  /** Flap detection: the incidents opened within FLAP_WINDOW, and the episode (src/shared/flapping.ts). */
  flap: FlapState;
  phase: TargetMonitorView['phase'] = 'starting';
  /** The newest configuredAt given (kept apart from settings: a newer stamp alone changes nothing to watch). */
  configuredAt?: string;
  private readonly maxWatchMs: number;

  constructor(input: TargetMonitorInput) {
    this.settings = {
      target: input.target,
      policy: input.policy,
      ...(input.maintenance?.length ? { maintenance: input.maintenance } : {}),
    };
    this.configuredAt = input.configuredAt;
    this.maxWatchMs = input.maxWatchMs ?? MONITOR_MAX_WATCH_MS;
    const c = input.carried;
    this.expected = c?.expected ?? UNKNOWN_SIGNATURE;
    this.last = c?.last;
    this.findings = c?.findings ?? [];
    this.pause = c?.pause;
    this.note = c?.note;
    this.probes = c?.probes ?? 0;
    this.incidentsStarted = c?.incidentsStarted ?? 0;
    this.scheduleResumedAt = c?.scheduleResumedAt;
    this.flap = c?.flap ?? EMPTY_FLAP_STATE;
  }

  get intermittentPolicy(): IntermittentPolicy {
    return {
      threshold: this.settings.policy.intermittentThreshold ?? DEFAULT_INTERMITTENT_THRESHOLD,
      windowMs: this.settings.policy.intermittentWindowMs ?? DEFAULT_INTERMITTENT_WINDOW_MS,
    };
  }

  intermittent(): IntermittentSummary {
    return summarise(this.findings, Date.now(), this.intermittentPolicy);
  }

  recordUnconfirmed(at: string, summary: string): void {
    this.findings = recordFinding(this.findings, { at, summary }, Date.now(), this.intermittentPolicy.windowMs);
  }

  /** How long the next watch may run before handing back its latest report. */
  returnAfterMs(): number {
    const { policy } = this.settings;
    if (this.expected === UNKNOWN_SIGNATURE) return policy.checkIntervalMs;
    if (this.expected.startsWith('CRITICAL')) return criticalRecheckMs(policy);
    if (this.expected.startsWith('WARNING') || this.intermittent().raised) return warningRefreshMs(policy);
    // a flapping episode settles FLAP_WINDOW after its latest incident: be back then for its all-clear
    const settles = settlesInMs(this.flap, Date.now(), flapPolicyOf(this.settings.policy));
    if (settles !== undefined) return Math.min(this.maxWatchMs, Math.max(settles, policy.checkIntervalMs));
    return this.maxWatchMs;
  }

  view(): TargetMonitorView {
    return {
      targetId: this.settings.target.id,
      checkIntervalMs: this.settings.policy.checkIntervalMs,
      phase: this.pause ? 'paused' : this.phase,
      ...(this.last ? { last: { ...this.last } } : {}),
      ...(this.pause ? { pause: { ...this.pause } } : {}),
      ...(this.note ? { note: this.note } : {}),
      intermittent: this.intermittent(),
      probes: this.probes,
      incidentsStarted: this.incidentsStarted,
      ...(this.flap.episode ? { flapping: { ...this.flap.episode } } : {}),
      ...(this.configuredAt ? { configuredAt: this.configuredAt } : {}),
    };
  }

  carry(): CarriedMonitorState {
    return {
      expected: this.expected,
      ...(this.last ? { last: this.last } : {}),
      findings: this.findings,
      ...(this.pause ? { pause: this.pause } : {}),
      ...(this.note ? { note: this.note } : {}),
      probes: this.probes,
      incidentsStarted: this.incidentsStarted,
      ...(this.scheduleResumedAt ? { scheduleResumedAt: this.scheduleResumedAt } : {}),
      ...(this.flap.opens.length || this.flap.episode ? { flap: this.flap } : {}),
    };
  }
}
