/**
 * "N per duration" as operators write it for the safety envelope: `6/24h` (RESTART_BUDGET),
 * `3/5m` (FLEET_BREAKER), or `off`. Workflow-safe (no Node built-ins).
 */
import { formatDuration, parseDuration } from './duration';

/** A count within a sliding window. */
export interface Rate {
  count: number;
  windowMs: number;
}

export const RATE_FORM = 'a count per duration such as 6/24h or 3/5m, or off';

/** Parses `N/duration` (N ≥ 1) or `off` (false); undefined when the text is neither. */
export function parseRate(text: string): Rate | false | undefined {
  const compact = text.trim().toLowerCase();
  if (compact === 'off') return false;
  const match = /^(\d+)\s*\/\s*(\S+)$/.exec(compact);
  if (!match) return undefined;
  const count = Number(match[1]);
  const windowMs = parseDuration(match[2] as string);
  if (!Number.isInteger(count) || count < 1 || windowMs === undefined || windowMs <= 0) return undefined;
  return { count, windowMs };
}

/** `6/24h`, the way the variable is written. */
export function formatRate(rate: Rate): string {
  return `${rate.count}/${formatDuration(rate.windowMs)}`;
}
