/**
 * Tolerant readers of the bridge's loosely typed JSON: numbers as strings, booleans as strings
 * or 0/1, logins as numbers, timestamps with or without zone. Each returns null when the value
 * cannot be read, never throws.
 */
import { isLogin } from '../../shared/bridge-text';
import type { AccountReading } from '../../shared/types';
import { parseBridgeTime } from './bridge-time';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** true/false, "true"/"false"/"yes"/"no" (any case), 1/0 → boolean; anything else → null. */
export function toBool(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'true' || text === 'yes' || text === '1') return true;
    if (text === 'false' || text === 'no' || text === '0') return false;
  }
  return null;
}

/** A finite number, or a numeric string ("80000.00", "80,000.00", " 12 "); else null. */
export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim().replace(/,/g, '');
  if (!/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/**
 * A login as a string: 886557, "886557", " 886557 " → "886557"; anything that is not digits
 * (after trimming) → null: a malformed reading, which the caller counts and reports.
 */
export function toLogin(value: unknown): string | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? String(value) : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return isLogin(text) ? text : null;
}

/** A bridge time as ISO 8601 UTC (no offset: read in `timeZone`, default UTC; epoch seconds or ms accepted); else null. */
export function toIsoTime(value: unknown, timeZone = 'UTC'): string | null {
  const ms = parseBridgeTime(value, timeZone);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/**
 * "live" (also variant B's "mt5_live") | "cached" | "no_cache" in any case or spelling
 * ("no-cache", "NOCACHE"); else (variant A sends none) "unknown". Only no_cache changes a verdict.
 */
export function toDataSource(value: unknown): AccountReading['dataSource'] {
  if (typeof value !== 'string') return 'unknown';
  const text = value.trim().toLowerCase().replace(/[-\s]/g, '_');
  if (text === 'live' || text === 'mt5_live') return 'live';
  if (text === 'cached' || text === 'cache') return 'cached';
  if (text === 'no_cache' || text === 'nocache' || text === 'placeholder') return 'no_cache';
  return 'unknown';
}

/** The first of the keys that is present (not undefined) in the object. */
export function pick(object: Json, keys: readonly string[]): unknown {
  for (const key of keys) if (object[key] !== undefined) return object[key];
  return undefined;
}

/** "a JSON array", "a JSON string", ... for error messages. */
export function describeJson(value: unknown): string {
  if (value === null) return 'JSON null';
  if (Array.isArray(value)) return 'a JSON array';
  return `a JSON ${typeof value}`;
}
