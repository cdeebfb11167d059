/**
 * `classify()`: what one probe's observation means, as the checks of the severity table
 * (docs/REQUIREMENTS.md; the thresholds in README "Configuration"). A pure function of the probe
 * activity: no I/O, no clock (time comes from `observation.probedAt`).
 *
 * | check         | CRITICAL (`fail`) when                          | WARNING (`warn`) when                  |
 * |---------------|-------------------------------------------------|----------------------------------------|
 * | bridge        | health endpoint failed (refused, timeout, non-2xx, not JSON, wrong shape) | — |
 * | database      | variant A's `mongodb.connected` is false: the bridge cannot read its database (`skip` when not reported) | — |
 * | terminal      | `mt5.available` false, or `terminal_info.connected` false or missing | — |
 * | trade_allowed | `terminal_info.trade_allowed` false (`skip` when target.requireTradeAllowed is false, or not reported) | — |
 * | balances      | every counted account less zeroBalanceOk shows $0 and none of those zeros is fresh live data | every one shows $0 and some (or all) are fresh live zeros: money moved, never a restart |
 * | sync_rate     | synced / expected < target.syncRateCritical      | —                                      |
 * | account       | —                                               | an account fails to sync, is missing, reads an unexpected $0, or the bridge listed malformed entries (login not digits) |
 * | clock         | —                                               | a live reading is dated more than FUTURE_TOLERANCE_MS after the probe: the bridge's clock or MT5_BRIDGE_TIMEZONE is wrong |
 *
 * Decisions (documented here because others rely on them):
 * - **Synced** = a finite balance that is not a placeholder (`dataSource` 'no_cache'), whose own
 *   time `readAt` is no older than `target.staleAfterMs` before `observation.probedAt`, whatever
 *   the `data_source` word: "live", "mt5_live", "cached" (variant B serves every healthy reading
 *   from its 5-minute cache) or none at all (variant A's MongoDB documents). Freshness lives in
 *   the reading's own time, never in the word. A reading **without `readAt` is not fresh** (so
 *   not synced): the probe's normaliser already falls back on the response's own timestamp, so a
 *   null here means the bridge gave no time at all. A reading dated up to FUTURE_TOLERANCE_MS
 *   after the probe counts as fresh (clock drift).
 * - **Warming up**: while the bridge says `cache_complete: false` (variant B after a start) for no
 *   longer than MT5_WARMUP_GRACE since this worker first saw it (`observation.warmUpSince`), its
 *   placeholders are not judged (balances, sync_rate and account leave them out) and the report
 *   carries `warmingUp`; past the grace they are judged like any placeholder, and the summary says
 *   how long the bridge has been warming up. Every other check is judged as always: a terminal
 *   that lost its broker during a warm-up is CRITICAL at once.
 * - **Clock problem**: a live, finite reading dated further in the future is not fresh data
 *   (not synced), and it is not evidence of a bridge failure either: a restart cannot fix a
 *   clock. The clock check warns; sync_rate and balances do not fail because of such readings,
 *   and the account check leaves them to the clock check. (A wrong MT5_BRIDGE_TIMEZONE shifts
 *   every reading by at least 15 minutes, the smallest gap between two zones' offsets.)
 * - **Counted accounts**: `target.accounts` when non-empty (a listed login absent from the
 *   bridge's answer counts as not synced); otherwise every account the bridge listed.
 *   Expected = `target.accounts.length` when non-empty, else `target.expectedAccounts`; accounts
 *   the bridge did not list count as not synced. Sync rate = min(1, synced / expected).
 * - **Shows $0** = balance 0 or no balance at all (a missing or placeholder account shows $0 on
 *   a dashboard). When the bridge listed no account at all, balances is `fail`.
 *   All zeros with a mix of fresh live zeros and non-synced accounts is `warn`, not `fail`: the
 *   terminal demonstrably delivers live data, and the non-synced ones are the sync_rate and
 *   account checks' business.
 * - When the bridge check fails every other check is `skip` and the severity is CRITICAL.
 * - Severity = the worst check (`fail` → CRITICAL, `warn` → WARNING).
 * - `summary` is the most important finding in words, in the runbook's style
 *   ("MT5 Terminal disconnected from broker. All accounts showing $0."): at most two findings;
 *   trade_allowed is implied by a failed terminal check and sync_rate by failed balances.
 * - When the terminal check fails, the caller logs `TERMINAL_NOT_CONNECTED_LOG`
 *   (see `isTerminalNotConnected`).
 *
 * Safe on nulls and wrong types anywhere in the observation or target: missing data is judged
 * as missing, never thrown on.
 */
