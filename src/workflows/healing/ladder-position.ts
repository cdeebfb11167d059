/**
 * Where an incident stands on its target's remediation ladder (docs/remediation.md, "The
 * ladder"): the rung the next automatic attempt takes, the rung an operator's force takes, the
 * climb after a failed attempt, and each rung's own spacing (the last full restart and the last
 * reinit of the target, read from the attempt ledger). Workflow code: deterministic.
 */
import {
  DEFAULT_REINIT_COOLDOWN_MS,
  DEFAULT_REINIT_VERIFY_TIMEOUT_MS,
  type LadderRung,
  type Rung,
  ladderOf,
} from '../../shared/remediation-ladder';
import type { HealingPolicy } from '../../shared/types';

export class LadderPosition {
  /** The target's ladder (REMEDIATION_LADDER; today's single full restart by default). */
  readonly ladder: LadderRung[];
  /** The rung the next automatic attempt takes: chosen by the diagnosis at open, then one up per failed attempt. */
  index: number;
  /** The diagnosis calls for a rung the ladder does not have (a dead bridge, a ladder of reinit alone): people at once. */
  noCuringRung = false;
  /** Last full restart dispatched to the target (RESTART_COOLDOWN spaces these). */
  lastFullRestartMs = Number.NEGATIVE_INFINITY;
  /** Last reinit of the target (REINIT_COOLDOWN spaces these; a reinit does not consume RESTART_COOLDOWN). */
  lastReinitMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly policy: HealingPolicy,
    carriedIndex = 0,
  ) {
    this.ladder = ladderOf(policy);
    this.index = Math.min(carriedIndex, this.ladder.length - 1);
  }

  /** The rung of the next automatic attempt. */
  current(): LadderRung {
    return this.ladder[this.index] as LadderRung;
  }

  /** The last rung of the ladder (the one that repeats). */
  isLast(rung: Rung): boolean {
    return this.ladder[this.ladder.length - 1]?.rung === rung;
  }

  /** The rung an attempt takes: the operator's choice (`incident force --rung`), else the current one. */
  rungFor(chosen: Rung | undefined): LadderRung {
    if (!chosen || chosen === this.current().rung) return this.current();
    const inLadder = this.ladder.find((r) => r.rung === chosen);
    if (inLadder) return inLadder;
    // a rung the target's ladder does not have: the operator's decision, with its default timing
    return chosen === 'reinit'
      ? { rung: 'reinit', verifyTimeoutMs: DEFAULT_REINIT_VERIFY_TIMEOUT_MS, cooldownMs: DEFAULT_REINIT_COOLDOWN_MS }
      : { rung: 'full-restart', verifyTimeoutMs: this.policy.verifyTimeoutMs, cooldownMs: this.policy.restartCooldownMs };
  }

  /** After a failed attempt of `rung`: the next automatic attempt takes the next rung (the last one repeats). */
  climbAfter(rung: Rung | undefined): void {
    const at = this.ladder.findIndex((r) => r.rung === (rung ?? 'full-restart'));
    this.index = Math.min(Math.max(at, this.index) + 1, this.ladder.length - 1);
  }

  /** When `rung` was last dispatched to the target (its own spacing). */
  lastDispatchOf(rung: Rung): number {
    return rung === 'reinit' ? this.lastReinitMs : this.lastFullRestartMs;
  }

  setLastDispatch(rung: Rung, ms: number): void {
    if (rung === 'reinit') this.lastReinitMs = ms;
    else this.lastFullRestartMs = ms;
  }
}
