import { classify, isSynced, isTerminalNotConnected, notSyncedReason, parseBridgeTime, TERMINAL_NOT_CONNECTED_LOG } from '../src/activities/probe/classify';
import type { AccountReading, CheckName, Classification, Observation, Target } from '../src/shared/types';

const PROBED_AT = '2025-10-31T11:26:38.000Z';
const NOW = Date.parse(PROBED_AT);
const LOGINS = ['886557', '886066', '886602', '885822', '886528', '891215', '891234'];

const target = (overrides: Partial<Target> = {}): Target => ({
  id: 'mt5-bridge',
  url: 'http://127.0.0.1:1',
  accounts: [],
  expectedAccounts: 7,
  zeroBalanceOk: [],
  requireTradeAllowed: true,
  syncRateCritical: 0.2,
  probeTimeoutMs: 5_000,
  staleAfterMs: 10 * 60_000,
  ...overrides,
});

const live = (login: string, balance = 10_000, ageMs = 2_000): AccountReading => ({
  login,
  balance,
  dataSource: 'live',
  readAt: new Date(NOW - ageMs).toISOString(),
});
const placeholder = (login: string): AccountReading => ({ login, balance: 0, dataSource: 'no_cache', readAt: null });

type HealthPart = Partial<Observation['health']>;
const observe = (readings: AccountReading[], health: HealthPart = {}, accounts: Partial<Observation['accounts']> = {}): Observation => ({
  targetId: 'mt5-bridge',
  probedAt: PROBED_AT,
  health: { ok: true, httpStatus: 200, latencyMs: 12, claimedStatus: 'healthy', mt5Available: true, connected: true, tradeAllowed: true, ...health },
  accounts: { source: 'summary', readings, latencyMs: 34, ...accounts },
});
const allLive = (balance?: number) => LOGINS.map((login) => live(login, balance));

const check = (c: Classification, name: CheckName) => {
  const found = c.checks.find((x) => x.check === name);
  if (!found) throw new Error(`no ${name} check`);
  return found;
};

describe('classify: a healthy bridge', () => {
  const result = classify(observe(allLive()), target());

  it('is HEALTHY with every check ok and all 7 accounts synced', () => {
    expect(result.severity).toBe('HEALTHY');
    expect(result.checks.map((c) => [c.check, c.status])).toEqual([
      ['bridge', 'ok'],
      ['terminal', 'ok'],
      ['trade_allowed', 'ok'],
      ['balances', 'ok'],
      ['sync_rate', 'ok'],
      ['account', 'ok'],
      ['clock', 'ok'],
    ]);
    expect(result).toMatchObject({ syncRate: 1, syncedAccounts: 7, expectedAccounts: 7 });
    expect(result.summary).toBe('MT5 Bridge healthy: 7/7 accounts synced with live balances.');
  });

  it('reports the latency of the call behind each check', () => {
    expect(check(result, 'bridge').latencyMs).toBe(12);
    expect(check(result, 'terminal').latencyMs).toBe(12);
    expect(check(result, 'sync_rate').latencyMs).toBe(34);
    expect(check(result, 'account').latencyMs).toBe(34);
  });
});