import type { AccountReading, CheckName, CheckResult, CheckStatus, Classification, Observation, Severity, Target } from '../../shared/types';

import { warmUpGraceMs } from '../../shared/bridge-warm-up';
import { parseBridgeTime } from './bridge-time';

export { TERMINAL_NOT_CONNECTED_LOG } from '../../shared/log-lines';
export { isTerminalNotConnected } from '../../shared/report-checks';
export { parseBridgeTime } from './bridge-time';

const DEFAULT_SYNC_RATE_CRITICAL = 0.2;

/**
 * How far in the future a reading may be dated and still count as fresh: 2 minutes. Two
 * NTP-synced clocks agree within a second; a Windows VPS whose time service syncs rarely drifts
 * by tens of seconds; any time-zone mistake is 15 minutes or more. Two minutes tolerates the
 * drift and catches every zone mistake.
 */
export const FUTURE_TOLERANCE_MS = 2 * 60_000;

/** Why a reading is not synced, or null when it is synced. */
export function notSyncedReason(reading: AccountReading | null | undefined, probedAtMs: number, staleAfterMs: number): string | null {
  if (!reading) return 'not reported by the bridge';
  if (reading.dataSource === 'no_cache') return 'no_cache placeholder';
  if (finite(reading.balance) === null) return 'no balance';
  const readAt = parseBridgeTime(reading.readAt);
  if (Number.isNaN(readAt)) return reading.readAt ? 'unreadable timestamp' : 'no timestamp';
  if (Number.isNaN(probedAtMs)) return 'probe time unknown';
  const age = probedAtMs - readAt;
  if (age > staleAfterMs) return `stale, read ${describeAge(age)} ago`;
  if (-age > FUTURE_TOLERANCE_MS) return `dated ${describeAge(-age)} in the future (clock)`;
  return null;
}

/** How far a real (not placeholder), finite reading is dated beyond the future tolerance (ms), or null when it is not. */
export function aheadOfProbe(reading: AccountReading | null | undefined, probedAtMs: number): number | null {
  if (!reading || reading.dataSource === 'no_cache' || finite(reading.balance) === null) return null;
  const ahead = parseBridgeTime(reading.readAt) - probedAtMs;
  return Number.isFinite(ahead) && ahead > FUTURE_TOLERANCE_MS ? ahead : null;
}

/** True when the reading is a finite, fresh balance that is not a placeholder (see the module doc). */
export function isSynced(reading: AccountReading | null | undefined, probedAtMs: number, staleAfterMs: number): boolean {
  return notSyncedReason(reading, probedAtMs, staleAfterMs) === null;
}

interface Counted {
  login: string;
  reading: AccountReading | null;
  /** null when synced. */
  notSynced: string | null;
  balance: number | null;
  zeroOk: boolean;
  /** Dated this far in the future beyond the tolerance (a clock problem), else null. */
  aheadMs: number | null;
  /** A placeholder of a bridge warming up within its grace: not judged. */
  warming: boolean;
}

/** The bridge's warm-up as this probe saw it (see the module doc), or null when it is not warming up. */
interface WarmUp {
  since: string;
  forMs: number;
  graceMs: number;
  within: boolean;
  cached: number | null;
  total: number | null;
}

interface Judged extends CheckResult {
  /** Short phrase for the summary line. */
  headline?: string;
}

