/**
 * Doubles of the alert channels' APIs on 127.0.0.1, each answering as the real service does:
 * a Slack incoming webhook (`POST /services/<T>/<B>/<secret>`: 200 `ok`, 404 `no_service` on any
 * other path), the Telegram Bot API (`POST /bot<token>/sendMessage`: `{ ok, result }`, 401 for
 * another token), a JSON webhook (checks `Authorization: Bearer`), and the PagerDuty Events API
 * v2 (`POST /v2/enqueue`: 202 `{ status: "success", dedup_key }`, 400 for another routing key),
 * which also keeps PagerDuty's incidents by dedup key (trigger opens, acknowledge, resolve).
 * Each records every request and can be `down()` (the connection is dropped without an answer)
 * until `up()`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChannelRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: Record<string, unknown> | undefined;
}

export interface ChannelDouble {
  /** Base URL, http://127.0.0.1:PORT */
  origin: string;
  /** Requests answered with success. */
  accepted: ChannelRequest[];
  /** Every request that reached the double (including refused ones and those dropped while down). */
  received: ChannelRequest[];
  down(): void;
  up(): void;
  /** Resolves when `accepted` holds at least `n` requests (real time). */
  waitFor(n: number, timeoutMs?: number): Promise<ChannelRequest[]>;
  close(): Promise<void>;
}

type Answer = { status: number; body: string | object };
type Handler = (req: ChannelRequest) => Answer;

async function startDouble(handle: Handler): Promise<ChannelDouble> {
  const accepted: ChannelRequest[] = [];
  const received: ChannelRequest[] = [];
  let isDown = false;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(body) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      const request = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, json };
      received.push(request);
      if (isDown) {
        req.socket.destroy(); // no answer: the client sees a socket error
        return;
      }
      const answer = handle(request);
      if (answer.status < 300) accepted.push(request);
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json' }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    accepted,
    received,
    down: () => void (isDown = true),
    up: () => void (isDown = false),
    async waitFor(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (accepted.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} accepted requests, got ${accepted.length}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return accepted;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A Slack incoming webhook; `url` is the webhook URL to configure (its path is the secret). */
export async function createSlackDouble(secretPath: string): Promise<ChannelDouble & { url: string }> {
  const double = await startDouble((req) =>
    req.method === 'POST' && req.path === secretPath
      ? typeof req.json?.text === 'string'
        ? { status: 200, body: 'ok' }
        : { status: 400, body: 'invalid_payload' }
      : { status: 404, body: 'no_service' },
  );
  return { ...double, url: `${double.origin}${secretPath}` };
}

/** The Telegram Bot API for one bot token; `apiUrl` is TELEGRAM_API_URL. */
export async function createTelegramDouble(token: string): Promise<ChannelDouble & { apiUrl: string }> {
  let messageId = 0;
  const double = await startDouble((req) => {
    if (req.path !== `/bot${token}/sendMessage`) return { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } };
    if (!req.json?.chat_id || typeof req.json.text !== 'string')
      return { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: message text is empty' } };
    return { status: 200, body: { ok: true, result: { message_id: ++messageId, chat: { id: req.json.chat_id }, text: req.json.text } } };
  });
  return { ...double, apiUrl: double.origin };
}

/** A JSON webhook at `/hook`, requiring `Authorization: Bearer <token>` when a token is given. */
export async function createWebhookDouble(token?: string): Promise<ChannelDouble & { url: string }> {
  const double = await startDouble((req) => {
    if (token && req.headers.authorization !== `Bearer ${token}`) return { status: 401, body: { error: 'unauthorized' } };
    return req.json ? { status: 204, body: '' } : { status: 400, body: { error: 'expected JSON' } };
  });
  return { ...double, url: `${double.origin}/hook` };
}

export interface PagerDutyIncident {
  dedupKey: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  /** The actions received for it, in order. */
  actions: string[];
  summary?: string;
}

/** The PagerDuty Events API v2 for one routing key; `eventsUrl` is PAGERDUTY_EVENTS_URL. */
export async function createPagerDutyDouble(
  routingKey: string,
): Promise<ChannelDouble & { eventsUrl: string; incidents: PagerDutyIncident[] }> {
  const incidents: PagerDutyIncident[] = [];
  const double = await startDouble((req) => {
    if (req.path !== '/v2/enqueue' || req.method !== 'POST') return { status: 404, body: { status: 'not found' } };
    const body = req.json ?? {};
    if (body.routing_key !== routingKey)
      return { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors: ['Invalid routing key'] } };
    const action = body.event_action;
    const dedupKey = String(body.dedup_key ?? '');
    if (!dedupKey || !['trigger', 'acknowledge', 'resolve'].includes(String(action)))
      return { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors: ['bad action or dedup_key'] } };
    const open = incidents.find((i) => i.dedupKey === dedupKey && i.status !== 'resolved');
    if (action === 'trigger') {
      const payload = body.payload as { summary?: string; severity?: string; source?: string } | undefined;
      if (!payload?.summary || !payload.severity || !payload.source)
        return { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors: ['payload missing'] } };
      if (open) open.actions.push('trigger');
      else incidents.push({ dedupKey, status: 'triggered', actions: ['trigger'], summary: payload.summary });
    } else if (open) {
      open.actions.push(String(action));
      open.status = action === 'acknowledge' ? 'acknowledged' : 'resolved';
    }
    return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: dedupKey } };
  });
  return { ...double, eventsUrl: `${double.origin}/v2/enqueue`, incidents };
}
