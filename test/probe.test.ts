import { createServer, type Server } from 'node:http';
import { DateTime } from 'luxon';
import type { AddressInfo } from 'node:net';
import { createProbeActivities } from '../src/activities/probe/index';
import { normaliseHealth } from '../src/activities/probe/normalise-health';
import { normaliseInfo, normaliseSummary } from '../src/activities/probe/normalise-accounts';
import { isTerminalNotConnected } from '../src/activities/probe/classify';
import type { CheckName, ProbeReport, Target } from '../src/shared/types';
import { simulators, type BridgeSimulator } from './helpers/simulator';

const LOGINS = ['886557', '886066', '886602', '885822', '886528', '891215', '891234'];

const targetFor = (url: string, overrides: Partial<Target> = {}): Target => ({
  id: 'mt5-bridge',
  url,
  accounts: [],
  expectedAccounts: 7,
  zeroBalanceOk: [],
  requireTradeAllowed: true,
  syncRateCritical: 0.2,
  probeTimeoutMs: 2_000,
  staleAfterMs: 10 * 60_000,
  ...overrides,
});

const status = (report: ProbeReport, name: CheckName) => report.checks.find((c) => c.check === name)?.status;
const evidence = (report: ProbeReport, name: CheckName) => report.checks.find((c) => c.check === name)?.evidence ?? '';