export function classify(observation: Observation, target: Target): Classification {
  const obs = (observation ?? {}) as Partial<Observation>;
  const health = (obs.health ?? {}) as Partial<Observation['health']>;
  const accountsPart = (obs.accounts ?? {}) as Partial<Observation['accounts']>;
  const healthLatency = finite(health.latencyMs) ?? undefined;
  const accountsLatency = finite(accountsPart.latencyMs) ?? undefined;
  const probedAtMs = parseBridgeTime(obs.probedAt);
  const staleAfterMs = finite(target?.staleAfterMs) ?? Number.POSITIVE_INFINITY;
  const zeroOk = new Set(strings(target?.zeroBalanceOk));
  const listed = strings(target?.accounts);

  const readings = new Map<string, AccountReading>();
  for (const raw of Array.isArray(accountsPart.readings) ? accountsPart.readings : []) {
    const reading = cleanReading(raw);
    if (!reading) continue;
    const seen = readings.get(reading.login);
    // A login reported twice: keep the synced reading if there is one.
    if (!seen || (!isSynced(seen, probedAtMs, staleAfterMs) && isSynced(reading, probedAtMs, staleAfterMs))) {
      readings.set(reading.login, reading);
    }
  }

  const warmUp = warmUpOf(obs, health, target, probedAtMs);
  const logins = listed.length > 0 ? [...new Set(listed)] : [...readings.keys()];
  const counted: Counted[] = logins.map((login) => {
    const reading = readings.get(login) ?? null;
    return {
      login,
      reading,
      notSynced: notSyncedReason(reading, probedAtMs, staleAfterMs),
      balance: reading ? finite(reading.balance) : null,
      zeroOk: zeroOk.has(login),
      aheadMs: aheadOfProbe(reading, probedAtMs),
      warming: warmUp?.within === true && reading?.dataSource === 'no_cache',
    };
  });
  const warming = counted.filter((c) => c.warming).length;
  const expected = listed.length > 0 ? logins.length : Math.max(0, Math.floor(finite(target?.expectedAccounts) ?? 0));
  const synced = counted.filter((c) => c.notSynced === null).length;
  const ahead = counted.filter((c) => c.aheadMs !== null);
  const malformed = Math.max(0, Math.floor(finite(accountsPart.malformed) ?? 0));
  const syncRate = expected > 0 ? Math.min(1, synced / expected) : 1;
  const unreported = listed.length > 0 ? 0 : Math.max(0, expected - counted.length);

  const checks: Judged[] = [];
  const bridgeOk = health.ok === true;
  checks.push(bridgeCheck(health, bridgeOk, healthLatency));

  if (!bridgeOk) {
    const skipped = 'Not evaluated: the MT5 Bridge health check failed.';
    for (const check of ['terminal', 'trade_allowed'] as const) checks.push({ check, status: 'skip', evidence: skipped, latencyMs: healthLatency });
    if (health.databaseConnected !== undefined) checks.splice(1, 0, { check: 'database', status: 'skip', evidence: skipped, latencyMs: healthLatency });
    for (const check of ['balances', 'sync_rate', 'account', 'clock'] as const) checks.push({ check, status: 'skip', evidence: skipped, latencyMs: accountsLatency });
  } else {
    const database = databaseCheck(health, healthLatency);
    if (database) checks.push(database);
    checks.push(terminalCheck(health, healthLatency));
    checks.push(tradeAllowedCheck(health, target?.requireTradeAllowed !== false, healthLatency));
    checks.push(balancesCheck(counted, expected, accountsPart.error, accountsLatency, warmUp));
    checks.push(syncRateCheck(synced, ahead.length + warming, expected, syncRate, target?.syncRateCritical, accountsLatency, warming));
    checks.push(accountCheck(counted, unreported, malformed, accountsPart.error, accountsLatency));
    checks.push(clockCheck(counted, ahead, target?.bridgeTimeZone, accountsLatency));
  }

  const severity = worst(checks);
  const within = warmUp?.within ? warmUp : undefined;
  return {
    severity,
    checks: checks.map(({ headline: _headline, ...check }) => withoutUndefined(check)),
    syncRate,
    syncedAccounts: synced,
    expectedAccounts: expected,
    summary: summarise(severity, checks, synced, expected, warmUp),
    ...(within ? { warmingUp: { since: within.since, forMs: within.forMs, graceMs: within.graceMs, cached: within.cached, total: within.total } } : {}),
  };
}