describe('classify: bridge row (health endpoint fails)', () => {
  it.each([
    ['connection refused', { ok: false, error: 'connection refused', httpStatus: undefined }],
    ['a timeout', { ok: false, error: 'timeout after 5000 ms', httpStatus: undefined }],
    ['a non-2xx answer', { ok: false, error: 'HTTP 503', httpStatus: 503 }],
    ['a non-JSON body', { ok: false, error: 'not JSON (text/html)', httpStatus: 200 }],
  ] as Array<[string, HealthPart]>)('%s is CRITICAL on the bridge check, the other checks skipped', (_what, health) => {
    const result = classify(observe([], { ...health, mt5Available: null, connected: null, tradeAllowed: null }, { source: 'none', error: 'connection refused' }), target());
    expect(result.severity).toBe('CRITICAL');
    expect(check(result, 'bridge')).toMatchObject({ status: 'fail', evidence: `MT5 Bridge health check failed: ${health.error}.` });
    for (const name of ['terminal', 'trade_allowed', 'balances', 'sync_rate', 'account'] as const) {
      expect(check(result, name).status).toBe('skip');
    }
    expect(result.summary).toBe(`MT5 Bridge health check failed: ${health.error}.`);
    expect(isTerminalNotConnected(result)).toBe(false);
  });

  it('a bridge that claims "healthy" but failed the health check is still CRITICAL', () => {
    const result = classify(observe(allLive(), { ok: false, error: 'unexpected health body', claimedStatus: 'healthy' }), target());
    expect(result.severity).toBe('CRITICAL');
  });
});

describe('classify: terminal row', () => {
  it('terminal_info.connected false is CRITICAL, in the words of the runbook with all accounts at $0', () => {
    const result = classify(observe(LOGINS.map(placeholder), { claimedStatus: 'degraded', connected: false, tradeAllowed: false }), target());
    expect(result.severity).toBe('CRITICAL');
    expect(check(result, 'terminal')).toMatchObject({ status: 'fail' });
    expect(check(result, 'terminal').evidence).toContain('NOT CONNECTED to broker');
    expect(result.summary).toBe('MT5 Terminal disconnected from broker. All accounts showing $0.');
    expect(isTerminalNotConnected(result)).toBe(true);
    expect(TERMINAL_NOT_CONNECTED_LOG).toBe('CRITICAL: MT5 Terminal NOT CONNECTED to broker - initiating auto-restart');
  });

  it('a disconnected terminal with live balances is CRITICAL on the terminal alone', () => {
    const result = classify(observe(allLive(), { connected: false }), target());
    expect(result.severity).toBe('CRITICAL');
    expect(result.summary).toBe('MT5 Terminal disconnected from broker.');
  });

  it('a missing terminal_info.connected (null terminal_info) counts as disconnected', () => {
    const result = classify(observe(allLive(), { connected: null, tradeAllowed: null }), target());
    expect(result.severity).toBe('CRITICAL');
    expect(check(result, 'terminal').status).toBe('fail');
    expect(check(result, 'trade_allowed').status).toBe('skip');
  });

  it('mt5.available false is CRITICAL even when connected says true', () => {
    const result = classify(observe(allLive(), { mt5Available: false }), target());
    expect(check(result, 'terminal').status).toBe('fail');
    expect(result.severity).toBe('CRITICAL');
  });

  it('mt5.available missing while connected is fine', () => {
    expect(classify(observe(allLive(), { mt5Available: null }), target()).severity).toBe('HEALTHY');
  });
});

describe('classify: trade_allowed row', () => {
  it('trade_allowed false is CRITICAL', () => {
    const result = classify(observe(allLive(), { tradeAllowed: false }), target());
    expect(result.severity).toBe('CRITICAL');
    expect(check(result, 'trade_allowed').status).toBe('fail');
    expect(result.summary).toBe('Trading not allowed on the MT5 Terminal (trade_allowed: false).');
  });

  it('is off when MT5_REQUIRE_TRADE_ALLOWED=false (investor-password logins): HEALTHY', () => {
    const result = classify(observe(allLive(), { tradeAllowed: false }), target({ requireTradeAllowed: false }));
    expect(result.severity).toBe('HEALTHY');
    expect(check(result, 'trade_allowed')).toMatchObject({ status: 'skip' });
    expect(check(result, 'trade_allowed').evidence).toContain('MT5_REQUIRE_TRADE_ALLOWED');
  });

  it('is skipped, not failed, when the bridge does not report it', () => {
    expect(check(classify(observe(allLive(), { tradeAllowed: null }), target()), 'trade_allowed').status).toBe('skip');
  });
});

