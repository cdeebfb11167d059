/**
 * The health endpoint's body → the health part of an Observation. The deployed shapes are
 * variant A `{status, timestamp, mt5: {available, terminal_info: {...} | null}, mongodb: {connected}, service: {version, uptime}}`
 * and variant B `{status, mt5: {initialized, available, current_account, terminal_info: {...} | null},
 * cache: {accounts_cached, total_accounts, cache_complete}, version, timestamp}` (docs/bridge.md);
 * tolerated variations: booleans as strings or 0/1, a null or missing terminal_info or cache,
 * `connected`/`trade_allowed` directly under `mt5` or at the top level.
 * A body that is not a JSON object with a `status` or `mt5` field is not a health answer.
 */
import { bridgeText, TEXT_LIMITS } from '../../shared/bridge-text';
import type { Observation } from '../../shared/types';
import { describeJson, isObject, pick, toBool, toNumber } from './coerce';

export type HealthFields = Pick<
  Observation['health'],
  'claimedStatus' | 'mt5Available' | 'connected' | 'tradeAllowed' | 'databaseConnected' | 'cacheComplete' | 'cachedAccounts' | 'version'
>;

export type NormalisedHealth = ({ ok: true } & HealthFields) | ({ ok: false; error: string } & HealthFields);

const UNKNOWN: HealthFields = { mt5Available: null, connected: null, tradeAllowed: null };

export function normaliseHealth(body: unknown): NormalisedHealth {
  if (!isObject(body)) return { ok: false, error: `unexpected health body (${describeJson(body)})`, ...UNKNOWN };
  if (body.status === undefined && body.mt5 === undefined) {
    return { ok: false, error: 'unexpected health body (no status or mt5 field)', ...UNKNOWN };
  }
  return { ok: true, ...healthFields(body) };
}

/** The fields that can be read from any JSON object (also used on error answers that carry them). */
export function healthFields(body: unknown): HealthFields {
  if (!isObject(body)) return { ...UNKNOWN };
  const mt5 = isObject(body.mt5) ? body.mt5 : {};
  const terminal = isObject(mt5.terminal_info) ? mt5.terminal_info : isObject(body.terminal_info) ? body.terminal_info : {};
  const status = bridgeText(body.status, TEXT_LIMITS.status);
  const service = isObject(body.service) ? body.service : {};
  const version = bridgeText(pick(body, ['version']) ?? pick(service, ['version']), TEXT_LIMITS.status);
  const database = isObject(body.mongodb) ? toBool(pick(body.mongodb, ['connected'])) : null;
  const cache = isObject(body.cache) ? body.cache : undefined;
  const cached = cache ? toNumber(pick(cache, ['accounts_cached'])) : null;
  return {
    ...(status === undefined ? {} : { claimedStatus: status }),
    ...(version === undefined ? {} : { version }),
    ...(database === null ? {} : { databaseConnected: database }),
    ...(cache ? { cacheComplete: toBool(pick(cache, ['cache_complete'])), cachedAccounts: cached === null ? null : Math.max(0, Math.floor(cached)) } : {}),
    mt5Available: toBool(pick(mt5, ['available'])) ?? toBool(pick(body, ['mt5_available'])),
    connected: toBool(pick(terminal, ['connected'])) ?? toBool(pick(mt5, ['connected'])) ?? toBool(pick(body, ['terminal_connected', 'mt5_connected'])),
    tradeAllowed: toBool(pick(terminal, ['trade_allowed'])) ?? toBool(pick(mt5, ['trade_allowed'])) ?? toBool(pick(body, ['trade_allowed'])),
  };
}