function warmUpOf(obs: Partial<Observation>, health: Partial<Observation['health']>, target: Target, probedAtMs: number): WarmUp | null {
  if (health.ok !== true || health.cacheComplete !== false || typeof obs.warmUpSince !== 'string') return null;
  const sinceMs = parseBridgeTime(obs.warmUpSince);
  if (Number.isNaN(sinceMs) || Number.isNaN(probedAtMs)) return null;
  const graceMs = warmUpGraceMs(target);
  const forMs = Math.max(0, probedAtMs - sinceMs);
  const cached = finite(health.cachedAccounts);
  const readings = Array.isArray(obs.accounts?.readings) ? obs.accounts.readings.length : null;
  return { since: obs.warmUpSince, forMs, graceMs, within: forMs <= graceMs, cached, total: readings };
}

function describeWarmUp(w: WarmUp): string {
  const cache = w.cached !== null && w.total !== null ? `${w.cached}/${w.total} accounts cached` : 'cache not complete';
  return `warming up for ${describeAge(w.forMs)} (${cache}; MT5_WARMUP_GRACE ${describeAge(w.graceMs)})`;
}

// ------------------------------------------------------------------ checks

function bridgeCheck(health: Partial<Observation['health']>, ok: boolean, latencyMs: number | undefined): Judged {
  const claimed = typeof health.claimedStatus === 'string' && health.claimedStatus ? ` (status "${health.claimedStatus}")` : '';
  if (ok) {
    const status = typeof health.httpStatus === 'number' ? `HTTP ${health.httpStatus}` : 'a JSON answer';
    return { check: 'bridge', status: 'ok', evidence: `MT5 Bridge health endpoint answered ${status}${claimed}.`, latencyMs };
  }
  const why = typeof health.error === 'string' && health.error ? health.error : typeof health.httpStatus === 'number' ? `HTTP ${health.httpStatus}` : 'no answer';
  return {
    check: 'bridge',
    status: 'fail',
    evidence: `MT5 Bridge health check failed: ${why}.`,
    headline: `MT5 Bridge health check failed: ${why}.`,
    latencyMs,
  };
}

function databaseCheck(health: Partial<Observation['health']>, latencyMs: number | undefined): Judged | null {
  if (health.databaseConnected === undefined || health.databaseConnected === null) return null;
  if (health.databaseConnected) return { check: 'database', status: 'ok', evidence: 'The bridge reads its database (mongodb.connected is true).', latencyMs };
  return {
    check: 'database',
    status: 'fail',
    evidence: 'The bridge cannot read its database (mongodb.connected is false): it has no stored readings to serve, whatever the terminal says.',
    headline: 'MT5 Bridge cannot read its database (MongoDB down).',
    latencyMs,
  };
}

function terminalCheck(health: Partial<Observation['health']>, latencyMs: number | undefined): Judged {
  if (health.mt5Available === false) {
    return {
      check: 'terminal',
      status: 'fail',
      evidence: 'MT5 Terminal NOT CONNECTED: the bridge reports MT5 not available (mt5.available is false).',
      headline: 'MT5 Terminal not available to the bridge.',
      latencyMs,
    };
  }
  if (health.connected === true) return { check: 'terminal', status: 'ok', evidence: 'MT5 Terminal connected to broker.', latencyMs };
  if (health.connected === false) {
    return {
      check: 'terminal',
      status: 'fail',
      evidence: 'MT5 Terminal NOT CONNECTED to broker (terminal_info.connected is false).',
      headline: 'MT5 Terminal disconnected from broker.',
      latencyMs,
    };
  }
  return {
    check: 'terminal',
    status: 'fail',
    evidence: 'MT5 Terminal NOT CONNECTED to broker: the bridge did not report terminal_info.connected (treated as disconnected).',
    headline: 'MT5 Terminal connection not reported (treated as disconnected).',
    latencyMs,
  };
}

