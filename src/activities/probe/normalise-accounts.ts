/**
 * Account bodies → AccountReadings. Only the fields the checks read are kept (login, name,
 * balance, equity, data_source, the reading's time): a bridge body can carry secrets (variant A's
 * summary hands out each MongoDB document whole, `password` and `server` included), and nothing
 * else of it goes further than this file.
 *
 * Summary (`GET /api/mt5/accounts/summary`): variant B `{success, accounts: [{account, name,
 * balance, equity, timestamp, data_source}], count, cached_count, timestamp}`; variant A
 * `{timestamp, totals, by_fund_type, accounts: [<MongoDB documents with updated_at>]}`; and
 * `GET /api/mt5/accounts` (A), the same documents as a plain list. Tolerated: the list at the top level, under
 * `data`, or as an object keyed by login; the login as `account`, `login`, `account_id`,
 * `accountId` or `mt5_login` (number or string); numbers as strings; `data_source` in any case or
 * spelling, or none; the reading's time as `timestamp`, `last_update`, `updated_at`,
 * `last_updated` or `last_sync`, and the response's own `timestamp` when the entry has none (no
 * offset: the target's MT5_BRIDGE_TIMEZONE).
 *
 * Bridge strings are data: a login must be digits (an entry whose login is anything else, or
 * that is not an object, is malformed: dropped and counted, and the classifier reports it); a
 * name is cleaned to one bounded line (src/shared/bridge-text.ts).
 *
 * Balance (`GET /api/mt5/account/{login}/balance`, variant A, read-only):
 * `{account_id, balance, equity, profit, last_updated}`.
 *
 * Info (`GET /api/mt5/account/{login}/info`, read only on variant B, where it serves the cache):
 * `{account_id, live_data: {..., timestamp, data_source} | null, last_sync}`. `live_data` null is a
 * placeholder (no_cache); present, its own `timestamp` is the reading's time (B's `last_sync` is
 * the time of the request, not of the reading); a flat body with a top-level `balance` is read the
 * same way.
 */
import { bridgeText, TEXT_LIMITS } from '../../shared/bridge-text';
import type { AccountReading } from '../../shared/types';
import { describeJson, isObject, pick, toDataSource, toIsoTime, toLogin, toNumber, type Json } from './coerce';

const LOGIN_KEYS = ['account', 'login', 'account_id', 'accountId', 'mt5_login'] as const;
const TIME_KEYS = ['timestamp', 'last_update', 'updated_at', 'last_updated', 'last_sync', 'lastSync'] as const;

export type NormalisedAccounts =
  | { ok: true; readings: AccountReading[]; malformed: number }
  | { ok: false; error: string; readings: []; malformed: 0 };

export function normaliseSummary(body: unknown, timeZone = 'UTC'): NormalisedAccounts {
  const envelopeTime = isObject(body) ? pick(body, ['timestamp']) : undefined;
  const entries = accountEntries(body);
  if (!entries) {
    return { ok: false, error: `unexpected accounts summary body (${isObject(body) ? 'no accounts list' : describeJson(body)})`, readings: [], malformed: 0 };
  }
  const readings: AccountReading[] = [];
  let malformed = 0;
  for (const [keyLogin, entry] of entries) {
    const reading = normaliseEntry(entry, keyLogin, envelopeTime, timeZone);
    if (reading) readings.push(reading);
    else malformed += 1;
  }
  return { ok: true, readings, malformed };
}

export function normaliseInfo(body: unknown, login: string, timeZone = 'UTC'): AccountReading | null {
  if (!isObject(body)) return null;
  const live = pick(body, ['live_data', 'liveData']);
  const source: Json | null = isObject(live) ? live : live === undefined && body.balance !== undefined ? body : null;
  const declared = (source ? pick(source, ['data_source', 'dataSource']) : undefined) ?? pick(body, ['data_source', 'dataSource']);
  const dataSource = declared !== undefined ? toDataSource(declared) : source ? 'live' : 'no_cache';
  const time = (source && source !== body ? pick(source, TIME_KEYS) : undefined) ?? pick(body, ['last_sync', 'lastSync']) ?? pick(body, ['timestamp']);
  const name = bridgeText(pick(body, ['name']), TEXT_LIMITS.name);
  return {
    login,
    ...(name === undefined ? {} : { name }),
    balance: source ? toNumber(source.balance) : null,
    equity: source ? toNumber(source.equity) : null,
    dataSource,
    readAt: source ? toIsoTime(time, timeZone) : null,
  };
}

/** Variant A's per-account balance: `{account_id, balance, equity, profit, last_updated}`. */
export function normaliseBalance(body: unknown, login: string, timeZone = 'UTC'): AccountReading | null {
  if (!isObject(body) || body.balance === undefined) return null;
  return {
    login,
    balance: toNumber(body.balance),
    equity: toNumber(body.equity),
    dataSource: toDataSource(pick(body, ['data_source', 'dataSource'])),
    readAt: toIsoTime(pick(body, TIME_KEYS), timeZone),
  };
}

/** [login from the key (object form) or null, entry] pairs, or null when there is no list. */
function accountEntries(body: unknown): Array<[string | null, unknown]> | null {
  const list = Array.isArray(body)
    ? body
    : isObject(body)
      ? (pick(body, ['accounts']) ?? (isObject(body.data) ? body.data.accounts : Array.isArray(body.data) ? body.data : undefined))
      : undefined;
  if (Array.isArray(list)) return list.map((entry) => [null, entry]);
  if (isObject(list)) return Object.entries(list).map(([key, entry]) => [key, entry]);
  return null;
}

function normaliseEntry(entry: unknown, keyLogin: string | null, envelopeTime: unknown, timeZone: string): AccountReading | null {
  if (!isObject(entry)) return null;
  const declared = pick(entry, LOGIN_KEYS);
  // A login that is there but not digits is malformed, even when the object's key would do.
  const login = declared !== undefined ? toLogin(declared) : toLogin(keyLogin);
  if (!login) return null;
  const name = bridgeText(pick(entry, ['name']), TEXT_LIMITS.name);
  return {
    login,
    ...(name === undefined ? {} : { name }),
    balance: toNumber(entry.balance),
    equity: toNumber(entry.equity),
    dataSource: toDataSource(pick(entry, ['data_source', 'dataSource', 'source'])),
    readAt: toIsoTime(pick(entry, TIME_KEYS) ?? envelopeTime, timeZone),
  };
}
