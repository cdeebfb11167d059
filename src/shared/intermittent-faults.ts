/**
 * Intermittent faults: CRITICAL findings that the re-probe did not confirm. One alone is noise
 * (a timeout, a blip); INTERMITTENT_THRESHOLD of them within INTERMITTENT_WINDOW is a bridge that
 * fails on and off, which nobody would hear of otherwise: a WARNING condition saying how often
 * and over how long. Never a restart: only a confirmed CRITICAL opens an incident.
 * Workflow-safe: pure.
 */
import type { WarningCondition } from './alert-conditions';
import { formatDurationWords } from './duration';

/** One unconfirmed CRITICAL finding: when, and what the first probe saw. */
export interface UnconfirmedFinding {
  /** ISO time of the probe that saw the CRITICAL. */
  at: string;
  summary: string;
}

export interface IntermittentPolicy {
  /** How many unconfirmed findings within the window raise the WARNING (INTERMITTENT_THRESHOLD). */
  threshold: number;
  /** The window, ms (INTERMITTENT_WINDOW). */
  windowMs: number;
}

export const DEFAULT_INTERMITTENT_THRESHOLD = 3;
export const DEFAULT_INTERMITTENT_WINDOW_MS = 60 * 60_000;

/** The warning-watch key of the condition. */
export const INTERMITTENT_CONDITION_KEY = 'intermittent';

/** At most this many findings are kept (they travel in workflow history and continue-as-new). */
const MAX_FINDINGS = 200;

/** What the monitor shows of it (query, heartbeat details, dashboard). */
export interface IntermittentSummary {
  /** Unconfirmed CRITICAL findings within the window. */
  count: number;
  threshold: number;
  windowMs: number;
  /** ISO times of the first and last of them. */
  first?: string;
  last?: string;
  /** True when count ≥ threshold: the WARNING is raised. */
  raised: boolean;
  /** The WARNING's text when raised. */
  text?: string;
}

/** The findings still within the window at `nowMs`, oldest first, bounded. */
export function withinWindow(findings: readonly UnconfirmedFinding[], nowMs: number, windowMs: number): UnconfirmedFinding[] {
  return findings.filter((f) => nowMs - Date.parse(f.at) <= windowMs).slice(-MAX_FINDINGS);
}

/** Adds a finding and drops those that left the window. */
export function recordFinding(
  findings: readonly UnconfirmedFinding[],
  finding: UnconfirmedFinding,
  nowMs: number,
  windowMs: number,
): UnconfirmedFinding[] {
  return withinWindow([...findings, finding], nowMs, windowMs);
}

/** Counts the findings in the window and, past the threshold, says how often and over how long. */
export function summarise(findings: readonly UnconfirmedFinding[], nowMs: number, policy: IntermittentPolicy): IntermittentSummary {
  const inWindow = withinWindow(findings, nowMs, policy.windowMs);
  const first = inWindow[0];
  const last = inWindow[inWindow.length - 1];
  const raised = inWindow.length >= policy.threshold;
  const summary: IntermittentSummary = {
    count: inWindow.length,
    threshold: policy.threshold,
    windowMs: policy.windowMs,
    raised,
    ...(first ? { first: first.at } : {}),
    ...(last ? { last: last.at } : {}),
  };
  if (raised && first && last) summary.text = describe(inWindow, first, last);
  return summary;
}

/** The WARNING condition while raised; none otherwise (the watch then lets it clear). */
export function intermittentCondition(summary: IntermittentSummary): WarningCondition | undefined {
  return summary.raised && summary.text ? { key: INTERMITTENT_CONDITION_KEY, issue: summary.text } : undefined;
}

function describe(findings: UnconfirmedFinding[], first: UnconfirmedFinding, last: UnconfirmedFinding): string {
  const span = Date.parse(last.at) - Date.parse(first.at);
  const kinds = new Map<string, number>();
  for (const f of findings) kinds.set(f.summary, (kinds.get(f.summary) ?? 0) + 1);
  const top = [...kinds.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([summary, n]) => `${clip(summary)} ×${n}`)
    .join('; ');
  return (
    `Intermittent fault: CRITICAL seen ${findings.length} times in ${formatDurationWords(span)} ` +
    `(${first.at} to ${last.at}), each time not confirmed by the re-probe: ${top}. ` +
    'No restart is started for a fault that does not last; check the bridge, its network and the VPS.'
  );
}

const clip = (text: string): string => (text.length > 120 ? `${text.slice(0, 117)}...` : text);
