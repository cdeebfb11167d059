/**
 * The probe activity: every check of the severity table against one bridge, in one report.
 *
 * `probeTarget(target)` reads, in parallel, the health endpoint and the accounts summary (each
 * with `target.probeTimeoutMs` and at most 1 MB of answer). When the summary endpoint answers
 * 404 it falls back on the per-account info endpoint for `target.accounts`, or else for the
 * logins this worker saw in the target's last summary; those requests share one more
 * `probeTimeoutMs`. A probe therefore takes at most about 2 × probeTimeoutMs: the activity's
 * timeout is `policy.probeActivityTimeoutMs` (src/shared/probe-timing.ts: 2 × PROBE_TIMEOUT +
 * 5 s), with few retries (a failed probe is a finding, not an error). Timestamps without an
 * offset are read in `target.bridgeTimeZone` (MT5_BRIDGE_TIMEZONE).
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
import { normaliseInfo, normaliseSummary } from './normalise-accounts';
import { createWatchActivity } from './watch-target';

export interface ProbeDeps {
  http?: AxiosInstance;
  now?: () => Date;
  /** Largest answer read from the bridge (default 1 MB). */
  maxResponseBytes?: number;
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

  async function probeAccounts(base: string, target: Target, signal: AbortSignal | undefined): Promise<Observation['accounts']> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const summary = await getJson(http, `${base}/api/mt5/accounts/summary`, { timeoutMs: target.probeTimeoutMs, maxBytes, signal });
    if (summary.status === 404) {
      const fallback = await readAccountsOneByOne(base, target, signal);
      return { ...fallback, latencyMs: elapsed() };
    }
    if (!summary.ok) return { source: 'none', readings: [], error: `accounts summary: ${summary.error ?? 'no answer'}`, latencyMs: elapsed() };
    const normalised = normaliseSummary(summary.json, target.bridgeTimeZone);
    if (!normalised.ok) return { source: 'none', readings: [], error: normalised.error, latencyMs: elapsed() };
    knownLogins.set(target.id, normalised.readings.map((r) => r.login).slice(0, MAX_INFO_LOGINS));
    const malformed = normalised.malformed ? { malformed: normalised.malformed } : {};
    return { source: 'summary', ...keep(normalised.readings, target), ...malformed, latencyMs: elapsed() };
  }

  async function readAccountsOneByOne(base: string, target: Target, signal: AbortSignal | undefined): Promise<Omit<Observation['accounts'], 'latencyMs'>> {
    const logins = (target.accounts.length > 0 ? target.accounts : (knownLogins.get(target.id) ?? [])).slice(0, MAX_INFO_LOGINS);
    if (logins.length === 0) {
      return {
        source: 'none',
        readings: [],
        error: 'accounts summary endpoint missing (HTTP 404) and no logins known for the per-account fallback: set MT5_ACCOUNTS',
      };
    }
    const deadline = performance.now() + target.probeTimeoutMs;
    const answers = await mapLimit(logins, INFO_CONCURRENCY, async (login): Promise<JsonAnswer | null> => {
      const left = Math.floor(deadline - performance.now());
      if (left <= 0) return null;
      return getJson(http, `${base}/api/mt5/account/${encodeURIComponent(login)}/info`, { timeoutMs: left, maxBytes, signal });
    });
    const readings: AccountReading[] = [];
    const failures: string[] = [];
    answers.forEach((answer, i) => {
      const login = logins[i] as string;
      const reading = answer?.ok ? normaliseInfo(answer.json, login, target.bridgeTimeZone) : null;
      if (reading) readings.push(reading);
      else failures.push(`${login} (${answer === null ? 'probe deadline' : (answer.error ?? 'unexpected body')})`);
    });
    const error = failures.length ? `summary missing (HTTP 404); per-account info failed for ${failures.join(', ')}` : undefined;
    return { source: 'info', readings, ...(error ? { error } : {}) };
  }

  async function probeTarget(target: Target): Promise<ProbeReport> {
    const probedAt = now().toISOString();
    const base = target.url.replace(/\/+$/, '');
    const signal = activityCancellationSignal();
    const [health, accounts] = await Promise.all([probeHealth(base, target, signal), probeAccounts(base, target, signal)]);
    const observation: Observation = { targetId: target.id, probedAt, health, accounts };
    return { ...classify(observation, target), observation };
  }

  return {
    probeTarget,
    ...createWatchActivity({ probeTarget }),
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
