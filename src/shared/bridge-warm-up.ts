/**
 * How long a bridge may warm up before its placeholders count as a fault (MT5_WARMUP_GRACE).
 *
 * Variant B (the seed's "4.0-multi-account") has no database: after every start it serves
 * placeholders (`data_source: "no_cache"`, balance 0.0, `cache_complete: false`) until its first
 * refresh round has logged in to every account. That round starts 10 s after the start and takes
 * about 2 s per account (7 accounts: about 25 s). When a round fails as a whole the bridge waits
 * 60 s and tries again. Two minutes covers the first round, one failed round with its 60 s back-off
 * and a second round, with margin; a bridge still warming up after that is not going to finish on
 * its own, and is CRITICAL like any other placeholder bridge.
 */
export const DEFAULT_WARMUP_GRACE_MS = 2 * 60_000;

/** The grace of a target (targets from before MT5_WARMUP_GRACE have none set: the default). */
export function warmUpGraceMs(target: { warmUpGraceMs?: number } | undefined): number {
  const value = target?.warmUpGraceMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : DEFAULT_WARMUP_GRACE_MS;
}
