/**
 * The bodies the simulated bridge answers, in the exact shapes of the two deployed FastAPI
 * bridges of the FIDUS repository (docs/bridge.md describes them field by field):
 *
 * - **Variant A**, MongoDB-backed (`vps/mt5_bridge_api_service.py`): health with `mongodb` and
 *   `service`, whose `status` is "healthy" whenever the terminal API is initialised and MongoDB
 *   answers, even when the terminal lost its broker; the summary hands out the MongoDB documents
 *   whole (`password` and `server` included), each with a zone-less `updated_at` written by the
 *   sync service every `refreshMs`; `/api/mt5/accounts` (the documents as a list) and the
 *   read-only `/api/mt5/account/{login}/balance`. Its info endpoint logs the terminal in to the
 *   account (create-bridge-simulator.ts counts those logins).
 * - **Variant B**, "4.0-multi-account" (`vps-scripts/mt5_bridge_multi_account_fixed.py`): no
 *   database; every account is read in turn by a refresh round every `refreshMs` (5 min) and
 *   served from the cache as `data_source: "cached"` with the time of its own reading; after each
 *   start, placeholders (`no_cache`, 0.0, "Waiting for first cache refresh") and
 *   `cache_complete: false` until the first round is done.
 *
 * Timestamps are as Python writes them: `datetime.now(timezone.utc).isoformat()` with `+00:00`
 * and microseconds, MongoDB datetimes without zone.
 */
import type { SimAccount } from './default-accounts';
import type { Fault, FaultMode } from './fault';

export interface RawAnswer {
  status: number;
  contentType: string;
  text: string;
}

/** Which deployed bridge the simulator speaks (docs/bridge.md). */
export type BridgeVariant = 'a' | 'b';

/** What the bridge looks like right now. */
export interface BridgeView {
  mode: FaultMode;
  /** Healed, but the accounts are no_cache placeholders while the cache refills. */
  placeholder: boolean;
  fault: Fault;
  now: number;
  variant: BridgeVariant;
  /** Epoch ms the bridge process last started (the simulator's start, or the last heal of a full restart). */
  startedAt: number;
  /** B: how long the first refresh round after a start takes to fill the cache. */
  warmUpMs: number;
  /** A: the sync service's period; B: the refresh round's. */
  refreshMs: number;
}

/** How one account looks in the current view. */
type AccountKind = 'live' | 'zero_live' | 'no_cache' | 'missing' | 'stale';

const json = (status: number, body: unknown): RawAnswer => ({ status, contentType: 'application/json', text: JSON.stringify(body) });

const MONGODB_NOT_AVAILABLE = (): RawAnswer => json(503, { detail: 'MongoDB not available' });

/** The fake password every variant-A document carries: a bridge body can hold secrets. */
export const SIM_ACCOUNT_PASSWORD = 'sim-mongodb-password-Fidus!';

export function healthAnswer(view: BridgeView, accounts: readonly SimAccount[]): RawAnswer {
  const malformed = malformedHealth(view);
  if (malformed) return malformed;
  const connected = view.mode !== 'terminal_disconnected';
  const tradeAllowed = connected && view.mode !== 'trade_not_allowed';
  const timestamp = pythonIso(view.now);
  if (view.variant === 'a') {
    const mongo = view.mode !== 'mongo_down';
    return json(200, {
      // initialised terminal API and MongoDB answering: "healthy", whatever terminal_info says
      status: mongo ? 'healthy' : 'degraded',
      timestamp,
      mt5: {
        available: true,
        terminal_info: { connected, trade_allowed: tradeAllowed, name: 'MEX Atlantic MT5 Terminal', company: 'MEX Atlantic Corporation', build: 4755 },
      },
      mongodb: { connected: mongo },
      service: { version: '1.0.0', uptime: 'Running' },
    });
  }
  const kinds = accountKinds(view, accounts);
  const cached = kinds.filter((k) => k !== 'no_cache' && k !== 'missing').length;
  return json(200, {
    status: 'healthy',
    mt5: {
      initialized: true,
      available: true,
      current_account: Number(currentAccount(view, accounts)),
      terminal_info: { connected, trade_allowed: tradeAllowed },
    },
    cache: { accounts_cached: cached, total_accounts: accounts.length, cache_complete: cached === accounts.length },
    version: '4.0-multi-account',
    timestamp,
  });
}