describe('classify: balances row', () => {
  it('placeholder zeros everywhere (no_cache, 0.0) are CRITICAL: the zeros are not readings', () => {
    const result = classify(observe(LOGINS.map(placeholder)), target());
    expect(result.severity).toBe('CRITICAL');
    expect(check(result, 'balances').status).toBe('fail');
    expect(check(result, 'balances').accounts).toEqual(LOGINS);
    expect(check(result, 'sync_rate').status).toBe('fail');
    expect(result.summary).toBe('All accounts showing $0.');
  });

  it('fresh live zeros everywhere are a WARNING (money moved), never CRITICAL', () => {
    const result = classify(observe(allLive(0)), target());
    expect(result.severity).toBe('WARNING');
    expect(check(result, 'balances').status).toBe('warn');
    expect(check(result, 'sync_rate').status).toBe('ok');
    expect(result.syncedAccounts).toBe(7);
    expect(result.summary).toBe('All accounts read $0 with fresh live data (money moved?).');
  });

  it('stale live zeros everywhere are CRITICAL: old zeros are not fresh live data', () => {
    const result = classify(observe(LOGINS.map((l) => live(l, 0, 3_600_000))), target());
    expect(check(result, 'balances').status).toBe('fail');
    expect(result.severity).toBe('CRITICAL');
  });

  it('all zeros, some fresh live and the rest placeholders, is a WARNING on balances', () => {
    const readings = LOGINS.map((l, i) => (i < 4 ? live(l, 0) : placeholder(l)));
    const result = classify(observe(readings), target());
    expect(check(result, 'balances').status).toBe('warn');
    expect(check(result, 'sync_rate').status).toBe('ok');
    expect(result.severity).toBe('WARNING');
  });

  it('MT5_ZERO_BALANCE_OK accounts are left out: the others at $0 still decide', () => {
    const readings = LOGINS.map((l) => (l === '886528' ? live(l, 0) : placeholder(l)));
    const result = classify(observe(readings), target({ zeroBalanceOk: ['886528'] }));
    expect(check(result, 'balances').status).toBe('fail');
    expect(check(result, 'balances').accounts).not.toContain('886528');
  });

  it('a reserve account legitimately at $0 (MT5_ZERO_BALANCE_OK) raises nothing', () => {
    const readings = LOGINS.map((l) => (l === '886528' ? live(l, 0) : live(l)));
    const result = classify(observe(readings), target({ zeroBalanceOk: ['886528'] }));
    expect(result.severity).toBe('HEALTHY');
  });

  it('the same reserve account at $0 without MT5_ZERO_BALANCE_OK is a WARNING on that account', () => {
    const readings = LOGINS.map((l) => (l === '886528' ? live(l, 0) : live(l)));
    const result = classify(observe(readings), target());
    expect(result.severity).toBe('WARNING');
    expect(check(result, 'balances').status).toBe('ok');
    expect(check(result, 'account')).toMatchObject({ status: 'warn', accounts: ['886528'] });
    expect(result.summary).toBe('Account 886528 reads an unexpected $0.');
  });

  it('every account in MT5_ZERO_BALANCE_OK: balances skipped', () => {
    const result = classify(observe(allLive(0)), target({ zeroBalanceOk: LOGINS }));
    expect(check(result, 'balances').status).toBe('skip');
    expect(result.severity).toBe('HEALTHY');
  });

  it('no account listed at all is CRITICAL on balances and sync rate', () => {
    const result = classify(observe([], {}, { source: 'none', error: 'HTTP 500' }), target());
    expect(check(result, 'balances')).toMatchObject({ status: 'fail' });
    expect(check(result, 'balances').evidence).toContain('HTTP 500');
    expect(check(result, 'sync_rate').status).toBe('fail');
    expect(check(result, 'account').evidence).toContain('7 expected accounts were not reported by the bridge: HTTP 500');
    expect(result.summary).toBe('No account balances returned (HTTP 500).');
  });
});

