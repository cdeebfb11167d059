/**
 * The rule for state-changing calls: with DASHBOARD_TOKEN set, `Authorization: Bearer <token>`
 * is required (compared in constant time); without one, only a loopback-bound dashboard accepts
 * them. The token is never echoed, logged or rendered.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '::1'];

export type AuthDecision = { ok: true } | { ok: false; status: 401 | 403; message: string };

/** Equal-length digests, so the comparison takes the same time whatever the candidate. */
function sameSecret(candidate: string, secret: string): boolean {
  const a = createHash('sha256').update(candidate).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b);
}

export function authorize(req: IncomingMessage, options: { token?: string; host: string }): AuthDecision {
  if (!options.token) {
    if (LOOPBACK_HOSTS.includes(options.host)) return { ok: true };
    return {
      ok: false,
      status: 403,
      message:
        'state-changing calls are refused: DASHBOARD_TOKEN is not set and the dashboard is not bound to loopback',
    };
  }
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1] || !sameSecret(match[1], options.token)) {
    return {
      ok: false,
      status: 401,
      message: 'missing or wrong bearer token: send Authorization: Bearer <DASHBOARD_TOKEN>',
    };
  }
  return { ok: true };
}
