import { runSimulator, SIM_ACCOUNT_PASSWORD } from '../src/simulator';
import { simulators } from './helpers/simulator';

const TOKEN = 'sim-test-token';
const LOGINS = ['886557', '886066', '886602', '885822', '886528', '891215', '891234'];

interface SummaryRow {
  account: number;
  balance: number;
  data_source: string;
  timestamp: string;
}

/** A JSON answer, asserted field by field in the tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Answer = { status: number; body: any; text: string; type: string | null };

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text, type: res.headers.get('content-type') };
}

const restart = (base: string, headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}` }, body?: unknown) =>
  call(`${base}/api/system/full-restart`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** A clock the test moves by hand: heal and placeholder timing without waiting. */
function manualClock(start = Date.UTC(2025, 9, 31, 11, 26, 38)) {
  let now = start;
  return { clock: () => now, advance: (ms: number) => (now += ms), at: (ms: number) => (now = start + ms) };
}

describe('the simulated bridge, healthy', () => {
  const sims = simulators();

  it('variant A answers health like vps/mt5_bridge_api_service.py: terminal, mongodb, service', async () => {
    const sim = await sims.start();
    const { status, body } = await call(`${sim.url}/api/mt5/bridge/health`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'healthy',
      mt5: { available: true, terminal_info: { connected: true, trade_allowed: true, name: expect.any(String), company: expect.any(String), build: expect.any(Number) } },
      mongodb: { connected: true },
      service: { version: '1.0.0', uptime: 'Running' },
    });
    expect(body.cache).toBeUndefined();
  });

  it('variant B answers health like the 4.0-multi-account bridge: initialized, current_account, cache complete', async () => {
    const sim = await sims.start({ variant: 'b' });
    const { body } = await call(`${sim.url}/api/mt5/bridge/health`);
    expect(body).toMatchObject({
      status: 'healthy',
      mt5: { initialized: true, available: true, current_account: expect.any(Number), terminal_info: { connected: true, trade_allowed: true } },
      cache: { accounts_cached: 7, total_accounts: 7, cache_complete: true },
      version: '4.0-multi-account',
    });
    expect(body.mongodb).toBeUndefined();
  });

  it('variant A hands out its MongoDB documents whole: zone-less updated_at, password and server, no data_source', async () => {
    const sim = await sims.start();
    const { body } = await call(`${sim.url}/api/mt5/accounts/summary`);
    const rows = body.accounts as Array<SummaryRow & { updated_at: string; password: string; server: string }>;
    expect(rows.map((r) => String(r.account))).toEqual(LOGINS);
    expect(body.totals).toMatchObject({ accounts: 7 });
    expect(Object.keys(body.by_fund_type).length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.balance).toBeGreaterThan(0);
      expect(row.data_source).toBeUndefined();
      expect(row.password).toBe(SIM_ACCOUNT_PASSWORD);
      expect(row.server).toBe('MEXAtlantic-Real');
      expect(row.updated_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/);
      expect(Date.now() - Date.parse(`${row.updated_at.slice(0, 23)}Z`)).toBeLessThan(120_000 + 5_000);
    }
    expect((await call(`${sim.url}/api/mt5/accounts`)).body).toHaveLength(7);
    expect((await call(`${sim.url}/api/mt5/account/886557/balance`)).body).toMatchObject({ account_id: 886557, balance: 80_000, last_updated: expect.any(String) });
    expect(sim.state().terminalLogins).toBe(0);
  });

  it('variant B serves its cache: data_source "cached", each entry dated when its round read it (within 5 minutes)', async () => {
    const sim = await sims.start({ variant: 'b' });
    const { body } = await call(`${sim.url}/api/mt5/accounts/summary`);
    const rows = body.accounts as SummaryRow[];
    expect(body).toMatchObject({ success: true, count: 7, cached_count: 7 });
    for (const row of rows) {
      expect(row.balance).toBeGreaterThan(0);
      expect(row.data_source).toBe('cached');
      expect(row.timestamp).toMatch(/\+00:00$/);
      expect(Date.now() - Date.parse(row.timestamp)).toBeLessThan(300_000);
    }
  });

  it('variant B warms up after a start: placeholders "Waiting for first cache refresh" and cache_complete false, then the cache fills', async () => {
    const time = manualClock();
    const sim = await sims.start({ variant: 'b', warmUpMs: 24_000, clock: time.clock });
    const health = (await call(`${sim.url}/api/mt5/bridge/health`)).body;
    expect(health.cache).toMatchObject({ accounts_cached: 0, total_accounts: 7, cache_complete: false });
    const rows = (await call(`${sim.url}/api/mt5/accounts/summary`)).body.accounts as Array<SummaryRow & { note?: string }>;
    expect(rows.every((r) => r.data_source === 'no_cache' && r.balance === 0 && r.note === 'Waiting for first cache refresh')).toBe(true);
    time.at(18_000);
    const partly = (await call(`${sim.url}/api/mt5/bridge/health`)).body.cache;
    expect(partly.accounts_cached).toBeGreaterThan(0);
    expect(partly.cache_complete).toBe(false);
    time.at(24_000);
    expect((await call(`${sim.url}/api/mt5/bridge/health`)).body.cache).toMatchObject({ accounts_cached: 7, cache_complete: true });
  });

  it('variant A logs the terminal in on every info call (counted); variant B answers info from its cache', async () => {
    const a = await sims.start();
    await call(`${a.url}/api/mt5/account/886557/info`);
    expect(a.state().terminalLogins).toBe(1);
    const b = await sims.start({ variant: 'b' });
    const info = await call(`${b.url}/api/mt5/account/886557/info`);
    expect(info.body.live_data).toMatchObject({ balance: 80_000, data_source: 'mt5_live' });
    expect(b.state().terminalLogins).toBe(0);
  });

  it('variant A: emergency-restart takes its token in the query string and re-initialises a terminal fault; B has no such route', async () => {
    const a = await sims.start({ adminToken: 'admin-secret' });
    a.setFault({ mode: 'terminal_disconnected', restart: 'heal' });
    expect((await call(`${a.url}/api/admin/emergency-restart?token=wrong`, { method: 'POST' })).status).toBe(401);
    const ok = await call(`${a.url}/api/admin/emergency-restart?token=admin-secret`, { method: 'POST' });
    expect(ok.body.success).toBe(true);
    expect(a.state().phase).toBe('healthy');
    expect(a.restarts.map((r) => r.endpoint)).toEqual(['emergency-restart']);
    a.setFault({ mode: 'bridge_down', restart: 'heal' });
    expect((await call(`${a.url}/api/admin/emergency-restart?token=admin-secret`, { method: 'POST' })).body.success).toBe(false);
    expect(a.state().phase).toBe('faulted');
    const b = await sims.start({ variant: 'b' });
    expect((await call(`${b.url}/api/admin/emergency-restart?token=x`, { method: 'POST' })).status).toBe(404);
  });

  it('variant A: mongo_down is degraded health with mongodb.connected false, and 503 "MongoDB not available" on the account routes; B refuses it', async () => {
    const sim = await sims.start();
    sim.setFault({ mode: 'mongo_down' });
    expect((await call(`${sim.url}/api/mt5/bridge/health`)).body).toMatchObject({ status: 'degraded', mongodb: { connected: false } });
    const summary = await call(`${sim.url}/api/mt5/accounts/summary`);
    expect(summary.status).toBe(503);
    expect(summary.body).toEqual({ detail: 'MongoDB not available' });
    const b = await sims.start({ variant: 'b' });
    expect(() => b.setFault({ mode: 'mongo_down' })).toThrow(/variant A only/);
  });

  it('answers per-account info, and 404 for an unknown login', async () => {
    const sim = await sims.start();
    const info = await call(`${sim.url}/api/mt5/account/886557/info`);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ account_id: 886557, live_data: { balance: 80_000 } });
    expect(typeof info.body.last_sync).toBe('string');
    expect((await call(`${sim.url}/api/mt5/account/123/info`)).status).toBe(404);
  });

  it('takes its accounts from the options', async () => {
    const sim = await sims.start({ accounts: [{ login: '1001', name: 'Reserve', fundType: 'SEPARATION', balance: 5 }] });
    const { body } = await call(`${sim.url}/api/mt5/accounts/summary`);
    expect(body.accounts).toHaveLength(1);
    expect(body.accounts[0]).toMatchObject({ account: 1001, name: 'Reserve', fund_type: 'SEPARATION', balance: 5 });
  });
});

