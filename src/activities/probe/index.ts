/**
 * The probe activity: every check of the severity table against one bridge, in one report.
 *
 * `probeTarget(target)` reads, in parallel, the health endpoint and the accounts summary (each
 * with `target.probeTimeoutMs` and at most 1 MB of answer). It reads only what never disturbs the
 * bridge (docs/bridge.md): when the summary answers 404 it falls back on `GET /api/mt5/accounts`
 * (variant A's plain list), then on each login's read-only `GET /api/mt5/account/{login}/balance`.
 * It **never** calls `/api/mt5/account/{login}/info` on variant A, where that endpoint logs the
 * terminal in to the account; only a bridge whose health identifies it as variant B (a `cache`
 * block), whose info serves its cache, is asked there. The logins are `target.accounts`, or else
 * those this worker saw in the target's last summary; the fallback shares one more
 * `probeTimeoutMs`. A probe therefore takes at most about 2 × probeTimeoutMs: the activity's
 * timeout is `policy.probeActivityTimeoutMs` (src/shared/probe-timing.ts: 2 × PROBE_TIMEOUT +
 * 5 s), with few retries (a failed probe is a finding, not an error). Timestamps without an
 * offset are read in `target.bridgeTimeZone` (MT5_BRIDGE_TIMEZONE).
 *
 * Warm-up: while the health says `cache_complete: false`, the observation carries the time this
 * worker first saw that warm-up (`warmUpSince`), and classify() excuses the placeholders for
 * MT5_WARMUP_GRACE from then. The memory is per worker: a probe on another worker starts its own
 * count, which can only delay a verdict by the grace, never invent one.
 *
 * An unhealthy, unreachable, slow or malformed bridge is a RESULT (a CRITICAL report), never a
 * throw; this throws only when the probe itself cannot run (a programming error) or when the
 * activity is cancelled.
 *
 * `watchTarget(input)` (./watch-target.ts) runs `probeTarget` in a loop for the long-lived
 * monitor and hands a report back only when it changes.
 *
 * HTTP goes straight to the bridge: the default client ignores HTTP(S)_PROXY variables (inject
 * an AxiosInstance to use a proxy).
 */
import { activityCancellationSignal } from '../cancellation';
import axios, { type AxiosInstance } from 'axios';
import { classify } from './classify';
import type { ProbeActivities } from '../../shared/contracts';
import type { AccountReading, Observation, ProbeReport, Target } from '../../shared/types';
import { getJson, type JsonAnswer } from './get-json';
import { healthFields, normaliseHealth } from './normalise-health';
import { normaliseBalance, normaliseInfo, normaliseSummary } from './normalise-accounts';
import { type WatchDeps, createWatchActivity } from './watch-target';

export interface ProbeDeps {
  http?: AxiosInstance;
  now?: () => Date;
  /** Largest answer read from the bridge (default 1 MB). */
  maxResponseBytes?: number;
  /** Where the watch records the time its probes covered (the target's roll-up); absent: nowhere. */
  recordProbed?: WatchDeps['recordProbed'];
}

export const PROBE_MAX_RESPONSE_BYTES = 1024 * 1024;
/** Per-account info requests in flight at once (fallback path). */
const INFO_CONCURRENCY = 8;
/** At most this many logins are read one by one in the fallback. */
const MAX_INFO_LOGINS = 50;
/** At most this many readings are kept in an observation (it is stored in workflow history). */
const MAX_READINGS = 500;

