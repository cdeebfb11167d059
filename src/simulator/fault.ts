/**
 * The simulator's fault model: which failure the bridge shows, and how it answers a restart.
 * One fault mode is active at a time; a fault and its restart behaviour are set together
 * (`setFault`, or `POST /_sim/fault` with the same JSON).
 */
import { z } from 'zod';
import { AutohealError } from '../shared/errors';

export const FAULT_MODES = [
  'none',
  /** Health, summary and info connections are destroyed (connection reset). */
  'bridge_down',
  /** Health, summary and info answer HTTP 500. */
  'http_500',
  /** terminal_info.connected false (and trade_allowed false); accounts are no_cache placeholders at $0. */
  'terminal_disconnected',
  /** terminal_info.trade_allowed false; everything else healthy. */
  'trade_not_allowed',
  /** Health says healthy and connected; every account is a no_cache placeholder at 0.0. */
  'placeholder_zeros',
  /** Every balance is 0, live and fresh: money moved. */
  'live_zeros',
  /** `failing` accounts (default 6) fail to sync, the way `failure` says. */
  'sync_degraded',
  /** One account (`login`, default the last) fails to sync, the way `failure` says. */
  'account_failing',
  /** Health, summary and info answer after `delayMs` (default 10 s, beyond the 5 s probe timeout; also malformed drip's length). */
  'slow',
  /**
   * Health answers 200 with a body that is not JSON (`variant` html, truncated), not its shape
   * (`shape`), 5 MB of JSON (`huge`), a few bytes at a time for `delayMs` (`drip`); or health and
   * summary answer JSON whose fields have the wrong types (`types`).
   */
  'malformed',
  /** The summary (and A's /api/mt5/accounts) answer 404; A's per-account balance and B's info still work. */
  'summary_missing',
  /** Accounts are live but their timestamps are `staleByMs` old (default 1 h): the sync service (A) or refresh loop (B) died. */
  'stale',
  /** Variant A only: MongoDB down (health `mongodb.connected: false`, the account endpoints 503 "MongoDB not available"). */
  'mongo_down',
] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export const RESTART_BEHAVIOURS = [
  /** 200 {success:true}; the fault clears healAfterMs later, then placeholderMs of no_cache placeholders. */
  'heal',
  /** HTTP 500; the fault stays. */
  'fail',
  /** 200 {success:false, error:"... IPC timeout ..."}; the fault stays. */
  'success_false',
  /** 200 {success:true}, but the fault stays. */
  'lie',
] as const;
export type RestartBehaviour = (typeof RESTART_BEHAVIOURS)[number];

export const MALFORMED_VARIANTS = ['html', 'truncated', 'shape', 'huge', 'drip', 'types'] as const;
export type MalformedVariant = (typeof MALFORMED_VARIANTS)[number];

const ms = z.number().int().min(0).max(24 * 3_600_000);

/** The JSON body of `POST /_sim/fault`, and the argument of `setFault`. */
export const faultInputSchema = z.strictObject({
  mode: z.enum(FAULT_MODES).optional(),
  /** sync_degraded: how many accounts fail. */
  failing: z.number().int().min(0).max(10_000).optional(),
  /** account_failing: which login fails. */
  login: z.union([z.string().min(1), z.number().int()]).transform(String).optional(),
  /** sync_degraded / account_failing: a no_cache placeholder, missing from the summary, or stale live data. */
  failure: z.enum(['no_cache', 'missing', 'stale']).optional(),
  /** slow: the delay before answering. */
  delayMs: ms.optional(),
  /**
   * malformed: html (default) and truncated are not JSON; shape is JSON of the wrong shape; huge is
   * 5 MB of JSON; drip sends a byte every 250 ms for delayMs; types has fields of the wrong types.
   */
  variant: z.enum(MALFORMED_VARIANTS).optional(),
  /** stale (and failure 'stale'): how old the readings are. */
  staleByMs: ms.optional(),
  /** How restarts are answered; a list is used in order (the last one repeats). */
  restart: z.union([z.enum(RESTART_BEHAVIOURS), z.array(z.enum(RESTART_BEHAVIOURS)).min(1)]).optional(),
  /** heal: delay between the restart call and the fault clearing. */
  healAfterMs: ms.optional(),
  /** heal, by the emergency-restart (a re-initialisation, seconds): its own delay; default healAfterMs. */
  reinitHealAfterMs: ms.optional(),
  /** The restart endpoint acts at once but answers this late (a lost answer, for timeout tests). */
  restartAnswerDelayMs: ms.optional(),
  /** heal: how long the accounts are no_cache placeholders after the heal (cache refill). */
  placeholderMs: ms.optional(),
  /** Flapping: the fault shows for flapMs, then the bridge is healthy for flapMs, and so on (0: steady). */
  flapMs: ms.optional(),
});
export type FaultInput = z.input<typeof faultInputSchema>;

/** A fault with every default filled in: what `state()` reports. */
export interface Fault {
  mode: FaultMode;
  failing: number;
  login?: string;
  failure: 'no_cache' | 'missing' | 'stale';
  delayMs: number;
  variant: MalformedVariant;
  staleByMs: number;
  restart: RestartBehaviour[];
  healAfterMs: number;
  /** The emergency-restart's heal delay. */
  reinitHealAfterMs: number;
  placeholderMs: number;
  /** 0: the fault is steady; else it shows for flapMs, then is gone for flapMs, and so on. */
  flapMs: number;
  restartAnswerDelayMs: number;
}

export interface FaultDefaults {
  healAfterMs: number;
  placeholderMs: number;
}

/** Thrown when a fault description is invalid; the message lists what is wrong. */
export class InvalidFaultError extends AutohealError {}

/** Validates a fault description (from code or from JSON) and fills in the defaults. */
export function parseFault(input: unknown, defaults: FaultDefaults): Fault {
  const parsed = faultInputSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const text = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    throw new InvalidFaultError(`invalid fault: ${text}; modes: ${FAULT_MODES.join(', ')}; restart: ${RESTART_BEHAVIOURS.join(', ')}`);
  }
  const f = parsed.data;
  const restart = f.restart === undefined ? ['heal' as const] : Array.isArray(f.restart) ? f.restart : [f.restart];
  return {
    mode: f.mode ?? 'none',
    failing: f.failing ?? 6,
    login: f.login,
    failure: f.failure ?? 'no_cache',
    delayMs: f.delayMs ?? 10_000,
    variant: f.variant ?? 'html',
    staleByMs: f.staleByMs ?? 3_600_000,
    restart,
    healAfterMs: f.healAfterMs ?? defaults.healAfterMs,
    reinitHealAfterMs: f.reinitHealAfterMs ?? f.healAfterMs ?? defaults.healAfterMs,
    placeholderMs: f.placeholderMs ?? defaults.placeholderMs,
    flapMs: f.flapMs ?? 0,
    restartAnswerDelayMs: f.restartAnswerDelayMs ?? 0,
  };
}
