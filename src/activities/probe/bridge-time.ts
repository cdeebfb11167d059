/**
 * Times as the bridge writes them → epoch milliseconds.
 *
 * Accepted: ISO 8601 with or without an offset, a space instead of `T`, any number of fraction
 * digits (kept to the millisecond), or epoch seconds / milliseconds (number or digits). A time
 * **without an offset** is wall-clock time in `timeZone` (MT5_BRIDGE_TIMEZONE, an IANA name,
 * default UTC): the Windows VPS often writes its local time. Converting a wall-clock time of a
 * zone (daylight saving included) is luxon's job: a time that falls in a spring-forward gap is
 * moved forward an hour, an ambiguous autumn time (the repeated hour) is read as the second one
 * (standard time).
 *
 * Returns NaN when the value is not a readable time. Texts longer than MAX_TIME_TEXT are not
 * times (and never reach the pattern).
 */
import { DateTime } from 'luxon';

const MAX_TIME_TEXT = 64;
const PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:[.,](\d{1,9}))?)?\s?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export function parseBridgeTime(value: unknown, timeZone = 'UTC'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) return NaN;
    return value < 1e12 ? Math.round(value * 1000) : Math.round(value);
  }
  if (typeof value !== 'string') return NaN;
  const text = value.trim();
  if (!text || text.length > MAX_TIME_TEXT) return NaN;
  if (isDecimal(text)) return parseBridgeTime(Number(text), timeZone);
  const match = PATTERN.exec(text);
  if (!match) return NaN;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone] = match;
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  if (zone) {
    const offset = zone.toUpperCase() === 'Z' ? 'Z' : normaliseOffset(zone);
    return Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}.${String(ms).padStart(3, '0')}${offset}`);
  }
  const local = DateTime.fromObject(
    { year: Number(year), month: Number(month), day: Number(day), hour: Number(hour), minute: Number(minute), second: Number(second), millisecond: ms },
    { zone: timeZone },
  );
  return local.isValid ? local.toMillis() : NaN;
}

/** Digits with at most one decimal point (epoch seconds such as 1761910000.5). */
function isDecimal(text: string): boolean {
  let dot = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 && !dot && i > 0 && i < text.length - 1) dot = true;
    else if (c < 48 || c > 57) return false;
  }
  return true;
}

function normaliseOffset(zone: string): string {
  const digits = zone.slice(1).replace(':', '');
  const hours = digits.slice(0, 2);
  const minutes = digits.slice(2, 4) || '00';
  return `${zone[0]}${hours}:${minutes}`;
}