describe('classify: sync_rate row', () => {
  it('1 of 7 synced (14%) is below 20%: CRITICAL', () => {
    const readings = LOGINS.map((l, i) => (i === 0 ? live(l) : placeholder(l)));
    const result = classify(observe(readings), target());
    expect(check(result, 'sync_rate')).toMatchObject({ status: 'fail' });
    expect(result.severity).toBe('CRITICAL');
    expect(result.syncRate).toBeCloseTo(1 / 7);
    expect(result.summary).toBe('Sync success rate 14.3% (1/7 accounts synced), below 20%.');
  });

  it('2 of 7 synced (29%) is not below 20%: WARNING from the account check only', () => {
    const readings = LOGINS.map((l, i) => (i < 2 ? live(l) : placeholder(l)));
    const result = classify(observe(readings), target());
    expect(check(result, 'sync_rate').status).toBe('ok');
    expect(result.severity).toBe('WARNING');
    expect(result.summary).toBe('5 accounts failed to sync.');
  });

  it('the threshold is the target\'s SYNC_RATE_CRITICAL', () => {
    const readings = LOGINS.map((l, i) => (i < 4 ? live(l) : placeholder(l)));
    expect(classify(observe(readings), target({ syncRateCritical: 0.6 })).severity).toBe('CRITICAL');
    expect(classify(observe(readings), target({ syncRateCritical: 0.5 })).severity).toBe('WARNING');
  });

  it('accounts the bridge did not list count as not synced against MT5_EXPECTED_ACCOUNTS', () => {
    const result = classify(observe([live('886557')]), target());
    expect(result).toMatchObject({ syncedAccounts: 1, expectedAccounts: 7, severity: 'CRITICAL' });
  });

  it('more accounts than expected cap the rate at 100%', () => {
    expect(classify(observe(allLive()), target({ expectedAccounts: 5 })).syncRate).toBe(1);
  });
});

describe('classify: account row', () => {
  it('a single account failing to sync is a WARNING naming it', () => {
    const readings = LOGINS.map((l) => (l === '891234' ? placeholder(l) : live(l)));
    const result = classify(observe(readings), target());
    expect(result.severity).toBe('WARNING');
    expect(check(result, 'account')).toMatchObject({ status: 'warn', accounts: ['891234'] });
    expect(check(result, 'account').evidence).toBe('Account 891234 failed to sync (no_cache placeholder).');
    expect(result.summary).toBe('Account 891234 failed to sync.');
  });

  it('with MT5_ACCOUNTS set, only those logins count and a listed login missing from the answer is not synced', () => {
    const listed = ['886557', '886066', '999999'];
    const result = classify(observe(allLive()), target({ accounts: listed, expectedAccounts: 3 }));
    expect(result).toMatchObject({ syncedAccounts: 2, expectedAccounts: 3, severity: 'WARNING' });
    expect(check(result, 'account').evidence).toBe('Account 999999 failed to sync (not reported by the bridge).');
  });

  it('with MT5_ACCOUNTS set, a failing account that is not listed is ignored', () => {
    const readings = LOGINS.map((l) => (l === '891234' ? placeholder(l) : live(l)));
    const result = classify(observe(readings), target({ accounts: ['886557', '886066'], expectedAccounts: 2 }));
    expect(result.severity).toBe('HEALTHY');
    expect(result.summary).toBe('MT5 Bridge healthy: 2/2 accounts synced with live balances.');
  });
});