describe('probeTarget against the simulator, one fault mode at a time', () => {
  const sims = simulators();
  let sim: BridgeSimulator;
  const probe = createProbeActivities();
  const run = (overrides: Partial<Target> = {}) => probe.probeTarget(targetFor(sim.url, overrides));

  beforeAll(async () => {
    sim = await sims.start();
  });
  afterEach(() => sim.clearFaults());

  it('healthy → HEALTHY, every check ok, with per-check latency', async () => {
    const report = await run();
    expect(report.severity).toBe('HEALTHY');
    expect(report.checks.every((c) => c.status === 'ok')).toBe(true);
    expect(report.checks.every((c) => typeof c.latencyMs === 'number' && c.latencyMs >= 0)).toBe(true);
    expect(report).toMatchObject({ syncedAccounts: 7, expectedAccounts: 7, syncRate: 1 });
    expect(report.observation.accounts.source).toBe('summary');
    expect(report.observation.accounts.readings.map((r) => r.login)).toEqual(LOGINS);
    expect(report.observation.health).toMatchObject({ ok: true, httpStatus: 200, claimedStatus: 'healthy', connected: true, tradeAllowed: true });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('bridge_down (connection reset) → CRITICAL on the bridge check, as a result', async () => {
    sim.setFault({ mode: 'bridge_down' });
    const report = await run();
    expect(report.severity).toBe('CRITICAL');
    expect(status(report, 'bridge')).toBe('fail');
    expect(evidence(report, 'bridge')).toBe('MT5 Bridge health check failed: connection reset.');
    expect(status(report, 'terminal')).toBe('skip');
  });

  it('http_500 → CRITICAL on the bridge check', async () => {
    sim.setFault({ mode: 'http_500' });
    const report = await run();
    expect(report.severity).toBe('CRITICAL');
    expect(report.observation.health).toMatchObject({ ok: false, httpStatus: 500, error: 'HTTP 500' });
  });

  it('slow beyond the probe timeout → CRITICAL "timeout after N ms"', async () => {
    sim.setFault({ mode: 'slow', delayMs: 10_000 });
    const report = await run({ probeTimeoutMs: 300 });
    expect(report.severity).toBe('CRITICAL');
    expect(report.observation.health.error).toBe('timeout after 300 ms');
    expect(report.observation.accounts.error).toBe('accounts summary: timeout after 300 ms');
  });

  it.each([
    ['html', 'not JSON (text/html)'],
    ['truncated', 'not JSON (application/json)'],
    ['shape', 'unexpected health body (a JSON string)'],
  ] as const)('malformed (%s) → CRITICAL on the bridge check: %s', async (variant, error) => {
    sim.setFault({ mode: 'malformed', variant });
    const report = await run();
    expect(report.severity).toBe('CRITICAL');
    expect(report.observation.health).toMatchObject({ ok: false, httpStatus: 200, error });
  });

  it('terminal_disconnected → CRITICAL in the runbook\'s words, and the terminal log line applies', async () => {
    sim.setFault({ mode: 'terminal_disconnected' });
    const report = await run();
    expect(report.severity).toBe('CRITICAL');
    expect(report.summary).toBe('MT5 Terminal disconnected from broker. All accounts showing $0.');
    expect(isTerminalNotConnected(report)).toBe(true);
  });

  it('trade_not_allowed → CRITICAL; HEALTHY when requireTradeAllowed is false', async () => {
    sim.setFault({ mode: 'trade_not_allowed' });
    const strict = await run();
    expect(strict.severity).toBe('CRITICAL');
    expect(status(strict, 'trade_allowed')).toBe('fail');
    const investor = await run({ requireTradeAllowed: false });
    expect(investor.severity).toBe('HEALTHY');
    expect(status(investor, 'trade_allowed')).toBe('skip');
  });

  it('placeholder_zeros → CRITICAL (balances and sync rate)', async () => {
    sim.setFault({ mode: 'placeholder_zeros' });
    const report = await run();
    expect(report.severity).toBe('CRITICAL');
    expect(status(report, 'balances')).toBe('fail');
    expect(status(report, 'sync_rate')).toBe('fail');
    expect(report.syncedAccounts).toBe(0);
  });

  it('live_zeros → WARNING (money moved), never CRITICAL', async () => {
    sim.setFault({ mode: 'live_zeros' });
    const report = await run();
    expect(report.severity).toBe('WARNING');
    expect(status(report, 'balances')).toBe('warn');
    expect(report.syncedAccounts).toBe(7);
  });

  it('sync_degraded, 6 of 7 failing → CRITICAL on the sync rate', async () => {
    sim.setFault({ mode: 'sync_degraded', failing: 6 });
    const report = await run();
    expect(report.severity).toBe('CRITICAL');
    expect(status(report, 'sync_rate')).toBe('fail');
    expect(status(report, 'balances')).toBe('ok');
    expect(report.syncedAccounts).toBe(1);
  });

  it('sync_degraded, 1 of 7 failing → WARNING', async () => {
    sim.setFault({ mode: 'sync_degraded', failing: 1 });
    const report = await run();
    expect(report.severity).toBe('WARNING');
    expect(status(report, 'account')).toBe('warn');
  });

  it.each(['no_cache', 'missing', 'stale'] as const)('account_failing (%s) → WARNING naming the account', async (failure) => {
    sim.setFault({ mode: 'account_failing', login: '886066', failure });
    const report = await run();
    expect(report.severity).toBe('WARNING');
    expect(report.checks.find((c) => c.check === 'account')?.accounts ?? []).toEqual(failure === 'missing' ? [] : ['886066']);
    expect(report.summary).toBe(failure === 'missing' ? '1 expected account not reported.' : 'Account 886066 failed to sync.');
  });

  it('account_failing with MT5_ACCOUNTS set: the missing login is named', async () => {
    sim.setFault({ mode: 'account_failing', login: '886066', failure: 'missing' });
    const report = await run({ accounts: LOGINS, expectedAccounts: 7 });
    expect(report.severity).toBe('WARNING');
    expect(report.summary).toBe('Account 886066 failed to sync.');
  });

  it('summary_missing → the read-only per-account balance fallback works: HEALTHY, and the terminal is never logged in', async () => {
    sim.setFault({ mode: 'summary_missing' });
    const report = await run({ accounts: LOGINS, expectedAccounts: 7 });
    expect(report.severity).toBe('HEALTHY');
    expect(report.observation.accounts.source).toBe('balance');
    expect(report.observation.accounts.readings).toHaveLength(7);
    expect(sim.state().requests.info).toBe(0);
    expect(sim.state().terminalLogins).toBe(0);
  });

  it('summary_missing without MT5_ACCOUNTS → uses the logins of the last summary seen', async () => {
    await run();
    sim.setFault({ mode: 'summary_missing' });
    const report = await run();
    expect(report.severity).toBe('HEALTHY');
    expect(report.observation.accounts.source).toBe('balance');
  });

  it('summary_missing without MT5_ACCOUNTS and no summary ever seen → CRITICAL, saying to set MT5_ACCOUNTS', async () => {
    sim.setFault({ mode: 'summary_missing' });
    const report = await createProbeActivities().probeTarget(targetFor(sim.url));
    expect(report.severity).toBe('CRITICAL');
    expect(report.observation.accounts.error).toContain('set MT5_ACCOUNTS');
  });

  it('stale → not synced: CRITICAL on the sync rate, with the age in the evidence', async () => {
    sim.setFault({ mode: 'stale', staleByMs: 3_600_000 });
    const report = await run();
    expect(report.syncedAccounts).toBe(0);
    expect(report.severity).toBe('CRITICAL');
    expect(status(report, 'sync_rate')).toBe('fail');
    expect(evidence(report, 'account')).toContain('stale, read 60 min ago');
  });
});

describe('probeTarget across a restart', () => {
  const sims = simulators();

  it('the placeholder period after a heal is CRITICAL, then HEALTHY once the cache refills', async () => {
    let now = Date.now();
    const sim = await sims.start({ restartToken: 'tok', clock: () => now });
    const probe = createProbeActivities({ now: () => new Date(now) });
    const target = targetFor(sim.url);
    sim.setFault({ mode: 'terminal_disconnected', restart: 'heal', healAfterMs: 20_000, placeholderMs: 10_000 });
    await fetch(`${sim.url}/api/system/full-restart`, { method: 'POST', headers: { Authorization: 'Bearer tok' } });

    expect((await probe.probeTarget(target)).summary).toBe('MT5 Terminal disconnected from broker. All accounts showing $0.');
    now += 20_000;
    const refilling = await probe.probeTarget(target);
    expect(refilling.severity).toBe('CRITICAL');
    expect(status(refilling, 'terminal')).toBe('ok');
    expect(status(refilling, 'balances')).toBe('fail');
    now += 10_000;
    expect((await probe.probeTarget(target)).severity).toBe('HEALTHY');
  });
});

describe('probeTarget against other bridge answers', () => {
  let server: Server;
  let url = '';
  let routes: Record<string, { status?: number; type?: string; body: string }> = {};
  const respond = (path: string, body: unknown, status = 200, type = 'application/json') =>
    (routes[path] = { status, type, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const probe = createProbeActivities();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const route = routes[req.url ?? ''];
      if (!route) {
        res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"detail":"Not Found"}');
        return;
      }
      res.writeHead(route.status ?? 200, { 'Content-Type': route.type ?? 'application/json' }).end(route.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    routes = {};
  });

  const naiveNow = () => new Date().toISOString().replace('Z', '');

  it('tolerates numbers as strings, booleans as strings, `login` instead of `account`, no cache block, times without zone', async () => {
    respond('/api/mt5/bridge/health', { status: 'healthy', mt5: { available: 'true', terminal_info: { connected: 1, trade_allowed: 'True' } } });
    respond('/api/mt5/accounts/summary', {
      accounts: LOGINS.map((login) => ({ login, balance: '10000.50', equity: '10010', data_source: 'LIVE', last_update: naiveNow() })),
    });
    const report = await probe.probeTarget(targetFor(url));
    expect(report.severity).toBe('HEALTHY');
    expect(report.observation.accounts.readings[0]).toMatchObject({ login: '886557', balance: 10000.5, equity: 10010, dataSource: 'live' });
    expect(report.observation.accounts.readings[0]?.readAt).toMatch(/Z$/);
  });

  it('takes the response timestamp when an account has none', async () => {
    respond('/api/mt5/bridge/health', { status: 'healthy', mt5: { available: true, terminal_info: { connected: true, trade_allowed: true } } });
    respond('/api/mt5/accounts/summary', { accounts: LOGINS.map((account) => ({ account: Number(account), balance: 5, data_source: 'live' })), timestamp: naiveNow() });
    expect((await probe.probeTarget(targetFor(url))).severity).toBe('HEALTHY');
  });

  it('a null terminal_info is a disconnected terminal: CRITICAL', async () => {
    respond('/api/mt5/bridge/health', { status: 'healthy', mt5: { available: true, terminal_info: null } });
    respond('/api/mt5/accounts/summary', { accounts: [] });
    const report = await probe.probeTarget(targetFor(url));
    expect(report.severity).toBe('CRITICAL');
    expect(status(report, 'terminal')).toBe('fail');
  });

  it('a bridge that only says "healthy" proves nothing: the missing fields fail the terminal check', async () => {
    respond('/api/mt5/bridge/health', { status: 'healthy' });
    respond('/api/mt5/accounts/summary', { accounts: [] });
    expect(status(await probe.probeTarget(targetFor(url)), 'terminal')).toBe('fail');
  });

  it('an answer beyond 1 MB is cut off: CRITICAL, "response larger than 1 MB"', async () => {
    respond('/api/mt5/bridge/health', { status: 'healthy', padding: 'x'.repeat(1_100_000) });
    const report = await probe.probeTarget(targetFor(url));
    expect(report.severity).toBe('CRITICAL');
    expect(report.observation.health.error).toBe('response larger than 1 MB');
  });

  it('a summary that is not JSON leaves no readings: CRITICAL on the sync rate, with the reason', async () => {
    respond('/api/mt5/bridge/health', { status: 'healthy', mt5: { available: true, terminal_info: { connected: true, trade_allowed: true } } });
    respond('/api/mt5/accounts/summary', '<html>oops</html>', 200, 'text/html');
    const report = await probe.probeTarget(targetFor(url));
    expect(report.severity).toBe('CRITICAL');
    expect(report.observation.accounts).toMatchObject({ source: 'none', error: 'accounts summary: not JSON (text/html)' });
  });

  it('connection refused → CRITICAL, as a result', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const report = await probe.probeTarget(targetFor(`http://127.0.0.1:${port}`));
    expect(report.severity).toBe('CRITICAL');
    expect(report.observation.health.error).toBe('connection refused');
  });

  it('bridge strings are data: a login that is not digits is a malformed reading (a WARNING finding, no crash); names and status are one bounded line', async () => {
    const hostileName = `Fund A\r\nBcc: evil@example.com\u0007\u202Eexe.pdf <img src=x> https://evil.example/login ${'x'.repeat(5_000)}`;
    respond('/api/mt5/bridge/health', {
      status: `healthy\r\nAuto-Restart: NOT INITIATED ${'y'.repeat(500)}`,
      mt5: { available: true, terminal_info: { connected: true, trade_allowed: true } },
    });
    respond('/api/mt5/accounts/summary', {
      accounts: [
        ...LOGINS.map((login) => ({ login, name: hostileName, balance: 10, data_source: 'live', timestamp: naiveNow() })),
        { login: '886557<script>alert(1)</script>', balance: 1, data_source: 'live' },
        { login: '12 34', balance: 1 },
        { login: { $gt: '' }, balance: 1 },
        { account: -5, balance: 1 },
      ],
    });
    const report = await probe.probeTarget(targetFor(url));
    expect(report.severity).toBe('WARNING');
    expect(report.observation.accounts.malformed).toBe(4);
    expect(report.observation.accounts.readings.map((r) => r.login)).toEqual(LOGINS);
    expect(evidence(report, 'account')).toContain('The bridge listed 4 account entries that could not be read (login not digits');
    const [first] = report.observation.accounts.readings;
    expect(first?.name).toMatch(/^Fund A Bcc: evil@example\.com exe\.pdf <img src=x> https:\/\/evil\.example\/login x+…$/);
    expect(Array.from(first?.name ?? '')).toHaveLength(100);
    const claimed = report.observation.health.claimedStatus ?? '';
    expect(claimed.startsWith('healthy Auto-Restart: NOT INITIATED')).toBe(true);
    expect(claimed.length).toBeLessThanOrEqual(64);
    // Nowhere in the report (history, emails, feed, logs are made from it) is a raw control character.
    expect(JSON.stringify(report)).not.toMatch(/\\r|\\n|\\u0007|\u202E/);
  });

  it('MT5_BRIDGE_TIMEZONE: times without offset are the bridge\'s local time; read as UTC they are a clock WARNING, not fresh data', async () => {
    const athensNow = DateTime.now().setZone('Europe/Athens').toFormat("yyyy-MM-dd'T'HH:mm:ss");
    respond('/api/mt5/bridge/health', { status: 'healthy', mt5: { available: true, terminal_info: { connected: true, trade_allowed: true } } });
    respond('/api/mt5/accounts/summary', { accounts: LOGINS.map((login) => ({ login, balance: 10, data_source: 'live', timestamp: athensNow })) });

    const right = await probe.probeTarget(targetFor(url, { bridgeTimeZone: 'Europe/Athens' }));
    expect(right.severity).toBe('HEALTHY');
    expect(Math.abs(Date.parse(right.observation.accounts.readings[0]!.readAt!) - Date.now())).toBeLessThan(60_000);

    // Athens is 2 or 3 hours ahead of UTC: read as UTC, every reading is dated in the future.
    const wrong = await probe.probeTarget(targetFor(url, { bridgeTimeZone: 'UTC' }));
    expect(wrong.severity).toBe('WARNING');
    expect(status(wrong, 'clock')).toBe('warn');
    expect(evidence(wrong, 'clock')).toMatch(/dated up to [23] h in the future .*MT5_BRIDGE_TIMEZONE \(UTC\) is wrong/);
    expect(wrong.syncedAccounts).toBe(0);
  });

  it('a URL that is not one is a CRITICAL finding too, never a throw', async () => {
    const report = await probe.probeTarget(targetFor('not a url'));
    expect(report.severity).toBe('CRITICAL');
    expect(report.observation.health).toMatchObject({ ok: false, error: 'invalid URL' });
  });
});

describe('normalisation of the bridge\'s shape variations', () => {
  it('health: a body that is not an object, or has neither status nor mt5, is not a health answer', () => {
    expect(normaliseHealth(['healthy'])).toMatchObject({ ok: false, error: 'unexpected health body (a JSON array)' });
    expect(normaliseHealth({ detail: 'Not Found' })).toMatchObject({ ok: false, error: 'unexpected health body (no status or mt5 field)' });
    expect(normaliseHealth(null)).toMatchObject({ ok: false });
  });

  it('health: connected and trade_allowed directly under mt5, booleans as strings', () => {
    expect(normaliseHealth({ status: 'ok', mt5: { available: 'yes', connected: 'false', trade_allowed: 0 } })).toEqual({
      ok: true,
      claimedStatus: 'ok',
      mt5Available: true,
      connected: false,
      tradeAllowed: false,
    });
  });

  it('summary: accounts keyed by login, or under data, or a bare list', () => {
    const at = '2025-10-31T11:26:38';
    expect(normaliseSummary({ accounts: { '886557': { balance: 1, data_source: 'live', timestamp: at } } })).toEqual({
      ok: true,
      readings: [{ login: '886557', balance: 1, equity: null, dataSource: 'live', readAt: '2025-10-31T11:26:38.000Z' }],
      malformed: 0,
    });
    expect(normaliseSummary({ data: { accounts: [{ account_id: 7, balance: 2 }] } }).readings[0]).toMatchObject({ login: '7', balance: 2, dataSource: 'unknown', readAt: null });
    expect(normaliseSummary([{ mt5_login: '9', balance: 'n/a', data_source: 'no-cache' }]).readings[0]).toMatchObject({ login: '9', balance: null, dataSource: 'no_cache' });
  });

  it('summary: entries without a readable login are dropped and counted as malformed; a body without a list is an error', () => {
    expect(normaliseSummary({ accounts: [{ balance: 1 }, null, 'x'] })).toEqual({ ok: true, readings: [], malformed: 3 });
    expect(normaliseSummary({ accounts: { '886557': { login: 'x', balance: 1 }, abc: { balance: 2 } } })).toEqual({ ok: true, readings: [], malformed: 2 });
    expect(normaliseSummary({ detail: 'boom' })).toMatchObject({ ok: false, error: 'unexpected accounts summary body (no accounts list)' });
  });

  it('info: live_data null is a placeholder; a flat body with a balance is live', () => {
    expect(normaliseInfo({ account_id: 1, live_data: null, last_sync: null }, '1')).toEqual({ login: '1', balance: null, equity: null, dataSource: 'no_cache', readAt: null });
    expect(normaliseInfo({ account_id: 1, balance: '12.5', last_sync: 1761909998 }, '1')).toMatchObject({ balance: 12.5, dataSource: 'live', readAt: '2025-10-31T11:26:38.000Z' });
    expect(normaliseInfo('nope', '1')).toBeNull();
  });
});