function tradeAllowedCheck(health: Partial<Observation['health']>, required: boolean, latencyMs: number | undefined): Judged {
  if (!required) {
    return { check: 'trade_allowed', status: 'skip', evidence: 'Off: MT5_REQUIRE_TRADE_ALLOWED is false (investor-password logins).', latencyMs };
  }
  if (health.tradeAllowed === true) return { check: 'trade_allowed', status: 'ok', evidence: 'Trading allowed on the MT5 Terminal.', latencyMs };
  if (health.tradeAllowed === false) {
    return {
      check: 'trade_allowed',
      status: 'fail',
      evidence: 'Trading not allowed on the MT5 Terminal (terminal_info.trade_allowed is false).',
      headline: 'Trading not allowed on the MT5 Terminal (trade_allowed: false).',
      latencyMs,
    };
  }
  return { check: 'trade_allowed', status: 'skip', evidence: 'Not evaluated: the bridge did not report terminal_info.trade_allowed.', latencyMs };
}

function balancesCheck(counted: Counted[], expected: number, error: unknown, latencyMs: number | undefined, warmUp: WarmUp | null): Judged {
  if (warmUp?.within && counted.length > 0 && counted.every((c) => c.warming || c.zeroOk)) {
    return { check: 'balances', status: 'skip', evidence: `Not evaluated: the bridge is ${describeWarmUp(warmUp)}; its $0 placeholders are not readings.`, latencyMs };
  }
  if (counted.length === 0) {
    if (expected === 0) return { check: 'balances', status: 'skip', evidence: 'No account expected.', latencyMs };
    const why = typeof error === 'string' && error ? error : 'the bridge listed no accounts';
    return { check: 'balances', status: 'fail', evidence: `No account balance returned: ${why}.`, headline: `No account balances returned (${why}).`, latencyMs };
  }
  const judged = counted.filter((c) => !c.zeroOk && !c.warming);
  if (judged.length === 0) {
    return { check: 'balances', status: 'skip', evidence: 'Every account is allowed to read $0 (MT5_ZERO_BALANCE_OK).', latencyMs };
  }
  const zeros = judged.filter((c) => c.balance === null || c.balance === 0);
  if (zeros.length < judged.length) {
    const nonZero = judged.length - zeros.length;
    return {
      check: 'balances',
      status: 'ok',
      evidence: `${nonZero} of ${judged.length} accounts show a non-zero balance.`,
      latencyMs,
      accounts: zeros.length ? zeros.map((c) => c.login) : undefined,
    };
  }
  const accounts = zeros.map((c) => c.login);
  // A zero dated in the future is live data whose freshness a wrong clock hides: not a failure.
  const freshLive = zeros.filter((c) => c.notSynced === null || c.aheadMs !== null);
  if (freshLive.length === 0) {
    const stuck = warmUp && !warmUp.within ? ` The bridge has been ${describeWarmUp(warmUp)}: past its grace.` : '';
    return {
      check: 'balances',
      status: 'fail',
      evidence: `All ${zeros.length} accounts showing $0, none from fresh live data: ${describeAccounts(zeros)}.${stuck}`,
      headline: warmUp && !warmUp.within ? `All accounts showing $0: still ${describeWarmUp(warmUp)}.` : 'All accounts showing $0.',
      latencyMs,
      accounts,
    };
  }
  if (freshLive.length === zeros.length) {
    return {
      check: 'balances',
      status: 'warn',
      evidence: `All ${zeros.length} accounts read $0 from fresh live data: money moved (not a bridge failure; no restart).`,
      headline: 'All accounts read $0 with fresh live data (money moved?).',
      latencyMs,
      accounts,
    };
  }
  return {
    check: 'balances',
    status: 'warn',
    evidence: `All ${zeros.length} accounts show $0: ${freshLive.length} from fresh live data (money moved), the others not synced: ${describeAccounts(
      zeros.filter((c) => c.notSynced !== null),
    )}.`,
    headline: `All accounts show $0 (${freshLive.length} fresh live zeros, the rest not synced).`,
    latencyMs,
    accounts,
  };
}