describe('restart endpoint', () => {
  const sims = simulators();

  it('refuses a missing or wrong bearer token with 401 and records no restart', async () => {
    const sim = await sims.start({ restartToken: TOKEN });
    expect((await restart(sim.url, {})).status).toBe(401);
    expect((await restart(sim.url, { Authorization: 'Bearer wrong-token' })).status).toBe(401);
    expect((await restart(sim.url, { Authorization: TOKEN })).status).toBe(401);
    expect(sim.restarts).toHaveLength(0);
    expect(sim.state()).toMatchObject({ unauthorizedRestarts: 3, authRequired: true });
  });

  it('accepts the right token and records the call with its Idempotency-Key and body, never the token', async () => {
    const sim = await sims.start({ restartToken: TOKEN });
    const first = await restart(sim.url, { Authorization: `Bearer ${TOKEN}`, 'Idempotency-Key': 'heal-mt5-bridge-1' }, { reason: 'MT5 Terminal disconnected' });
    expect(first.status).toBe(200);
    expect(first.body.success).toBe(true);
    await restart(sim.url, { Authorization: `Bearer ${TOKEN}`, 'Idempotency-Key': 'heal-mt5-bridge-1' });
    expect(sim.restarts).toMatchObject([
      { idempotencyKey: 'heal-mt5-bridge-1', duplicate: false, behaviour: 'heal', status: 200, body: { reason: 'MT5 Terminal disconnected' } },
      { idempotencyKey: 'heal-mt5-bridge-1', duplicate: true },
    ]);
    expect(JSON.stringify(sim.state())).not.toContain(TOKEN);
  });

  it('without a restart token, auth is off', async () => {
    const sim = await sims.start();
    expect((await restart(sim.url, {})).status).toBe(200);
    expect(sim.state().authRequired).toBe(false);
  });

  it('an emergency-restart heals after its own reinitHealAfterMs (a re-initialisation takes seconds), a full restart after healAfterMs', async () => {
    const time = manualClock();
    const sim = await sims.start({ restartToken: TOKEN, clock: time.clock });
    sim.setFault({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: 60_000, reinitHealAfterMs: 5_000 });
    const reinit = await fetch(`${sim.url}/api/admin/emergency-restart?token=any`, { method: 'POST' });
    expect(reinit.status).toBe(200);
    time.at(4_999);
    expect(sim.state().phase).toBe('restarting');
    time.at(5_000);
    expect(sim.state().phase).toBe('healthy');
  });

  it('heals after healAfterMs, then serves no_cache placeholders for placeholderMs, then live data', async () => {
    const time = manualClock();
    const sim = await sims.start({ restartToken: TOKEN, clock: time.clock });
    sim.setFault({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: 20_000, placeholderMs: 10_000 });

    expect((await restart(sim.url)).body).toMatchObject({ success: true });
    time.at(19_999);
    expect(sim.state().phase).toBe('restarting');
    expect((await call(`${sim.url}/api/mt5/bridge/health`)).body.mt5.terminal_info.connected).toBe(false);

    time.at(20_000);
    expect(sim.state().phase).toBe('placeholder');
    const health = (await call(`${sim.url}/api/mt5/bridge/health`)).body;
    expect(health.mt5.terminal_info).toMatchObject({ connected: true, trade_allowed: true });
    const placeholders = (await call(`${sim.url}/api/mt5/accounts/summary`)).body.accounts as SummaryRow[];
    expect(placeholders.every((r) => r.data_source === 'no_cache' && r.balance === 0)).toBe(true);

    time.at(30_000);
    expect(sim.state().phase).toBe('healthy');
    const rows = (await call(`${sim.url}/api/mt5/accounts/summary`)).body.accounts as SummaryRow[];
    expect(rows.every((r) => r.data_source === undefined && r.balance > 0)).toBe(true);
  });

  it('with the defaults, a restart heals at once', async () => {
    const sim = await sims.start({ restartToken: TOKEN });
    sim.setFault({ mode: 'placeholder_zeros' });
    await restart(sim.url);
    expect(sim.state()).toMatchObject({ phase: 'healthy', fault: { mode: 'none' } });
  });

  it('"fail" answers 500 and the fault stays', async () => {
    const sim = await sims.start({ restartToken: TOKEN });
    sim.setFault({ mode: 'terminal_disconnected', restart: 'fail' });
    const answer = await restart(sim.url);
    expect(answer.status).toBe(500);
    expect(sim.state()).toMatchObject({ phase: 'faulted', fault: { mode: 'terminal_disconnected' } });
  });

  it('"success_false" answers 200 with success false and an IPC timeout, and the fault stays', async () => {
    const sim = await sims.start({ restartToken: TOKEN });
    sim.setFault({ mode: 'terminal_disconnected', restart: 'success_false' });
    const answer = await restart(sim.url);
    expect(answer.status).toBe(200);
    expect(answer.body.success).toBe(false);
    expect(answer.body.error).toContain('IPC timeout');
    expect(sim.state().fault.mode).toBe('terminal_disconnected');
  });

  it('"lie" answers 200 success true, but the terminal stays down however long one waits', async () => {
    const time = manualClock();
    const sim = await sims.start({ restartToken: TOKEN, clock: time.clock });
    sim.setFault({ mode: 'terminal_disconnected', restart: 'lie', healAfterMs: 0 });
    expect((await restart(sim.url)).body.success).toBe(true);
    time.advance(3_600_000);
    expect((await call(`${sim.url}/api/mt5/bridge/health`)).body.mt5.terminal_info.connected).toBe(false);
  });

  it('a list of behaviours is used in order, the last one repeating', async () => {
    const sim = await sims.start({ restartToken: TOKEN });
    sim.setFault({ mode: 'terminal_disconnected', restart: ['fail', 'success_false', 'heal'] });
    expect((await restart(sim.url)).status).toBe(500);
    expect((await restart(sim.url)).body.success).toBe(false);
    expect(sim.state().fault.mode).toBe('terminal_disconnected');
    expect((await restart(sim.url)).body.success).toBe(true);
    expect(sim.state().fault.mode).toBe('none');
    expect(sim.restarts.map((r) => r.behaviour)).toEqual(['fail', 'success_false', 'heal']);
  });

  it('answers even while the bridge API is down', async () => {
    const sim = await sims.start({ restartToken: TOKEN });
    sim.setFault({ mode: 'bridge_down' });
    expect((await restart(sim.url)).status).toBe(200);
    expect((await call(`${sim.url}/api/mt5/bridge/health`)).status).toBe(200);
  });
});