describe('classify: what "synced" means', () => {
  it('stale live data (older than staleAfterMs) is not synced', () => {
    const readings = LOGINS.map((l) => live(l, 10_000, 3_600_000));
    const result = classify(observe(readings), target());
    expect(result.syncedAccounts).toBe(0);
    expect(result.severity).toBe('CRITICAL');
    expect(check(result, 'sync_rate').status).toBe('fail');
    expect(check(result, 'balances').status).toBe('ok');
    expect(check(result, 'account').evidence).toContain('stale, read 60 min ago');
  });

  it('fresh cached data is synced (variant B serves every healthy reading from its cache), and so is a reading with no data_source (variant A)', () => {
    expect(isSynced({ login: '1', balance: 5, dataSource: 'cached', readAt: PROBED_AT }, NOW, 60_000)).toBe(true);
    expect(isSynced({ login: '1', balance: 5, dataSource: 'unknown', readAt: PROBED_AT }, NOW, 60_000)).toBe(true);
  });

  it('freshness lives in the reading\'s own time: old cached data is stale, a no_cache placeholder never synced', () => {
    expect(notSyncedReason({ login: '1', balance: 5, dataSource: 'cached', readAt: new Date(NOW - 120_000).toISOString() }, NOW, 60_000)).toBe('stale, read 2 min ago');
    expect(notSyncedReason({ login: '1', balance: 0, dataSource: 'no_cache', readAt: PROBED_AT }, NOW, 60_000)).toBe('no_cache placeholder');
  });

  it('a live reading without a timestamp is not fresh, so not synced', () => {
    expect(isSynced({ login: '1', balance: 5, dataSource: 'live', readAt: null }, NOW, 60_000)).toBe(false);
  });

  it('a live reading without a finite balance is not synced', () => {
    expect(isSynced({ login: '1', balance: null, dataSource: 'live', readAt: PROBED_AT }, NOW, 60_000)).toBe(false);
  });

  it('a timestamp without zone is UTC', () => {
    expect(isSynced({ login: '1', balance: 5, dataSource: 'live', readAt: '2025-10-31T11:26:30' }, NOW, 60_000)).toBe(true);
    expect(isSynced({ login: '1', balance: 5, dataSource: 'live', readAt: '2025-10-31T10:26:30' }, NOW, 60_000)).toBe(false);
  });
});

