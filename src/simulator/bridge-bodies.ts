/**
 * The bodies the simulated bridge answers, in the shapes of the deployed FastAPI bridge
 * (docs/REQUIREMENTS.md, "The restart", and src/activities/probe/). Timestamps are as Python writes them: the summary's with
 * `+00:00` and microseconds, the per-account info's `last_sync` without zone (UTC), so that
 * clients meet both forms.
 */
import type { SimAccount } from './default-accounts';
import type { BridgeView } from './simulated-bridge';

export interface RawAnswer {
  status: number;
  contentType: string;
  text: string;
}

/** How one account looks in the current view. */
type AccountKind = 'live' | 'zero_live' | 'no_cache' | 'missing' | 'stale';

/** Seconds-old reading of a healthy account: the bridge syncs every few seconds. */
const LIVE_AGE_MS = 1_500;

const json = (status: number, body: unknown): RawAnswer => ({ status, contentType: 'application/json', text: JSON.stringify(body) });

export function healthAnswer(view: BridgeView, accounts: readonly SimAccount[]): RawAnswer {
  if (view.mode === 'malformed') {
    switch (view.fault.variant) {
      case 'html':
        return { status: 200, contentType: 'text/html', text: '<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>' };
      case 'truncated':
        return { status: 200, contentType: 'application/json', text: '{"status": "healthy", "mt5": {"available": tr' };
      case 'shape':
        return json(200, 'healthy');
      case 'huge':
        return { status: 200, contentType: 'application/json', text: hugeJson() };
      case 'types':
        return json(200, {
          status: ['healthy'],
          timestamp: 1_730_000_000,
          mt5: { available: 'true', initialized: 1, terminal_info: { connected: 'yes', trade_allowed: 'true', ping_last: {} } },
          cache: { accounts_cached: '7', total_accounts: null, cache_complete: 'yes' },
        });
      case 'drip':
        break; // streamed by the server (create-bridge-simulator.ts): a few bytes at a time
    }
  }
  const connected = view.mode !== 'terminal_disconnected';
  const tradeAllowed = connected && view.mode !== 'trade_not_allowed';
  const kinds = accountKinds(view, accounts);
  const cached = kinds.filter((k) => k !== 'no_cache' && k !== 'missing').length;
  const cacheComplete = cached === accounts.length;
  return json(200, {
    status: !connected || !cacheComplete ? 'degraded' : 'healthy',
    timestamp: new Date(view.now).toISOString(),
    mt5: {
      available: true,
      initialized: true,
      terminal_info: {
        connected,
        trade_allowed: tradeAllowed,
        name: 'MEX Atlantic MT5 Terminal',
        company: 'MEX Atlantic Corporation',
        build: 4755,
        ping_last: connected ? 38_012 : 0,
      },
    },
    cache: { accounts_cached: cached, total_accounts: accounts.length, cache_complete: cacheComplete },
    version: 'simulator',
  });
}

export function summaryAnswer(view: BridgeView, accounts: readonly SimAccount[]): RawAnswer {
  if (view.mode === 'summary_missing') return json(404, { detail: 'Not Found' });
  if (view.mode === 'malformed' && view.fault.variant === 'types') {
    const rows = accounts.map((a) => ({ account: { login: a.login }, name: 42, balance: String(a.balance), equity: null, timestamp: true, data_source: 7 }));
    return json(200, { success: 'yes', accounts: rows, count: String(rows.length), timestamp: [] });
  }
  const kinds = accountKinds(view, accounts);
  const rows = accounts.flatMap((account, i) => {
    const kind = kinds[i] as AccountKind;
    if (kind === 'missing') return [];
    const r = reading(account, i, kind, view);
    return [
      {
        account: Number(account.login),
        name: account.name,
        fund_type: account.fundType,
        balance: r.balance,
        equity: r.equity,
        profit: r.profit,
        margin: 0,
        free_margin: r.equity,
        currency: 'USD',
        timestamp: pythonIso(r.at),
        data_source: r.source,
      },
    ];
  });
  return json(200, { success: true, accounts: rows, count: rows.length, timestamp: pythonIso(view.now) });
}

export function infoAnswer(view: BridgeView, accounts: readonly SimAccount[], login: string): RawAnswer {
  const index = accounts.findIndex((a) => a.login === login);
  const account = accounts[index];
  const kinds = accountKinds(view, accounts);
  if (!account || kinds[index] === 'missing') return json(404, { detail: `Account ${login} not found` });
  const kind = kinds[index] as AccountKind;
  const r = reading(account, index, kind, view);
  const connected = view.mode !== 'terminal_disconnected';
  return json(200, {
    account_id: Number(account.login),
    name: account.name,
    fund_type: account.fundType,
    live_data:
      r.source === 'no_cache'
        ? null
        : {
            balance: r.balance,
            equity: r.equity,
            profit: r.profit,
            margin: 0,
            free_margin: r.equity,
            leverage: 100,
            currency: 'USD',
            trade_allowed: connected && view.mode !== 'trade_not_allowed',
          },
    last_sync: r.source === 'no_cache' ? null : naiveIso(r.at),
  });
}

function accountKinds(view: BridgeView, accounts: readonly SimAccount[]): AccountKind[] {
  const { fault } = view;
  if (view.placeholder) return accounts.map(() => 'no_cache');
  const failing: AccountKind = fault.failure === 'missing' ? 'missing' : fault.failure === 'stale' ? 'stale' : 'no_cache';
  switch (view.mode) {
    case 'terminal_disconnected':
    case 'placeholder_zeros':
      return accounts.map(() => 'no_cache');
    case 'live_zeros':
      return accounts.map(() => 'zero_live');
    case 'stale':
      return accounts.map(() => 'stale');
    case 'sync_degraded':
      return accounts.map((_, i) => (i < fault.failing ? failing : 'live'));
    case 'account_failing': {
      const login = fault.login ?? accounts[accounts.length - 1]?.login;
      return accounts.map((a) => (a.login === login ? failing : 'live'));
    }
    default:
      return accounts.map(() => 'live');
  }
}

function reading(account: SimAccount, index: number, kind: AccountKind, view: BridgeView) {
  if (kind === 'no_cache' || kind === 'missing') return { balance: 0.0, equity: 0.0, profit: 0.0, at: view.now, source: 'no_cache' as const };
  if (kind === 'zero_live') return { balance: 0.0, equity: 0.0, profit: 0.0, at: view.now - LIVE_AGE_MS, source: 'live' as const };
  const at = kind === 'stale' ? view.now - view.fault.staleByMs : view.now - LIVE_AGE_MS;
  // Floating profit that drifts with time, so that successive readings differ like live ones.
  const profit = round2(Math.sin(at / 60_000 + index) * account.balance * 0.002);
  return { balance: account.balance, equity: round2(account.balance + profit), profit, at, source: 'live' as const };
}

/** About 5 MB of valid JSON, far beyond what a probe reads (1 MB). */
function hugeJson(): string {
  return `{"status":"healthy","padding":"${'x'.repeat(5 * 1024 * 1024)}"}`;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** `datetime.now(timezone.utc).isoformat()`: 2025-10-31T11:26:38.123000+00:00 */
function pythonIso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

/** `datetime.utcnow().isoformat()`: 2025-10-31T11:26:38.123000 (no zone: UTC). */
function naiveIso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000');
}
