/**
 * What one remediation HTTP call came back with, reduced to what the diagnosis needs: a status
 * with its headers and the server's short message, or the network error that stood in its way.
 */
import { bridgeText } from '../../shared/bridge-text';

export type HttpOutcome =
  | {
      kind: 'response';
      status: number;
      /** Header names in lower case. */
      headers: Record<string, string | undefined>;
      /** The server's own explanation, e.g. GitHub's "Bad credentials". Never holds a secret of ours. */
      message?: string;
    }
  | {
      kind: 'network';
      /** "connect ECONNREFUSED 127.0.0.1:8000", "timeout after 20000 ms", ... */
      reason: string;
    };

/** Lower-cases header names and joins multi-valued headers. */
export function normalizeHeaders(
  headers: Record<string, unknown> | undefined,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.map(String).join(', ') : String(value);
  }
  return out;
}

/** Whether the answer is a rate limit (GitHub: 403/429 with x-ratelimit-remaining: 0 or retry-after). */
export function isRateLimited(status: number, headers: Record<string, string | undefined>): boolean {
  if (status !== 403 && status !== 429) return false;
  return status === 429 || headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined;
}

/** GitHub's advice when a secondary rate limit names no time: wait at least a minute. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

/**
 * How long to wait before the next attempt after a rate limit: `retry-after` (seconds) when
 * present, else until `x-ratelimit-reset` (epoch seconds), else a minute. At least one second.
 */
export function rateLimitWaitMs(headers: Record<string, string | undefined>, now: Date): number {
  const retryAfter = Number(headers['retry-after']);
  if (headers['retry-after'] !== undefined && Number.isFinite(retryAfter))
    return Math.max(1000, Math.ceil(retryAfter * 1000));
  const reset = Number(headers['x-ratelimit-reset']);
  if (headers['x-ratelimit-reset'] !== undefined && Number.isFinite(reset))
    return Math.max(1000, reset * 1000 - now.getTime());
  return DEFAULT_RATE_LIMIT_WAIT_MS;
}

/** "42 s" / "3 min" for diagnoses. */
export function describeWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}

/** Shortens a server message for a one-line diagnosis. */
export function shortText(text: string | undefined, max = 200): string | undefined {
  return bridgeText(text, max);
}
