/**
 * When the digests go out (pure, workflow-safe): the weekly one every Monday at 08:00 and the
 * monthly one on the 1st of every month at 08:00, both in DIGEST_TIMEZONE (an IANA zone; luxon
 * applies its daylight saving time rules, so 08:00 stays 08:00 local across a change of clocks).
 * Each covers the days before its instant: the weekly one 7 days, the monthly one 30 days,
 * exactly as `autoheal report --days 7` (or 30) would at that instant.
 */
import { DateTime } from 'luxon';

export type DigestPeriod = 'week' | 'month';

/** DIGEST_SCHEDULE and DIGEST_TIMEZONE, as the digest workflow is told them. */
export interface DigestSettings {
  weekly: boolean;
  monthly: boolean;
  /** IANA zone of the 08:00. */
  timeZone: string;
}

/** DIGEST_SCHEDULE and DIGEST_TIMEZONE unset: both digests, UTC. */
export const DEFAULT_DIGEST_SETTINGS: DigestSettings = { weekly: true, monthly: true, timeZone: 'UTC' };

/** Local hour of day both digests go out at. */
export const DIGEST_HOUR = 8;
/** Days each digest covers, ending at its instant. */
export const DIGEST_DAYS: Record<DigestPeriod, number> = { week: 7, month: 30 };

/** The first Monday 08:00 (local) strictly after `afterMs`. */
export function nextWeeklyDigestMs(afterMs: number, timeZone: string): number {
  const now = DateTime.fromMillis(afterMs, { zone: timeZone });
  let at = now.set({ hour: DIGEST_HOUR, minute: 0, second: 0, millisecond: 0 }).plus({ days: (8 - now.weekday) % 7 });
  if (at.toMillis() <= afterMs) at = at.plus({ weeks: 1 });
  return at.toMillis();
}

/** The first 1st-of-the-month 08:00 (local) strictly after `afterMs`. */
export function nextMonthlyDigestMs(afterMs: number, timeZone: string): number {
  const now = DateTime.fromMillis(afterMs, { zone: timeZone });
  let at = now.set({ day: 1, hour: DIGEST_HOUR, minute: 0, second: 0, millisecond: 0 });
  if (at.toMillis() <= afterMs) at = at.plus({ months: 1 });
  return at.toMillis();
}

/** The next digest instant after `afterMs` and the digests due then (both on a Monday the 1st); undefined when both are off. */
export function nextDigest(settings: DigestSettings, afterMs: number): { atMs: number; periods: DigestPeriod[] } | undefined {
  const due: Array<[DigestPeriod, number]> = [];
  if (settings.weekly) due.push(['week', nextWeeklyDigestMs(afterMs, settings.timeZone)]);
  if (settings.monthly) due.push(['month', nextMonthlyDigestMs(afterMs, settings.timeZone)]);
  if (!due.length) return undefined;
  const atMs = Math.min(...due.map(([, ms]) => ms));
  return { atMs, periods: due.filter(([, ms]) => ms === atMs).map(([p]) => p) };
}