export function createProbeActivities(deps: ProbeDeps = {}): ProbeActivities {
  const http = deps.http ?? axios.create({ proxy: false, headers: { 'User-Agent': 'fidus-autoheal-probe' } });
  const now = deps.now ?? (() => new Date());
  const maxBytes = deps.maxResponseBytes ?? PROBE_MAX_RESPONSE_BYTES;
  /** Logins seen in each target's last good summary: the fallback's list when MT5_ACCOUNTS is unset. */
  const knownLogins = new Map<string, string[]>();
  /** When this worker first saw each target warming up (cache_complete false), epoch ms. */
  const warmUps = new Map<string, number>();

  async function probeHealth(base: string, target: Target, signal: AbortSignal | undefined): Promise<Observation['health']> {
    const answer = await getJson(http, `${base}/api/mt5/bridge/health`, { timeoutMs: target.probeTimeoutMs, maxBytes, signal });
    const common = { latencyMs: answer.latencyMs, ...(answer.status === undefined ? {} : { httpStatus: answer.status }) };
    if (!answer.ok) {
      return { ok: false, error: answer.error ?? 'no answer', ...common, ...healthFields(answer.json) };
    }
    const health = normaliseHealth(answer.json);
    if (!health.ok) {
      const { ok: _ok, error, ...fields } = health;
      return { ok: false, error, ...common, ...fields };
    }
    const { ok: _ok, ...fields } = health;
    return { ok: true, ...common, ...fields };
  }

  async function probeAccounts(
    base: string,
    target: Target,
    signal: AbortSignal | undefined,
    health: Promise<Observation['health']>,
  ): Promise<Observation['accounts']> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const summary = await getJson(http, `${base}/api/mt5/accounts/summary`, { timeoutMs: target.probeTimeoutMs, maxBytes, signal });
    if (summary.status === 404) {
      const fallback = await readAccountsWithoutSummary(base, target, signal, await health);
      return { ...fallback, latencyMs: elapsed() };
    }
    if (!summary.ok) return { source: 'none', readings: [], error: `accounts summary: ${summary.error ?? 'no answer'}`, latencyMs: elapsed() };
    const normalised = normaliseSummary(summary.json, target.bridgeTimeZone);
    if (!normalised.ok) return { source: 'none', readings: [], error: normalised.error, latencyMs: elapsed() };
    knownLogins.set(target.id, normalised.readings.map((r) => r.login).slice(0, MAX_INFO_LOGINS));
    const malformed = normalised.malformed ? { malformed: normalised.malformed } : {};
    return { source: 'summary', ...keep(normalised.readings, target), ...malformed, latencyMs: elapsed() };
  }

  /** The summary is missing (HTTP 404): the plain list, else each login's balance (never A's info). */
  async function readAccountsWithoutSummary(
    base: string,
    target: Target,
    signal: AbortSignal | undefined,
    health: Observation['health'],
  ): Promise<Omit<Observation['accounts'], 'latencyMs'>> {
    const deadline = performance.now() + target.probeTimeoutMs;
    const list = await getJson(http, `${base}/api/mt5/accounts`, { timeoutMs: target.probeTimeoutMs, maxBytes, signal });
    if (list.ok) {
      const normalised = normaliseSummary(list.json, target.bridgeTimeZone);
      if (normalised.ok) {
        knownLogins.set(target.id, normalised.readings.map((r) => r.login).slice(0, MAX_INFO_LOGINS));
        return { source: 'accounts', ...keep(normalised.readings, target), ...(normalised.malformed ? { malformed: normalised.malformed } : {}) };
      }
    }
    const logins = (target.accounts.length > 0 ? target.accounts : (knownLogins.get(target.id) ?? [])).slice(0, MAX_INFO_LOGINS);
    if (logins.length === 0) {
      return {
        source: 'none',
        readings: [],
        error: 'accounts summary endpoint missing (HTTP 404), no account list, and no logins known for the per-account fallback: set MT5_ACCOUNTS',
      };
    }
    // Variant B's info serves its cache; on any other bridge info may log the terminal in: balance only.
    const variantB = health.cacheComplete !== undefined;
    const path = variantB ? 'info' : 'balance';
    const answers = await mapLimit(logins, INFO_CONCURRENCY, async (login): Promise<JsonAnswer | null> => {
      const left = Math.floor(deadline - performance.now());
      if (left <= 0) return null;
      return getJson(http, `${base}/api/mt5/account/${encodeURIComponent(login)}/${path}`, { timeoutMs: left, maxBytes, signal });
    });
    const readings: AccountReading[] = [];
    const failures: string[] = [];
    answers.forEach((answer, i) => {
      const login = logins[i] as string;
      const json = answer?.ok ? answer.json : undefined;
      const reading = json === undefined ? null : variantB ? normaliseInfo(json, login, target.bridgeTimeZone) : normaliseBalance(json, login, target.bridgeTimeZone);
      if (reading) readings.push(reading);
      else failures.push(`${login} (${answer === null ? 'probe deadline' : (answer.error ?? 'unexpected body')})`);
    });
    const error = failures.length ? `summary missing (HTTP 404); per-account ${path} failed for ${failures.join(', ')}` : undefined;
    return { source: variantB ? 'info' : 'balance', readings, ...(error ? { error } : {}) };
  }

  async function probeTarget(target: Target): Promise<ProbeReport> {
    const probedAt = now().toISOString();
    const base = target.url.replace(/\/+$/, '');
    const signal = activityCancellationSignal();
    const healthPromise = probeHealth(base, target, signal);
    const [health, accounts] = await Promise.all([healthPromise, probeAccounts(base, target, signal, healthPromise)]);
    const warmUpSince = noteWarmUp(target.id, health, probedAt);
    const observation: Observation = { targetId: target.id, probedAt, health, accounts, ...(warmUpSince ? { warmUpSince } : {}) };
    return { ...classify(observation, target), observation };
  }

  /** The start of the target's current warm-up as this worker saw it, or undefined when none. */
  function noteWarmUp(targetId: string, health: Observation['health'], probedAt: string): string | undefined {
    if (!health.ok || health.cacheComplete !== false) {
      warmUps.delete(targetId);
      return undefined;
    }
    const since = warmUps.get(targetId) ?? Date.parse(probedAt);
    warmUps.set(targetId, since);
    return new Date(since).toISOString();
  }

  return {
    probeTarget,
    ...createWatchActivity({ probeTarget, recordProbed: deps.recordProbed }),
  };
}

/** Keeps the listed logins' readings (or the first MAX_READINGS), so that history stays small. */
function keep(readings: AccountReading[], target: Target): Pick<Observation['accounts'], 'readings' | 'error'> {
  if (target.accounts.length > 0) {
    const listed = new Set(target.accounts);
    return { readings: readings.filter((r) => listed.has(r.login)) };
  }
  if (readings.length <= MAX_READINGS) return { readings };
  return { readings: readings.slice(0, MAX_READINGS), error: `the bridge listed ${readings.length} accounts; the first ${MAX_READINGS} were kept` };
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