describe('fault injection over HTTP', () => {
  const sims = simulators();
  const post = (base: string, body: string) => call(`${base}/_sim/fault`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });

  it('POST /_sim/fault sets a fault and its restart behaviour in one body; GET /_sim/state shows it', async () => {
    const sim = await sims.start();
    const set = await post(sim.url, JSON.stringify({ mode: 'sync_degraded', failing: 6, restart: 'heal', healAfterMs: 5_000, placeholderMs: 2_000 }));
    expect(set.status).toBe(200);
    const state = (await call(`${sim.url}/_sim/state`)).body;
    expect(state).toMatchObject({ phase: 'faulted', fault: { mode: 'sync_degraded', failing: 6, restart: ['heal'], healAfterMs: 5_000, placeholderMs: 2_000 } });
    const rows = (await call(`${sim.url}/api/mt5/accounts/summary`)).body.accounts as SummaryRow[];
    expect(rows.filter((r) => r.data_source === 'no_cache')).toHaveLength(6);
  });

  it('DELETE /_sim/fault goes back to healthy', async () => {
    const sim = await sims.start();
    await post(sim.url, '{"mode":"http_500"}');
    expect((await call(`${sim.url}/api/mt5/bridge/health`)).status).toBe(500);
    expect((await call(`${sim.url}/_sim/fault`, { method: 'DELETE' })).status).toBe(200);
    expect((await call(`${sim.url}/api/mt5/bridge/health`)).status).toBe(200);
    expect(sim.state().phase).toBe('healthy');
  });

  it('refuses an unknown mode, an unknown field and a non-JSON body with 400 and says why', async () => {
    const sim = await sims.start();
    const unknownMode = await post(sim.url, '{"mode":"on_fire"}');
    expect(unknownMode.status).toBe(400);
    expect(unknownMode.body.error).toContain('terminal_disconnected');
    expect((await post(sim.url, '{"mode":"slow","delay":5}')).status).toBe(400);
    expect((await post(sim.url, 'mode=slow')).status).toBe(400);
    expect(sim.state().fault.mode).toBe('none');
  });

  it('setFault throws InvalidFaultError on a bad fault', async () => {
    const sim = await sims.start();
    expect(() => sim.setFault({ mode: 'nope' } as never)).toThrow(/invalid fault/);
  });
});