export function summaryAnswer(view: BridgeView, accounts: readonly SimAccount[]): RawAnswer {
  if (view.mode === 'summary_missing') return json(404, { detail: 'Not Found' });
  if (view.mode === 'malformed' && view.fault.variant === 'types') {
    const rows = accounts.map((a) => ({ account: { login: a.login }, name: 42, balance: String(a.balance), equity: null, timestamp: true, data_source: 7 }));
    return json(200, { success: 'yes', accounts: rows, count: String(rows.length), timestamp: [] });
  }
  if (view.variant === 'a') {
    if (view.mode === 'mongo_down') return MONGODB_NOT_AVAILABLE();
    const docs = mongoDocuments(view, accounts);
    const sum = (key: 'balance' | 'equity' | 'profit') => round2(docs.reduce((total, d) => total + d[key], 0));
    const byFundType: Record<string, { count: number; total_balance: number; total_equity: number; total_profit: number; accounts: unknown[] }> = {};
    for (const d of docs) {
      const group = (byFundType[d.fund_type] ??= { count: 0, total_balance: 0, total_equity: 0, total_profit: 0, accounts: [] });
      group.count += 1;
      group.total_balance = round2(group.total_balance + d.balance);
      group.total_equity = round2(group.total_equity + d.equity);
      group.total_profit = round2(group.total_profit + d.profit);
      group.accounts.push({ account: d.account, name: d.name, balance: d.balance, equity: d.equity, profit: d.profit });
    }
    return json(200, {
      timestamp: pythonIso(view.now),
      totals: { accounts: docs.length, balance: sum('balance'), equity: sum('equity'), profit: sum('profit') },
      by_fund_type: byFundType,
      accounts: docs,
    });
  }
  const kinds = accountKinds(view, accounts);
  const rows = accounts.flatMap((account, i) => {
    const kind = kinds[i] as AccountKind;
    if (kind === 'missing') return [];
    const r = reading(account, i, kind, view, accounts.length);
    const base = { account: Number(account.login), name: account.name, fund_type: account.fundType, provider: account.provider ?? 'MEX Atlantic' };
    if (r.placeholder) {
      return [{ ...base, balance: 0.0, equity: 0.0, profit: 0.0, timestamp: pythonIso(view.now), data_source: 'no_cache', note: 'Waiting for first cache refresh' }];
    }
    return [{ ...base, balance: r.balance, equity: r.equity, profit: r.profit, timestamp: pythonIso(r.at), data_source: 'cached' }];
  });
  const cachedCount = kinds.filter((k) => k !== 'no_cache' && k !== 'missing').length;
  return json(200, { success: true, accounts: rows, count: rows.length, cached_count: cachedCount, timestamp: pythonIso(view.now) });
}

/** Variant A's `GET /api/mt5/accounts`: the MongoDB documents as a plain list. B has no such route. */
export function accountsListAnswer(view: BridgeView, accounts: readonly SimAccount[]): RawAnswer {
  // summary_missing: a build with neither list route (the probe falls back on each balance)
  if (view.variant !== 'a' || view.mode === 'summary_missing') return json(404, { detail: 'Not Found' });
  if (view.mode === 'mongo_down') return MONGODB_NOT_AVAILABLE();
  return json(200, mongoDocuments(view, accounts));
}

