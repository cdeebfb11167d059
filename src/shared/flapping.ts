/**
 * Flap detection (Nagios-style, counted in incidents instead of check results): a target that
 * opens FLAP_THRESHOLD incidents within FLAP_WINDOW is FLAPPING. From the incident that makes
 * it flapping on, its incidents are folded into one episode: still real incidents (recorded,
 * healed, counted), but their CRITICAL and recovery emails give way to one FLAPPING notice; the
 * episode settles (one "stopped flapping" notice) once no incident has opened for a whole
 * FLAP_WINDOW and the target is not CRITICAL. The monitor keeps this state (it starts every
 * incident) and carries it across continue-as-new. Pure and workflow-safe. docs/alerting.md,
 * "Flapping".
 */
import type { FlapTotals, IncidentSummary } from './contracts';
import type { HealingPolicy } from './types';

/** FLAP_THRESHOLD / FLAP_WINDOW of a target. threshold 0: flap detection off. */
export interface FlapPolicy {
  threshold: number;
  windowMs: number;
}

/** 3 incidents within 10 min: two can be a restart that did not stick; three is a pattern. */
export const DEFAULT_FLAP_THRESHOLD = 3;
export const DEFAULT_FLAP_WINDOW_MS = 10 * 60_000;

/** One incident the monitor opened. */
export interface FlapOpen {
  /** ISO time the monitor opened it. */
  at: string;
  /** The checks failing in the report that opened it. */
  checks: string[];
}

/** A flapping episode: from the incident that made the target flapping until it settles. */
export interface FlapEpisode {
  /** `<target>-flap-<time of the notice>` (the incidents folded into it name it). */
  id: string;
  /** ISO time of the first incident counted in it (the oldest one within the window when it began). */
  since: string;
  /** ISO time the target was recognised as flapping (the FLAPPING notice). */
  recognisedAt: string;
  /** ISO time of the latest incident opened in it. */
  lastOpenAt: string;
  /** Incidents opened in it, the ones that made it flapping included. */
  incidents: number;
  /** Every check that failed in its incidents, in the order first seen. */
  checks: string[];
}

/** What the monitor carries: the incidents opened within the window, and the episode. */
export interface FlapState {
  opens: FlapOpen[];
  episode?: FlapEpisode;
}

export const EMPTY_FLAP_STATE: FlapState = { opens: [] };

/** What an incident about to open is, for flap detection. */
export type FlapVerdict =
  /** Not flapping (or detection off): the incident alerts as usual. */
  | { kind: 'none' }
  /** This incident makes the target flapping: the FLAPPING notice replaces its CRITICAL email. */
  | { kind: 'began'; episode: FlapEpisode }
  /** The target is flapping already: the incident is folded into the episode, no email. */
  | { kind: 'folded'; episode: FlapEpisode };

/** A target's flap policy (absent in policies from before flap detection: the defaults). */
export function flapPolicyOf(policy: Pick<HealingPolicy, 'flapThreshold' | 'flapWindowMs'>): FlapPolicy {
  return { threshold: policy.flapThreshold ?? DEFAULT_FLAP_THRESHOLD, windowMs: policy.flapWindowMs ?? DEFAULT_FLAP_WINDOW_MS };
}

export const flapDetectionOn = (policy: FlapPolicy): boolean => policy.threshold > 0;

const union = (a: string[], b: string[]): string[] => [...a, ...b.filter((c) => !a.includes(c))];

/**
 * The state once an incident opens at `open.at` (`episodeId` names a new episode), and what
 * that incident is. Opens older than the window are dropped.
 */
export function recordOpen(
  state: FlapState,
  open: FlapOpen,
  policy: FlapPolicy,
  episodeId: string,
): { state: FlapState; verdict: FlapVerdict } {
  // off: nothing is counted or folded; an episode under way when it was turned off still gets its all-clear
  if (!flapDetectionOn(policy)) return { state: state.episode ? { opens: [], episode: state.episode } : EMPTY_FLAP_STATE, verdict: { kind: 'none' } };
  const nowMs = Date.parse(open.at);
  const opens = [...state.opens.filter((o) => nowMs - Date.parse(o.at) < policy.windowMs), open];
  if (state.episode) {
    const episode: FlapEpisode = {
      ...state.episode,
      lastOpenAt: open.at,
      incidents: state.episode.incidents + 1,
      checks: union(state.episode.checks, open.checks),
    };
    return { state: { opens, episode }, verdict: { kind: 'folded', episode } };
  }
  if (opens.length < policy.threshold) return { state: { opens }, verdict: { kind: 'none' } };
  const episode: FlapEpisode = {
    id: episodeId,
    since: (opens[0] as FlapOpen).at,
    recognisedAt: open.at,
    lastOpenAt: open.at,
    incidents: opens.length,
    checks: opens.reduce<string[]>((all, o) => union(all, o.checks), []),
  };
  return { state: { opens, episode }, verdict: { kind: 'began', episode } };
}

/**
 * The episode settled: no incident opened for a whole window, and the target is not CRITICAL
 * now (an incident still open at the end of the window keeps it flapping until it recovers).
 */
export function hasSettled(state: FlapState, nowMs: number, policy: FlapPolicy, critical: boolean): boolean {
  if (!state.episode || critical) return false;
  return nowMs - Date.parse(state.episode.lastOpenAt) >= policy.windowMs;
}

/** How long until the episode can settle (0: now); undefined without an episode. */
export function settlesInMs(state: FlapState, nowMs: number, policy: FlapPolicy): number | undefined {
  if (!state.episode) return undefined;
  return Math.max(0, Date.parse(state.episode.lastOpenAt) + policy.windowMs - nowMs);
}

/** The state once the episode has settled: a new episode counts its incidents afresh. */
export const afterSettling = (): FlapState => EMPTY_FLAP_STATE;

/** `mt5-bridge-flap-20251031T114500Z`: an episode's id from its target and the time it began. */
export function flapEpisodeId(targetId: string, atIso: string): string {
  return `${targetId}-flap-${atIso.replace(/[-:]/g, '').replace(/\.\d+/, '')}`;
}

/** Downtime (detection to close) and restarts of the incidents opened since `sinceIso` (a roll-up's closed incidents). */
export function flapTotals(incidents: IncidentSummary[], sinceIso: string): FlapTotals {
  const sinceMs = Date.parse(sinceIso);
  const mine = incidents.filter((i) => Date.parse(i.openedAt) >= sinceMs);
  return {
    closed: mine.length,
    downtimeMs: mine.reduce((sum, i) => sum + Math.max(0, Date.parse(i.closedAt) - Date.parse(i.detectedAt) || 0), 0),
    restarts: mine.reduce((sum, i) => sum + i.attempts, 0),
  };
}