describe('classify: safe on nulls, missing fields and wrong types', () => {
  it('an empty object observation is a CRITICAL bridge finding, not a throw', () => {
    const result = classify({} as Observation, target());
    expect(result.severity).toBe('CRITICAL');
    expect(check(result, 'bridge').status).toBe('fail');
  });

  it('null readings, readings without login and wrong-typed fields are judged as missing data', () => {
    const junk = [null, 42, { balance: 10 }, { login: '886557', balance: '10000', dataSource: 'live', readAt: PROBED_AT }, { login: 886066, balance: NaN, dataSource: 'LIVE', readAt: 5 }];
    const obs = observe(junk as unknown as AccountReading[]);
    const result = classify(obs, target({ accounts: ['886557', '886066'], expectedAccounts: 2 }));
    expect(result.syncedAccounts).toBe(0);
    expect(result.severity).toBe('CRITICAL');
  });

  it('null health fields and a null accounts block do not throw', () => {
    const obs = { targetId: 'x', probedAt: PROBED_AT, health: { ok: true, latencyMs: null, mt5Available: null, connected: null, tradeAllowed: null }, accounts: null };
    const result = classify(obs as unknown as Observation, target());
    expect(result.severity).toBe('CRITICAL');
    expect(check(result, 'terminal').status).toBe('fail');
    expect(check(result, 'bridge').latencyMs).toBeUndefined();
  });

  it('a target with missing lists is read as empty lists', () => {
    const partial = { ...target(), accounts: undefined, zeroBalanceOk: null } as unknown as Target;
    expect(classify(observe(allLive()), partial).severity).toBe('HEALTHY');
  });

  it('the result is plain data (serializable through Temporal)', () => {
    const result = classify(observe(allLive()), target());
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});

describe('parseBridgeTime', () => {
  it.each([
    ['2025-10-31T11:26:38Z', Date.UTC(2025, 9, 31, 11, 26, 38)],
    ['2025-10-31T11:26:38', Date.UTC(2025, 9, 31, 11, 26, 38)],
    ['2025-10-31 11:26:38', Date.UTC(2025, 9, 31, 11, 26, 38)],
    ['2025-10-31T11:26:38.123456', Date.UTC(2025, 9, 31, 11, 26, 38, 123)],
    ['2025-10-31T11:26:38.123456+00:00', Date.UTC(2025, 9, 31, 11, 26, 38, 123)],
    ['2025-10-31T13:26:38+02:00', Date.UTC(2025, 9, 31, 11, 26, 38)],
    ['2025-10-31T13:26:38+0200', Date.UTC(2025, 9, 31, 11, 26, 38)],
    [1761909998, 1761909998000],
    [1761909998000, 1761909998000],
    ['1761909998', 1761909998000],
  ] as Array<[string | number, number]>)('%s', (input, expected) => {
    expect(parseBridgeTime(input)).toBe(expected);
  });

  it.each([null, undefined, '', 'yesterday', {}, NaN, -5])('%p is unreadable', (input) => {
    expect(parseBridgeTime(input)).toBeNaN();
  });
});

describe('classify: readings dated in the future (a clock problem, not fresh data)', () => {
  const ahead = (login: string, aheadMs: number, balance = 10_000): AccountReading => ({
    login,
    balance,
    dataSource: 'live',
    readAt: new Date(NOW + aheadMs).toISOString(),
  });

  it('up to 2 minutes ahead is clock drift: fresh', () => {
    const result = classify(observe(LOGINS.map((l) => ahead(l, 90_000))), target());
    expect(result.severity).toBe('HEALTHY');
    expect(check(result, 'clock').status).toBe('ok');
  });

  it('beyond 2 minutes: a clock WARNING naming MT5_BRIDGE_TIMEZONE, the readings not synced, and no CRITICAL (a restart cannot fix a clock)', () => {
    const result = classify(observe(LOGINS.map((l) => ahead(l, 3 * 3_600_000))), target({ bridgeTimeZone: 'UTC' }));
    expect(result.severity).toBe('WARNING');
    expect(result.syncedAccounts).toBe(0);
    const clock = check(result, 'clock');
    expect(clock.status).toBe('warn');
    expect(clock.evidence).toMatch(/^7 account readings are dated up to 3 h in the future \(beyond the 2 min tolerance\): the bridge's clock or MT5_BRIDGE_TIMEZONE \(UTC\) is wrong/);
    expect(clock.accounts).toEqual(LOGINS);
    expect(check(result, 'sync_rate').status).toBe('ok');
    expect(check(result, 'sync_rate').evidence).toContain('7 more read but dated in the future');
    expect(check(result, 'account').status).toBe('ok'); // left to the clock check: one condition, not seven
    expect(result.summary).toBe('Bridge timestamps up to 3 h in the future: clock or MT5_BRIDGE_TIMEZONE wrong.');
  });

  it('zeros dated in the future are not "all accounts $0, none live" (no restart)', () => {
    const result = classify(observe(LOGINS.map((l) => ahead(l, 10 * 60_000, 0))), target());
    expect(check(result, 'balances').status).toBe('warn');
    expect(result.severity).toBe('WARNING');
  });

  it('one account ahead among fresh ones: the clock check names it', () => {
    const result = classify(observe([...LOGINS.slice(0, 6).map((l) => live(l)), ahead(LOGINS[6]!, 5 * 60_000)]), target());
    expect(check(result, 'clock')).toMatchObject({ status: 'warn', accounts: [LOGINS[6]] });
    expect(result.syncedAccounts).toBe(6);
  });
});

describe('classify: malformed entries from the bridge', () => {
  it('are an account WARNING finding, never a crash', () => {
    const result = classify(observe(allLive(), {}, { malformed: 2 }), target());
    expect(result.severity).toBe('WARNING');
    expect(check(result, 'account')).toMatchObject({
      status: 'warn',
      evidence: 'The bridge listed 2 account entries that could not be read (login not digits, or not an object); ignored.',
    });
  });
});