/** Variant A's read-only `GET /api/mt5/account/{login}/balance`. B has no such route. */
export function balanceAnswer(view: BridgeView, accounts: readonly SimAccount[], login: string): RawAnswer {
  if (view.variant !== 'a') return json(404, { detail: 'Not Found' });
  if (view.mode === 'mongo_down') return MONGODB_NOT_AVAILABLE();
  const doc = mongoDocuments(view, accounts).find((d) => String(d.account) === login);
  if (!doc) return json(404, { detail: `Account ${login} not found` });
  return json(200, { account_id: doc.account, balance: doc.balance, equity: doc.equity, profit: doc.profit, last_updated: doc.updated_at });
}

/**
 * `GET /api/mt5/account/{login}/info`. Variant A logs the terminal in to the account first (the
 * caller counts it) and answers the document with the terminal's live reading; variant B answers
 * its cache entry (`live_data` with its own `timestamp`; `last_sync` is the request's time).
 */
export function infoAnswer(view: BridgeView, accounts: readonly SimAccount[], login: string): RawAnswer {
  const index = accounts.findIndex((a) => a.login === login);
  const account = accounts[index];
  const kinds = accountKinds(view, accounts);
  if (view.variant === 'a') {
    if (view.mode === 'mongo_down') return MONGODB_NOT_AVAILABLE();
    const doc = mongoDocuments(view, accounts).find((d) => String(d.account) === login);
    if (!doc || !account) return json(404, { detail: `Account ${login} not found` });
    const live = view.mode === 'terminal_disconnected' ? null : { balance: doc.balance, equity: doc.equity, profit: doc.profit, margin: 0, margin_free: doc.equity, margin_level: 0, leverage: 100, currency: 'USD', trade_allowed: view.mode !== 'trade_not_allowed' };
    return json(200, {
      account_id: doc.account,
      name: doc.name,
      fund_type: doc.fund_type,
      provider: account.provider ?? 'MEXAtlantic',
      target_amount: null,
      live_data: live,
      last_sync: doc.updated_at,
      stored_data: { balance: doc.balance, equity: doc.equity, profit: doc.profit },
    });
  }
  if (!account || kinds[index] === 'missing') return json(404, { detail: `Account ${login} not managed` });
  const r = reading(account, index, kinds[index] as AccountKind, view, accounts.length);
  const entry = r.placeholder
    ? { account: Number(login), balance: 0.0, equity: 0.0, profit: 0.0, margin: 0.0, margin_free: 0.0, margin_level: 0.0, currency: 'USD', leverage: 0, data_source: 'no_cache', timestamp: pythonIso(view.now), note: 'Waiting for cache refresh' }
    : { account: Number(login), balance: r.balance, equity: r.equity, profit: r.profit, margin: 0.0, margin_free: r.equity, margin_level: 0.0, currency: 'USD', leverage: 100, timestamp: pythonIso(r.at), data_source: 'mt5_live' };
  return json(200, {
    account_id: Number(login),
    name: account.name,
    fund_type: account.fundType,
    provider: account.provider ?? 'MEX Atlantic',
    live_data: entry,
    last_sync: pythonIso(view.now),
  });
}

interface MongoDocument {
  account: number;
  name: string;
  fund_type: string;
  balance: number;
  equity: number;
  profit: number;
  margin: number;
  margin_free: number;
  currency: string;
  leverage: number;
  server: string;
  password: string;
  updated_at: string;
  data_source?: string;
}

/** Variant A's `mt5_accounts` collection as the sync service left it. */
function mongoDocuments(view: BridgeView, accounts: readonly SimAccount[]): MongoDocument[] {
  const kinds = accountKinds(view, accounts);
  return accounts.flatMap((account, i) => {
    const kind = kinds[i] as AccountKind;
    if (kind === 'missing') return [];
    const r = reading(account, i, kind, view, accounts.length);
    return [
      {
        account: Number(account.login),
        name: account.name,
        fund_type: account.fundType,
        balance: r.balance,
        equity: r.equity,
        profit: r.profit,
        margin: 0,
        margin_free: r.equity,
        currency: 'USD',
        leverage: 100,
        server: 'MEXAtlantic-Real',
        password: SIM_ACCOUNT_PASSWORD,
        updated_at: mongoIso(r.at),
        // a newer bridge marks placeholders; a real reading carries no data_source at all
        ...(r.placeholder ? { data_source: 'no_cache' } : {}),
      },
    ];
  });
}

