/**
 * An HTTP MT5 Bridge simulator (node:http, no framework) that speaks either deployed bridge of the
 * FIDUS repository exactly (`variant` 'a', MongoDB-backed, or 'b', "4.0-multi-account"; bodies in
 * ./bridge-bodies.ts, field by field in docs/bridge.md):
 *
 *   GET  /api/mt5/bridge/health            health: terminal, and A's mongodb or B's cache
 *   GET  /api/mt5/accounts/summary         every account (A: the MongoDB documents whole; B: its cache)
 *   GET  /api/mt5/accounts                 A: the documents as a list
 *   GET  /api/mt5/account/{login}/balance  A: one account's stored reading (read-only)
 *   GET  /api/mt5/account/{login}/info     A: LOGS THE TERMINAL IN to the account (counted in
 *                                          state().terminalLogins); B: its cache entry
 *   POST /api/mt5/refresh                  B: a refresh round at once
 *   POST /api/admin/emergency-restart?token=<adminToken>
 *                                          A: re-initialises the terminal API (cures a terminal
 *                                          fault only); 401 on a wrong token; 404 on B
 *   POST /api/system/full-restart          the VPS restart service (both variants):
 *                                          `Authorization: Bearer <restartToken>`; 401 otherwise;
 *                                          a repeated `Idempotency-Key` gets the first answer, no second restart
 *
 * and a fault API, so that tests, benchmarks and operators can drive a simulator running in
 * another process (no auth: it is a test tool, bind it to loopback):
 *
 *   POST   /_sim/fault    JSON body, e.g. {"mode":"sync_degraded","failing":6,"restart":"heal","healAfterMs":20000,"placeholderMs":10000}
 *   DELETE /_sim/fault    back to healthy, default restart behaviour
 *   GET    /_sim/state    phase, fault, restart calls (with Idempotency-Key), request counts
 *
 * Fault modes and restart behaviours: see `./fault.ts`. One fault is active at a time.
 *
 * Defaults:
 * - 127.0.0.1, a random port (0); the seven FIDUS accounts of `DEFAULT_SIM_ACCOUNTS`, all healthy.
 * - Restart behaviour `heal` with `healAfterMs` 0 and `placeholderMs` 0 (override per simulator
 *   with the options, or per fault): a restart clears the fault at once.
 *   `DEMO_RESTART_DEFAULTS` (20 s, then 10 s of placeholders) is what a real restart looks like.
 * - No `restartToken`: restart auth is off (any caller may restart; `state().authRequired` false).
 * - `slow` waits 10 s, `stale` readings are 1 h old, `sync_degraded` fails 6 accounts,
 *   `account_failing` fails the last account, `malformed` answers HTML (`drip` drips for `delayMs`).
 * - The restart endpoint answers in every fault mode (including bridge_down), so that healing
 *   can be exercised end to end; the fault API answers in every mode too.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  accountsListAnswer,
  balanceAnswer,
  healthAnswer,
  infoAnswer,
  summaryAnswer,
  type BridgeVariant,
  type BridgeView,
  type RawAnswer,
} from './bridge-bodies';
import { DEFAULT_SIM_ACCOUNTS, type SimAccount } from './default-accounts';
import { InvalidFaultError, type Fault, type FaultInput } from './fault';
import { SimulatedBridge, type RestartCall, type RestartEndpoint, type SimulatorState } from './simulated-bridge';

export interface BridgeSimulatorOptions {
  /** 0 (default): a random free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Which deployed bridge to speak (default 'a'; `autoheal simulate` and the demo run 'b', the seed's version). */
  variant?: BridgeVariant;
  /**
   * B: how long the first refresh round after each start takes to fill the cache (placeholders and
   * `cache_complete: false` until then). Default 0 (a full cache at once); the real bridge's is
   * about 24 s (`REAL_BRIDGE_TIMING`).
   */
  warmUpMs?: number;
  /** A: the sync service's period (default 2 min); B: the refresh round's (default 5 min). */
  refreshMs?: number;
  /** Bearer token the restart endpoint requires; unset: restart auth off. */
  restartToken?: string;
  /** A: the `?token=` that `POST /api/admin/emergency-restart` requires (ADMIN_SECRET_TOKEN); unset: that endpoint's auth is off. */
  adminToken?: string;
  /** Default: the seven FIDUS accounts. */
  accounts?: readonly SimAccount[];
  /** Epoch ms; default Date.now. Drives timestamps, heal and placeholder timing. */
  clock?: () => number;
  /** Default heal delay after a restart, when the fault does not say (default 0). */
  healAfterMs?: number;
  /** Default placeholder period after a heal, when the fault does not say (default 0). */
  placeholderMs?: number;
  /** Called with each bridge request as it arrives (benchmarks time the probes with it). */
  onRequest?: (kind: RequestKind, atMs: number) => void;
}