function syncRateCheck(
  synced: number,
  excused: number,
  expected: number,
  rate: number,
  threshold: unknown,
  latencyMs: number | undefined,
  warming: number,
): Judged {
  if (expected === 0) return { check: 'sync_rate', status: 'skip', evidence: 'No account expected.', latencyMs };
  const limit = finite(threshold) ?? DEFAULT_SYNC_RATE_CRITICAL;
  const ahead = excused - warming;
  const aheadNote =
    (ahead ? `; ${ahead} more read but dated in the future (see the clock check)` : '') +
    (warming ? `; ${warming} placeholder${warming === 1 ? '' : 's'} while the bridge warms up` : '');
  const figures = `${percent(rate)} (${synced}/${expected} accounts synced${aheadNote})`;
  // Readings hidden by a wrong clock, and a warm-up's placeholders, are not a bridge failure.
  if (Math.min(1, (synced + excused) / expected) < limit) {
    return {
      check: 'sync_rate',
      status: 'fail',
      evidence: `Sync success rate ${figures}, below the ${percent(limit)} threshold.`,
      headline: `Sync success rate ${figures}, below ${percent(limit)}.`,
      latencyMs,
    };
  }
  return { check: 'sync_rate', status: 'ok', evidence: `Sync success rate ${figures}.`, latencyMs };
}

function accountCheck(counted: Counted[], unreported: number, malformed: number, error: unknown, latencyMs: number | undefined): Judged {
  const failing = counted.filter((c) => c.notSynced !== null && c.aheadMs === null && !c.warming);
  const unexpectedZero = counted.filter((c) => c.notSynced === null && c.balance === 0 && !c.zeroOk);
  if (failing.length === 0 && unexpectedZero.length === 0 && unreported === 0 && malformed === 0) {
    return { check: 'account', status: 'ok', evidence: `All ${counted.length} accounts synced with live balances.`, latencyMs };
  }
  const sentences: string[] = [];
  const headlines: string[] = [];
  if (failing.length === 1) {
    const [one] = failing as [Counted];
    sentences.push(`Account ${one.login} failed to sync (${one.notSynced}).`);
    headlines.push(`Account ${one.login} failed to sync.`);
  } else if (failing.length > 1) {
    sentences.push(`${failing.length} accounts failed to sync: ${describeAccounts(failing)}.`);
    headlines.push(`${failing.length} accounts failed to sync.`);
  }
  if (unreported > 0) {
    const why = typeof error === 'string' && error ? `: ${error}` : '';
    sentences.push(`${unreported} expected account${unreported === 1 ? ' was' : 's were'} not reported by the bridge${why}.`);
    headlines.push(`${unreported} expected account${unreported === 1 ? '' : 's'} not reported.`);
  }
  if (unexpectedZero.length === 1) {
    const [one] = unexpectedZero as [Counted];
    sentences.push(`Account ${one.login} reads an unexpected $0 (live).`);
    headlines.push(`Account ${one.login} reads an unexpected $0.`);
  } else if (unexpectedZero.length > 1) {
    sentences.push(`${unexpectedZero.length} accounts read an unexpected $0 (live): ${unexpectedZero.map((c) => c.login).join(', ')}.`);
    headlines.push(`${unexpectedZero.length} accounts read an unexpected $0.`);
  }
  if (malformed > 0) {
    const entries = `${malformed} account entr${malformed === 1 ? 'y' : 'ies'}`;
    sentences.push(`The bridge listed ${entries} that could not be read (login not digits, or not an object); ignored.`);
    headlines.push(`${entries} from the bridge malformed.`);
  }
  return {
    check: 'account',
    status: 'warn',
    evidence: sentences.join(' '),
    headline: headlines.join(' '),
    latencyMs,
    accounts: [...failing, ...unexpectedZero].map((c) => c.login),
  };
}