describe('fault modes, as the bridge shows them', () => {
  const sims = simulators();
  const health = async (base: string) => call(`${base}/api/mt5/bridge/health`);
  const rows = async (base: string) => (await call(`${base}/api/mt5/accounts/summary`)).body.accounts as SummaryRow[];

  it('bridge_down destroys the connection', async () => {
    const sim = await sims.start();
    sim.setFault({ mode: 'bridge_down' });
    await expect(fetch(`${sim.url}/api/mt5/bridge/health`)).rejects.toThrow();
    await expect(fetch(`${sim.url}/api/mt5/accounts/summary`)).rejects.toThrow();
  });

  it('http_500 answers 500 on health, summary and info', async () => {
    const sim = await sims.start();
    sim.setFault({ mode: 'http_500' });
    for (const path of ['/api/mt5/bridge/health', '/api/mt5/accounts/summary', '/api/mt5/account/886557/info']) {
      expect((await call(`${sim.url}${path}`)).status).toBe(500);
    }
  });

  it('terminal_disconnected: A still claims "healthy" (its status ignores the broker link), not connected, accounts are $0 placeholders', async () => {
    const sim = await sims.start();
    sim.setFault({ mode: 'terminal_disconnected' });
    expect((await health(sim.url)).body).toMatchObject({ status: 'healthy', mt5: { terminal_info: { connected: false, trade_allowed: false } } });
    expect((await rows(sim.url)).every((r) => r.balance === 0 && r.data_source === 'no_cache')).toBe(true);
  });

  it('trade_not_allowed: claims healthy, but trade_allowed is false', async () => {
    const sim = await sims.start();
    sim.setFault({ mode: 'trade_not_allowed' });
    expect((await health(sim.url)).body).toMatchObject({ status: 'healthy', mt5: { terminal_info: { connected: true, trade_allowed: false } } });
  });

  it('live_zeros: every balance 0, live and fresh', async () => {
    const sim = await sims.start();
    sim.setFault({ mode: 'live_zeros' });
    expect((await rows(sim.url)).every((r) => r.balance === 0 && r.data_source === undefined)).toBe(true);
  });

  it('account_failing: one account (by login) missing from the summary', async () => {
    const sim = await sims.start();
    sim.setFault({ mode: 'account_failing', login: '886066', failure: 'missing' });
    expect((await rows(sim.url)).map((r) => String(r.account))).not.toContain('886066');
    expect((await call(`${sim.url}/api/mt5/account/886066/info`)).status).toBe(404);
  });

  it('stale: live data with timestamps staleByMs old', async () => {
    const sim = await sims.start();
    sim.setFault({ mode: 'stale', staleByMs: 7_200_000 });
    for (const row of (await rows(sim.url)) as Array<SummaryRow & { updated_at: string }>) {
      expect(Date.now() - Date.parse(`${row.updated_at.slice(0, 23)}Z`)).toBeGreaterThan(7_000_000);
    }
  });

  it('summary_missing: the summary is 404, per-account info still answers', async () => {
    const sim = await sims.start();
    sim.setFault({ mode: 'summary_missing' });
    expect((await call(`${sim.url}/api/mt5/accounts/summary`)).status).toBe(404);
    expect((await call(`${sim.url}/api/mt5/account/891234/info`)).body.live_data.balance).toBe(8_000);
  });

  it.each([
    ['html', 'text/html'],
    ['truncated', 'application/json'],
    ['shape', 'application/json'],
  ] as const)('malformed (%s): health answers 200 with a body that is not the health object', async (variant, type) => {
    const sim = await sims.start();
    sim.setFault({ mode: 'malformed', variant });
    const answer = await health(sim.url);
    expect(answer.status).toBe(200);
    expect(answer.type).toBe(type);
    expect(answer.body?.mt5).toBeUndefined();
  });

  it('slow: answers only after delayMs; close() does not wait for it', async () => {
    const sim = await sims.start();
    sim.setFault({ mode: 'slow', delayMs: 60_000 });
    await expect(fetch(`${sim.url}/api/mt5/bridge/health`, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    const pending = fetch(`${sim.url}/api/mt5/bridge/health`).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 50));
    await sim.close();
    expect(await pending).toHaveProperty('message', 'fetch failed');
  });

  it('counts the requests it receives, per endpoint', async () => {
    const sim = await sims.start();
    await health(sim.url);
    await rows(sim.url);
    expect(sim.state().requests).toMatchObject({ health: 1, summary: 1, info: 0 });
  });
});

describe('runSimulator (autoheal simulate)', () => {
  it('prints the URL and the fault API, never the token, and stops cleanly', async () => {
    const lines: string[] = [];
    const running = await runSimulator({ port: 0, restartToken: 'secret-restart-token', log: (l) => lines.push(l), handleSignals: false });
    try {
      const text = lines.join('\n');
      expect(text).toContain(`MT5 Bridge simulator listening on ${running.simulator.url}`);
      expect(text).toContain(`curl -X POST ${running.simulator.url}/_sim/fault`);
      expect(text).not.toContain('secret-restart-token');
      expect(running.simulator.state().fault).toMatchObject({ healAfterMs: 20_000, placeholderMs: 10_000 });
    } finally {
      await running.stop();
    }
    await running.stopped;
    expect(lines.at(-1)).toBe('MT5 Bridge simulator stopped');
    await expect(fetch(`${running.simulator.url}/_sim/state`)).rejects.toThrow();
  });
});