/** The malformed health answers (any variant), or undefined. */
function malformedHealth(view: BridgeView): RawAnswer | undefined {
  if (view.mode !== 'malformed') return undefined;
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
      return undefined; // streamed by the server (create-bridge-simulator.ts): a few bytes at a time
  }
}

function accountKinds(view: BridgeView, accounts: readonly SimAccount[]): AccountKind[] {
  const { fault } = view;
  if (view.placeholder) return accounts.map(() => 'no_cache');
  if (view.variant === 'b') {
    // the first refresh round after a start fills the cache one account at a time
    const warm = warmUpProgress(view, accounts.length);
    if (warm < accounts.length) return accounts.map((_, i) => (i < warm ? 'live' : 'no_cache'));
  }
  const failing: AccountKind = fault.failure === 'missing' ? 'missing' : fault.failure === 'stale' ? 'stale' : 'no_cache';
  switch (view.mode) {
    case 'terminal_disconnected':
    case 'placeholder_zeros':
      // A: the seed's "All accounts showing $0"; B: its refresh logins fail, the cache keeps its entries, which age
      return accounts.map(() => (view.variant === 'b' && view.mode === 'terminal_disconnected' ? 'stale' : 'no_cache'));
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

/** Variant B: how many accounts the first refresh round after the last start has read so far. */
function warmUpProgress(view: BridgeView, count: number): number {
  if (view.warmUpMs <= 0 || count === 0) return count;
  const elapsed = view.now - view.startedAt;
  if (elapsed >= view.warmUpMs) return count;
  // the round starts after 40 % of the warm-up, then reads the accounts evenly
  const roundStart = view.warmUpMs * 0.4;
  if (elapsed < roundStart) return 0;
  return Math.min(count, Math.floor(((elapsed - roundStart) / (view.warmUpMs - roundStart)) * count));
}

/** Variant B's `current_account`: the account its refresh round last logged in to. */
function currentAccount(view: BridgeView, accounts: readonly SimAccount[]): string {
  if (accounts.length === 0) return '0';
  const step = Math.max(1, view.refreshMs / 150);
  const index = Math.floor((view.now - view.startedAt) / step) % accounts.length;
  return (accounts[index] as SimAccount).login;
}

interface Reading {
  balance: number;
  equity: number;
  profit: number;
  at: number;
  placeholder: boolean;
}

function reading(account: SimAccount, index: number, kind: AccountKind, view: BridgeView, count: number): Reading {
  if (kind === 'no_cache' || kind === 'missing') return { balance: 0.0, equity: 0.0, profit: 0.0, at: view.now, placeholder: true };
  const at = kind === 'stale' ? view.now - view.fault.staleByMs : lastRead(view, index, count);
  if (kind === 'zero_live') return { balance: 0.0, equity: 0.0, profit: 0.0, at, placeholder: false };
  // Floating profit that drifts with time, so that successive readings differ like real ones.
  const profit = round2(Math.sin(at / 60_000 + index) * account.balance * 0.002);
  return { balance: account.balance, equity: round2(account.balance + profit), profit, at, placeholder: false };
}

/**
 * When the account was last read: A's sync service writes every document each `refreshMs`; B's
 * round reads the accounts one after the other, each `refreshMs` after its previous reading.
 */
function lastRead(view: BridgeView, index: number, count: number): number {
  const period = Math.max(1, view.refreshMs);
  const first = view.variant === 'b' ? view.startedAt + view.warmUpMs * 0.4 + ((view.warmUpMs * 0.6) / Math.max(1, count)) * index : view.startedAt;
  if (view.now <= first) return Math.min(view.now, first);
  return view.now - ((view.now - first) % period);
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

/** A MongoDB datetime as FastAPI serialises it: 2025-10-31T11:26:38.123000 (no zone: UTC). */
function mongoIso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000');
}
