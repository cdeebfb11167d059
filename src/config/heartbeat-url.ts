/**
 * HEARTBEAT_URL: the push URL of the outside service that watches the watcher (healthchecks.io,
 * Uptime Kuma's push monitor, Better Stack, Cronitor…). The URL is a secret: its path or query
 * carries the check's token (`https://hc-ping.com/<uuid>`, `/api/push/<token>`), and whoever
 * holds it can keep the check green. It stays in the worker's environment, is never logged in
 * full (only `shownHeartbeatUrl`), and its token-like parts are scrubbed like the other secrets.
 */

/** The services whose failure signal the worker knows; any other URL gets plain GETs. */
export type HeartbeatService = 'healthchecks' | 'uptime-kuma' | 'generic';

export interface HeartbeatRequest {
  method: 'GET' | 'POST';
  url: string;
  /** POST body (healthchecks.io keeps it as the ping's log). */
  body?: string;
}

/** Why `text` cannot be HEARTBEAT_URL, or undefined. Never echoes the value (it holds a token). */
export function heartbeatUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'expected the http(s) push URL of the heartbeat service, such as https://hc-ping.com/<uuid> or https://kuma.example.com/api/push/<token> (the value is not shown: it holds a token)';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `expected an http(s) push URL, got a ${url.protocol} URL (the value is not shown: it holds a token)`;
  }
  if (url.username || url.password) {
    return 'must not carry user:password@: use the push URL the service gives (its token is in the path or query)';
  }
  return undefined;
}

export function heartbeatService(text: string): HeartbeatService {
  const url = new URL(text);
  if (/\/api\/push\/[^/]+\/?$/.test(url.pathname)) return 'uptime-kuma';
  if (/(^|\.)hc-ping\.com$/i.test(url.hostname) || /^\/ping\//.test(url.pathname)) return 'healthchecks';
  return 'generic';
}

const SERVICE_NAMES: Record<HeartbeatService, string> = {
  healthchecks: 'healthchecks.io',
  'uptime-kuma': 'Uptime Kuma push monitor',
  generic: 'heartbeat URL',
};

/** What logs, /metrics, doctor and the startup lines show: the service and the origin, never the token. */
export function shownHeartbeatUrl(text: string): string {
  try {
    return `${SERVICE_NAMES[heartbeatService(text)]} at ${new URL(text).origin}/…`;
  } catch {
    return '(invalid HEARTBEAT_URL)';
  }
}

/** The request that says "all is well". */
export function heartbeatOkRequest(text: string): HeartbeatRequest {
  if (heartbeatService(text) === 'uptime-kuma') return { method: 'GET', url: kumaUrl(text, 'up', 'OK') };
  return { method: 'GET', url: text };
}

/**
 * The request that reports a failure with a short reason, where the service has one
 * (healthchecks.io `/fail`, Uptime Kuma `?status=down&msg=`); undefined: the heartbeat just stops.
 */
export function heartbeatFailRequest(text: string, reason: string): HeartbeatRequest | undefined {
  const service = heartbeatService(text);
  const short = reason.slice(0, 200);
  if (service === 'uptime-kuma') return { method: 'GET', url: kumaUrl(text, 'down', short) };
  if (service === 'healthchecks') {
    const url = new URL(text);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/fail`;
    return { method: 'POST', url: url.toString(), body: short };
  }
  return undefined;
}

function kumaUrl(text: string, status: 'up' | 'down', msg: string): string {
  const url = new URL(text);
  url.searchParams.set('status', status);
  url.searchParams.set('msg', msg);
  if (!url.searchParams.has('ping')) url.searchParams.set('ping', '');
  return url.toString();
}

/**
 * The parts of HEARTBEAT_URL to scrub from logs and pages: the whole URL, its query, and every
 * path segment that looks like a token (a digit or a capital in it, or 16 characters and more),
 * so that `hc-ping.com/<uuid>` and `/api/push/<token>` never show while words like "api" do.
 */
export function heartbeatUrlSecrets(text: string | undefined): string[] {
  if (!text) return [];
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return [text];
  }
  const parts = [text, url.toString(), url.search.slice(1)];
  for (const segment of url.pathname.split('/')) {
    if (segment.length >= 16 || (segment.length >= 6 && /[0-9A-Z]/.test(segment))) parts.push(segment, safeDecode(segment));
  }
  return [...new Set(parts.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
