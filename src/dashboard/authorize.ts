/**
 * Who may do what on the dashboard.
 *
 * - The dashboard is **exposed** when it is bound off loopback or DASHBOARD_URL names another
 *   host (a reverse proxy forwards to it): then state-changing calls and the reads that show
 *   account logins, operator names or timelines need DASHBOARD_TOKEN. `loadConfig` refuses an
 *   exposed dashboard without a token; this module refuses the calls as well (403), whatever
 *   the Host header says.
 * - With DASHBOARD_TOKEN set, every state-changing call needs it, exposed or not.
 * - A request that carries a proxy header (`Forwarded`, `X-Forwarded-For`, `X-Real-IP`, and the
 *   other headers of PROXY_HEADERS) came through a proxy, whatever its Host says: nginx's default
 *   `proxy_pass` sends `Host: 127.0.0.1:8080`, so the Host of a proxied request can look local.
 *   Such a request is treated as coming from beyond this machine: its state changes and sensitive
 *   reads need DASHBOARD_TOKEN, and without a token they are refused (403, saying which header
 *   was seen).
 * - Only this machine can reach a dashboard that is not exposed: its reads (without a proxy
 *   header) are open.
 *
 * The token travels as `Authorization: Bearer <token>` (API clients) or as the password of HTTP
 * Basic auth (browsers: the page answers 401 with a Basic challenge, the browser asks once and
 * sends it with the page's own calls). It is compared in constant time, never echoed, logged
 * or rendered. Parsing is plain string work: no regular expression runs on request input.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface AccessRule {
  /** DASHBOARD_TOKEN, when set. */
  token?: string;
  /** Reachable by more than this machine (see the module doc). */
  exposed: boolean;
}

export type AuthDecision =
  | { ok: true }
  | { ok: false; status: 401 | 403; message: string; challenge?: string };

/** Equal-length digests, so the comparison takes the same time whatever the candidate. */
function sameSecret(candidate: string, secret: string): boolean {
  const a = createHash('sha256').update(candidate).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b);
}

/** The longest Authorization header looked at; anything longer is simply not the token. */
const MAX_AUTHORIZATION_LENGTH = 1024;

/** The credential of an `Authorization` header: a Bearer token, or a Basic password. */
export function credentialOf(header: string | undefined): string | undefined {
  if (!header || header.length > MAX_AUTHORIZATION_LENGTH) return undefined;
  const text = header.trim();
  const space = text.indexOf(' ');
  if (space < 0) return undefined;
  const scheme = text.slice(0, space).toLowerCase();
  const value = text.slice(space + 1).trim();
  if (!value) return undefined;
  if (scheme === 'bearer') return value;
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : decoded.slice(colon + 1);
  }
  return undefined;
}

function checkToken(req: IncomingMessage, token: string, challenge: string): AuthDecision {
  const candidate = credentialOf(req.headers.authorization);
  if (candidate !== undefined && sameSecret(candidate, token)) return { ok: true };
  return {
    ok: false,
    status: 401,
    message: 'missing or wrong token: send Authorization: Bearer <DASHBOARD_TOKEN> (or DASHBOARD_TOKEN as the Basic auth password)',
    challenge,
  };
}

/**
 * Headers that a forwarding proxy adds (nginx with the usual `proxy_set_header` lines, Caddy,
 * Traefik, Apache mod_proxy, HAProxy's `option forwardfor`, RFC 7239 and RFC 9110's Via). A
 * process of this machine calling the dashboard directly sends none of them.
 */
export const PROXY_HEADERS = ['Forwarded', 'X-Forwarded-For', 'X-Real-IP', 'X-Forwarded-Host', 'X-Forwarded-Proto', 'Via'] as const;

/** The first proxy header a request carries (its canonical name), or undefined for a direct request. */
export function proxyHeaderOf(req: IncomingMessage): string | undefined {
  return PROXY_HEADERS.find((name) => req.headers[name.toLowerCase()] !== undefined);
}

const noTokenProxied = (header: string) =>
  `refused: DASHBOARD_TOKEN is not set and this request came through a proxy (it carries ${header}): ` +
  'a proxy forwards anyone\'s request to the dashboard, whatever Host it sends; set DASHBOARD_TOKEN to a long random value ' +
  '(e.g. openssl rand -hex 32), restart, and send it as Authorization: Bearer <DASHBOARD_TOKEN> (or as the Basic auth password)';

const NO_TOKEN_EXPOSED =
  'refused: DASHBOARD_TOKEN is not set and the dashboard is reachable beyond this machine (DASHBOARD_HOST or DASHBOARD_URL is not loopback)';

/** A state-changing call (POST). */
export function authorizeCommand(req: IncomingMessage, rule: AccessRule): AuthDecision {
  if (rule.token) return checkToken(req, rule.token, 'Bearer realm="autoheal"');
  if (rule.exposed) return { ok: false, status: 403, message: NO_TOKEN_EXPOSED };
  const proxied = proxyHeaderOf(req);
  if (proxied) return { ok: false, status: 403, message: noTokenProxied(proxied) };
  return { ok: true };
}

/** A read that shows account logins, operator names or timelines (the page, status, feed). */
export function authorizeSensitiveRead(req: IncomingMessage, rule: AccessRule, challenge: 'Basic' | 'Bearer'): AuthDecision {
  const proxied = proxyHeaderOf(req);
  if (!rule.exposed && !proxied) return { ok: true };
  if (!rule.token) return { ok: false, status: 403, message: rule.exposed ? NO_TOKEN_EXPOSED : noTokenProxied(proxied ?? '') };
  return checkToken(req, rule.token, challenge === 'Basic' ? 'Basic realm="autoheal", charset="UTF-8"' : 'Bearer realm="autoheal"');
}