export interface BridgeSimulator {
  /** Base URL, e.g. http://127.0.0.1:40123 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Sets the fault and its restart behaviour (replacing the previous one); throws InvalidFaultError. */
  setFault(fault: FaultInput): Fault;
  /** Back to healthy with the default restart behaviour. */
  clearFaults(): void;
  state(): SimulatorState;
  /** Authorised restart calls received, oldest first. */
  readonly restarts: RestartCall[];
  /** Stops listening and drops open connections (pending slow answers included). Idempotent. */
  close(): Promise<void>;
}

type RequestKind = 'health' | 'summary' | 'info' | 'accounts' | 'balance' | 'restart';

/** A realistic restart: the terminal is back 20 s after the call, then 10 s of cache refill. */
export const DEMO_RESTART_DEFAULTS = Object.freeze({ healAfterMs: 20_000, placeholderMs: 10_000 });

/**
 * Variant B's timing as deployed: the first round starts 10 s after a start and reads the 7
 * accounts 2 s apart (about 24 s of warm-up), then a round every 5 minutes.
 */
export const REAL_BRIDGE_TIMING = Object.freeze({ warmUpMs: 24_000, refreshMsA: 120_000, refreshMsB: 300_000 });

const MAX_REQUEST_BODY = 64 * 1024;