function clockCheck(counted: Counted[], ahead: Counted[], timeZone: unknown, latencyMs: number | undefined): Judged {
  const dated = counted.filter((c) => c.reading && c.reading.dataSource !== 'no_cache' && c.reading.readAt);
  if (dated.length === 0) return { check: 'clock', status: 'skip', evidence: 'No reading with a timestamp to compare.', latencyMs };
  if (ahead.length === 0) {
    return { check: 'clock', status: 'ok', evidence: "The bridge's timestamps agree with this worker's clock.", latencyMs };
  }
  const most = Math.max(...ahead.map((c) => c.aheadMs ?? 0));
  const zone = typeof timeZone === 'string' && timeZone ? timeZone : 'UTC';
  const list = ahead.slice(0, 8).map((c) => c.login).join(', ') + (ahead.length > 8 ? ` and ${ahead.length - 8} more` : '');
  return {
    check: 'clock',
    status: 'warn',
    evidence:
      `${ahead.length} account reading${ahead.length === 1 ? ' is' : 's are'} dated up to ${describeAge(most)} in the future ` +
      `(beyond the ${describeAge(FUTURE_TOLERANCE_MS)} tolerance): the bridge's clock or MT5_BRIDGE_TIMEZONE (${zone}) is wrong, ` +
      `so their freshness cannot be judged (not counted as synced; no restart): ${list}.`,
    headline: `Bridge timestamps up to ${describeAge(most)} in the future: clock or MT5_BRIDGE_TIMEZONE wrong.`,
    latencyMs,
    accounts: ahead.map((c) => c.login),
  };
}

// ------------------------------------------------------------------ severity and summary

const RANK: Record<CheckStatus, number> = { skip: 0, ok: 0, warn: 1, fail: 2 };

function worst(checks: Judged[]): Severity {
  const rank = Math.max(0, ...checks.map((c) => RANK[c.status]));
  return rank === 2 ? 'CRITICAL' : rank === 1 ? 'WARNING' : 'HEALTHY';
}

function summarise(severity: Severity, checks: Judged[], synced: number, expected: number, warmUp: WarmUp | null): string {
  const by = (name: CheckName) => checks.find((c) => c.check === name);
  if (severity === 'HEALTHY') {
    if (warmUp?.within) return `MT5 Bridge ${describeWarmUp(warmUp)}: ${synced}/${expected} accounts synced so far; not a fault yet.`;
    return `MT5 Bridge healthy: ${synced}/${expected} accounts synced with live balances.`;
  }
  const status: CheckStatus = severity === 'CRITICAL' ? 'fail' : 'warn';
  const implied = new Set<CheckName>();
  // A bridge that cannot read its database has no readings: the account checks say it again.
  if (by('database')?.status === 'fail') for (const name of ['balances', 'sync_rate'] as const) implied.add(name);
  if (by('terminal')?.status === 'fail') implied.add('trade_allowed');
  if (by('balances')?.status === status) implied.add(status === 'fail' ? 'sync_rate' : 'account');
  const phrases = checks
    .filter((c) => c.status === status && !implied.has(c.check))
    .map((c) => c.headline ?? c.evidence)
    .slice(0, 2);
  return phrases.join(' ');
}

// ------------------------------------------------------------------ helpers

function cleanReading(raw: unknown): AccountReading | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Partial<AccountReading>;
  const login = typeof r.login === 'string' ? r.login.trim() : typeof r.login === 'number' && Number.isFinite(r.login) ? String(r.login) : '';
  if (!login) return null;
  const dataSource = r.dataSource === 'live' || r.dataSource === 'cached' || r.dataSource === 'no_cache' ? r.dataSource : 'unknown';
  return {
    login,
    name: typeof r.name === 'string' ? r.name : undefined,
    balance: finite(r.balance),
    equity: finite(r.equity),
    dataSource,
    readAt: typeof r.readAt === 'string' ? r.readAt : null,
  };
}

function describeAccounts(list: Counted[]): string {
  const shown = list.slice(0, 8).map((c) => `${c.login} (${c.notSynced ?? (c.balance === 0 ? 'live $0' : 'synced')})`);
  return list.length > shown.length ? `${shown.join(', ')} and ${list.length - shown.length} more` : shown.join(', ');
}

function describeAge(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.round(ms / 1000)} s`;
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}

function percent(rate: number): string {
  const value = rate * 100;
  return `${Number.isInteger(value) ? value : Number(value.toFixed(1))}%`;
}

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function strings(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((v) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '')).filter((v) => v !== '');
}

function withoutUndefined(check: CheckResult): CheckResult {
  const out = { ...check };
  if (out.latencyMs === undefined) delete out.latencyMs;
  if (out.accounts === undefined) delete out.accounts;
  return out;
}
