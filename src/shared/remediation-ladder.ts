/**
 * The remediation ladder (docs/remediation.md, "The ladder"): an ordered list of rungs, each a
 * restart method with its own verification window and spacing, from the least disruptive cure
 * to the heaviest, then people (escalation).
 *
 * - `reinit`: the bridge's own `POST /api/admin/emergency-restart?token=…` (variant A): shuts
 *   the terminal API down and initialises it again in seconds. Cures a terminal that lost its
 *   broker link or its trading permission; not a dead process, database or VPS.
 * - `full-restart`: today's restart (GitHub repository_dispatch, or the VPS restart service's
 *   webhook): kills the terminals and logs the accounts in again, minutes of lost sessions.
 *
 * The diagnosis of the confirmed CRITICAL picks the first rung (`diagnoseRung`); a rung that
 * fails its verification hands over to the next; the last rung repeats until ESCALATE_AFTER.
 * Workflow-safe: pure, no I/O.
 */
import type { HealingPolicy, LadderRung, ProbeReport, Rung } from './types';

export type { LadderRung, Rung } from './types';

/** Rungs from the least disruptive; a ladder lists them in this order. */
export const RUNGS: readonly Rung[] = ['reinit', 'full-restart'];

/** REMEDIATION_LADDER's default: today's single full restart, then people. */
export const DEFAULT_LADDER: readonly Rung[] = ['full-restart'];
/** Defaults of the reinit rung: a re-initialisation takes seconds, verified within about a minute. */
export const DEFAULT_REINIT_VERIFY_TIMEOUT_MS = 60_000;
export const DEFAULT_REINIT_COOLDOWN_MS = 60_000;

/** The form REMEDIATION_LADDER and a target's `ladder` take, for error messages. */
export const LADDER_FORM =
  'a comma list of rungs from the least disruptive, e.g. "reinit,full-restart" or "full-restart" (people, the escalation, always follow the last rung and may be written last: "reinit,full-restart,people")';

/** Parses a ladder's rung names; a string saying what is wrong when it cannot. */
export function parseLadder(names: readonly string[]): Rung[] | string {
  const list = names.map((n) => n.trim().toLowerCase()).filter(Boolean);
  if (list[list.length - 1] === 'people') list.pop();
  if (!list.length) return `expected ${LADDER_FORM}, got no rung`;
  const unknown = list.filter((n) => !(RUNGS as readonly string[]).includes(n));
  if (unknown.length) return `unknown rung ${unknown.map((u) => `"${u}"`).join(', ')}: expected ${LADDER_FORM}`;
  if (new Set(list).size !== list.length) return `a rung is listed twice ("${list.join(',')}"): expected ${LADDER_FORM}`;
  const order = list.map((n) => RUNGS.indexOf(n as Rung));
  if (order.some((o, i) => i > 0 && o < (order[i - 1] as number))) {
    return `rungs go from the least disruptive to the heaviest: reinit before full-restart (got "${list.join(',')}")`;
  }
  return list as Rung[];
}

/** The target's ladder; a policy without one (every policy from before the ladder) has today's single full restart. */
export function ladderOf(policy: Pick<HealingPolicy, 'ladder' | 'verifyTimeoutMs' | 'restartCooldownMs'>): LadderRung[] {
  if (policy.ladder?.length) return policy.ladder;
  return [{ rung: 'full-restart', verifyTimeoutMs: policy.verifyTimeoutMs, cooldownMs: policy.restartCooldownMs }];
}

/** How a rung is told to people (emails, timelines, the dashboard). */
export function describeRung(rung: Rung): string {
  return rung === 'reinit' ? 'MT5 re-initialisation (emergency-restart)' : 'full restart';
}

/** Which rung the diagnosis calls for, and why, in words. */
export interface RungDiagnosis {
  rung: Rung;
  why: string;
}

const failing = (report: ProbeReport, check: string): boolean =>
  report.checks.some((c) => c.check === check && c.status === 'fail');

/**
 * The first rung the fault calls for, from the probe that confirmed it:
 * - the bridge does not answer (refused, timeout, non-2xx), or its database is down: the process
 *   or the VPS is sick, a re-initialisation of the terminal API cannot reach or cure it → full-restart;
 * - the terminal lost its broker, or trading is not allowed → reinit;
 * - readings stale or missing while the terminal reports connected (the sync service or the refresh
 *   loop died) → full-restart.
 * No report (an operator's incident whose probe could not run): full-restart, the cure of everything.
 */
export function diagnoseRung(report: ProbeReport | undefined): RungDiagnosis {
  if (!report) return { rung: 'full-restart', why: 'no probe to diagnose from' };
  if (failing(report, 'bridge')) return { rung: 'full-restart', why: 'the bridge does not answer' };
  if (failing(report, 'database')) return { rung: 'full-restart', why: "the bridge's database is down" };
  if (failing(report, 'terminal')) return { rung: 'reinit', why: 'the terminal lost its broker link' };
  if (failing(report, 'trade_allowed')) return { rung: 'reinit', why: 'trading is not allowed on the terminal' };
  if (report.observation?.health?.connected === true) {
    return { rung: 'full-restart', why: 'readings are stale or missing while the terminal reports connected (the sync service stopped)' };
  }
  return { rung: 'full-restart', why: 'the readings are failing' };
}

/**
 * The index of the ladder rung to start with: the diagnosed rung, or the first heavier one the
 * ladder has (a ladder without reinit starts a terminal fault at full-restart). Undefined when
 * the ladder has no rung that can cure the fault (a ladder of reinit alone, and a dead bridge):
 * people at once.
 */
export function firstRungIndex(ladder: readonly LadderRung[], diagnosis: RungDiagnosis): number | undefined {
  const least = RUNGS.indexOf(diagnosis.rung);
  const at = ladder.findIndex((r) => RUNGS.indexOf(r.rung) >= least);
  return at < 0 ? undefined : at;
}