export async function createBridgeSimulator(options: BridgeSimulatorOptions = {}): Promise<BridgeSimulator> {
  const accounts = (options.accounts ?? DEFAULT_SIM_ACCOUNTS).map((a) => ({ ...a, login: String(a.login) }));
  const clock = options.clock ?? Date.now;
  const token = options.restartToken || undefined;
  const variant = options.variant ?? 'a';
  const adminToken = options.adminToken || undefined;
  const bridge = new SimulatedBridge(
    accounts,
    clock,
    { healAfterMs: options.healAfterMs ?? 0, placeholderMs: options.placeholderMs ?? 0 },
    token !== undefined,
    {
      variant,
      warmUpMs: variant === 'b' ? (options.warmUpMs ?? 0) : 0,
      refreshMs: options.refreshMs ?? (variant === 'b' ? REAL_BRIDGE_TIMING.refreshMsB : REAL_BRIDGE_TIMING.refreshMsA),
    },
  );
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) send(res, { status: 500, contentType: 'application/json', text: JSON.stringify({ detail: String(err) }) });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://simulator').pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';

    if (path.startsWith('/_sim/')) return simApi(method, path, req, res);
    if (path === '/api/system/full-restart') {
      if (method !== 'POST') return send(res, json(405, { detail: 'Method Not Allowed' }));
      return restart(req, res, 'full-restart');
    }
    if (path === '/api/admin/emergency-restart' && variant === 'a') {
      if (method !== 'POST') return send(res, json(405, { detail: 'Method Not Allowed' }));
      return restart(req, res, 'emergency-restart');
    }
    if (path === '/api/mt5/refresh' && variant === 'b') {
      if (method !== 'POST') return send(res, json(405, { detail: 'Method Not Allowed' }));
      return send(res, json(200, { success: true, message: 'Account refresh completed', accounts_refreshed: accounts.length, timestamp: new Date(clock()).toISOString() }));
    }
    if (method === 'GET' && path === '/api/mt5/bridge/health') return bridgeApi('health', req, res, (v) => healthAnswer(v, accounts));
    if (method === 'GET' && path === '/api/mt5/accounts/summary') return bridgeApi('summary', req, res, (v) => summaryAnswer(v, accounts));
    if (method === 'GET' && path === '/api/mt5/accounts') return bridgeApi('accounts', req, res, (v) => accountsListAnswer(v, accounts));
    const one = /^\/api\/mt5\/account\/([^/]+)\/(info|balance)$/.exec(path);
    if (method === 'GET' && one) {
      const login = decodeURIComponent(one[1] as string);
      if (one[2] === 'balance') return bridgeApi('balance', req, res, (v) => balanceAnswer(v, accounts, login));
      return bridgeApi('info', req, res, (v) => {
        // variant A: mt5.login(account) before reading, whatever the answer then says
        if (v.variant === 'a' && v.mode !== 'mongo_down' && accounts.some((a) => a.login === login)) bridge.noteTerminalLogin();
        return infoAnswer(v, accounts, login);
      });
    }
    return send(res, json(404, { detail: 'Not Found' }));
  }

  async function bridgeApi(kind: Exclude<RequestKind, 'restart'>, req: IncomingMessage, res: ServerResponse, answer: (view: BridgeView) => RawAnswer) {
    bridge.requests[kind] += 1;
    options.onRequest?.(kind, Date.now());
    let view = bridge.view();
    if (view.mode === 'bridge_down') {
      req.socket.destroy();
      return;
    }
    if (view.mode === 'slow') {
      await delay(view.fault.delayMs);
      if (closed || res.destroyed) return;
      view = bridge.view();
    }
    if (view.mode === 'http_500') return send(res, json(500, { detail: 'Internal Server Error' }));
    if (view.mode === 'malformed' && view.fault.variant === 'drip' && kind === 'health') return drip(res, view.fault.delayMs);
    return send(res, answer(view));
  }

  /** 200 and a JSON body that never completes in time: a byte every 250 ms for `forMs`, then the end. */
  async function drip(res: ServerResponse, forMs: number) {
    const text = JSON.stringify({ status: 'healthy', timestamp: new Date(clock()).toISOString(), mt5: { available: true } });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const started = Date.now();
    let i = 0;
    while (Date.now() - started < forMs && !closed && !res.destroyed) {
      res.write(text[i % text.length] ?? ' ');
      i += 1;
      await delay(250);
    }
    if (!closed && !res.destroyed) res.end();
  }

  async function restart(req: IncomingMessage, res: ServerResponse, endpoint: RestartEndpoint) {
    bridge.requests.restart += 1;
    options.onRequest?.('restart', Date.now());
    if (endpoint === 'emergency-restart') {
      const given = new URL(req.url ?? '/', 'http://simulator').searchParams.get('token') ?? '';
      if (adminToken !== undefined && !secretMatches(given, adminToken)) {
        bridge.noteUnauthorizedRestart();
        return send(res, json(401, { detail: 'Invalid admin token' }));
      }
    } else if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
      bridge.noteUnauthorizedRestart();
      res.setHeader('WWW-Authenticate', 'Bearer');
      return send(res, json(401, { detail: 'Invalid or missing bearer token' }));
    }
    const raw = await readBody(req);
    if (raw === null) return send(res, json(413, { detail: 'Request body too large' }));
    let body: unknown;
    if (raw.trim()) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw.slice(0, 1000);
      }
    }
    const key = req.headers['idempotency-key'];
    const answer = bridge.restart({ idempotencyKey: Array.isArray(key) ? key[0] : key, body, endpoint });
    const late = bridge.view().fault.restartAnswerDelayMs;
    if (late > 0 && !bridge.restarts().at(-1)?.duplicate) {
      await delay(late); // restarted already; the answer comes too late for the caller
      if (closed || res.destroyed) return;
    }
    return send(res, json(answer.status, answer.body));
  }

  async function simApi(method: string, path: string, req: IncomingMessage, res: ServerResponse) {
    if (path === '/_sim/state' && method === 'GET') return send(res, json(200, bridge.state()));
    if (path === '/_sim/fault' && method === 'DELETE') {
      bridge.clearFaults();
      return send(res, json(200, { ok: true, state: bridge.state() }));
    }
    if (path === '/_sim/fault' && method === 'POST') {
      const raw = await readBody(req);
      if (raw === null) return send(res, json(413, { ok: false, error: 'request body too large' }));
      let input: unknown;
      try {
        input = raw.trim() ? JSON.parse(raw) : {};
      } catch {
        return send(res, json(400, { ok: false, error: 'body is not JSON' }));
      }
      try {
        bridge.setFault(input);
      } catch (err) {
        if (err instanceof InvalidFaultError) return send(res, json(400, { ok: false, error: err.message }));
        throw err;
      }
      return send(res, json(200, { ok: true, state: bridge.state() }));
    }
    if (path === '/_sim/fault' || path === '/_sim/state') return send(res, json(405, { ok: false, error: 'method not allowed' }));
    return send(res, json(404, { ok: false, error: 'unknown simulator endpoint; try GET /_sim/state, POST or DELETE /_sim/fault' }));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${urlHost(options.host ?? '127.0.0.1')}:${address.port}`;

  return {
    url,
    port: address.port,
    setFault: (fault) => bridge.setFault(fault),
    clearFaults: () => bridge.clearFaults(),
    state: () => bridge.state(),
    get restarts() {
      return bridge.restarts();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function json(status: number, body: unknown): RawAnswer {
  return { status, contentType: 'application/json', text: JSON.stringify(body) };
}

function send(res: ServerResponse, answer: RawAnswer): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(answer.status, { 'Content-Type': answer.contentType, 'Content-Length': Buffer.byteLength(answer.text) });
  res.end(answer.text);
}

/** The request body as text, or null when it exceeds MAX_REQUEST_BODY. */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BODY) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return match ? secretMatches((match[1] as string).trim(), token) : false;
}

function secretMatches(text: string, secret: string): boolean {
  const given = Buffer.from(text);
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
