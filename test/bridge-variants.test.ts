/**
 * The probe and the classifier against recorded bodies of both deployed bridges (the MongoDB-backed
 * variant A and the seed's "4.0-multi-account" variant B), one file per state, under
 * test/fixtures/bridge-bodies/. Each body is served as it was recorded by a plain HTTP server, and
 * the real probe reads it at the time it was recorded.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createProbeActivities } from '../src/activities/probe/index';
import { loadConfig } from '../src/config/load-config';
import { createBridgeSimulator, REAL_BRIDGE_TIMING, SIM_ACCOUNT_PASSWORD } from '../src/simulator';
import type { ProbeReport, Target } from '../src/shared/types';

interface Recorded {
  variant: 'a' | 'b';
  state: string;
  probedAt: string;
  health: { status: number; body: unknown };
  summary: { status: number; body: unknown };
}

const DIR = join(__dirname, 'fixtures', 'bridge-bodies');
const recorded = (name: string): Recorded => JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as Recorded;

/** Serves one recording: health and summary as recorded, every other route 404 (so nothing else is asked). */
async function serve(body: Recorded): Promise<{ url: string; paths: string[]; close(): Promise<void> }> {
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    paths.push(path);
    const answer = path === '/api/mt5/bridge/health' ? body.health : path === '/api/mt5/accounts/summary' ? body.summary : { status: 404, body: { detail: 'Not Found' } };
    res.writeHead(answer.status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The default target of an installation (the shipped defaults), pointed at `url`. */
function defaultTarget(url: string): Target {
  return (loadConfig({ MT5_BRIDGE_URL: url }).targets[0] as { target: Target }).target;
}

/** Probes the recording at its own time, then again `laterMs` after it on the same worker. */
async function probeRecorded(name: string, laterMs: number[] = []): Promise<{ reports: ProbeReport[]; paths: string[] }> {
  const body = recorded(name);
  const server = await serve(body);
  let now = Date.parse(body.probedAt);
  const probe = createProbeActivities({ now: () => new Date(now) });
  try {
    const reports = [await probe.probeTarget(defaultTarget(server.url))];
    for (const ms of laterMs) {
      now = Date.parse(body.probedAt) + ms;
      reports.push(await probe.probeTarget(defaultTarget(server.url)));
    }
    return { reports, paths: server.paths };
  } finally {
    await server.close();
  }
}

const failing = (report: ProbeReport) => report.checks.filter((c) => c.status === 'fail').map((c) => c.check);

describe('recorded bodies of both deployed bridges', () => {
  it('the recordings cover every state of both variants', () => {
    expect(readdirSync(DIR).sort()).toEqual(
      ['a-disconnected', 'a-healthy', 'a-mongo-down', 'a-stale', 'b-disconnected', 'b-healthy', 'b-stale', 'b-warming-up', 'b-warming-up-partly'].map((n) => `${n}.json`).sort(),
    );
  });

  it.each(['a', 'b'])('variant %s, healthy: HEALTHY at the shipped defaults, 7/7 synced, whatever data_source says (A: none, B: "cached")', async (variant) => {
    const { reports, paths } = await probeRecorded(`${variant}-healthy`);
    const [report] = reports as [ProbeReport];
    expect(report.severity).toBe('HEALTHY');
    expect(report.syncedAccounts).toBe(7);
    expect(report.warmingUp).toBeUndefined();
    expect(report.summary).toBe('MT5 Bridge healthy: 7/7 accounts synced with live balances.');
    expect(paths.every((p) => !p.endsWith('/info'))).toBe(true);
  });

  it('variant A: the MongoDB documents carry a password; nothing of it survives the probe', async () => {
    expect(JSON.stringify(recorded('a-healthy'))).toContain(SIM_ACCOUNT_PASSWORD);
    const { reports } = await probeRecorded('a-healthy');
    const text = JSON.stringify(reports);
    expect(text).not.toContain(SIM_ACCOUNT_PASSWORD);
    expect(text).not.toContain('MEXAtlantic-Real');
    expect(Object.keys(reports[0]!.observation.accounts.readings[0]!).sort()).toEqual(['balance', 'dataSource', 'equity', 'login', 'name', 'readAt']);
  });

  it.each(['a', 'b'])('variant %s, terminal lost its broker: CRITICAL on the terminal check, though A still claims "healthy"', async (variant) => {
    const body = recorded(`${variant}-disconnected`);
    expect((body.health.body as { status: string }).status).toBe('healthy');
    const { reports } = await probeRecorded(`${variant}-disconnected`);
    expect(reports[0]!.severity).toBe('CRITICAL');
    expect(failing(reports[0]!)).toContain('terminal');
    expect(reports[0]!.summary).toMatch(/^MT5 Terminal disconnected from broker\./);
  });

  it.each(['a', 'b'])('variant %s, sync service (A) or refresh loop (B) dead: readings an hour old are stale, CRITICAL on the sync rate', async (variant) => {
    const { reports } = await probeRecorded(`${variant}-stale`);
    expect(reports[0]!.severity).toBe('CRITICAL');
    expect(failing(reports[0]!)).toContain('sync_rate');
    expect(reports[0]!.checks.find((c) => c.check === 'account')?.evidence).toContain('stale, read 60 min ago');
  });

  it('variant A, MongoDB down: the named CRITICAL "cannot read its database", distinct from a terminal fault', async () => {
    const { reports } = await probeRecorded('a-mongo-down');
    const [report] = reports as [ProbeReport];
    expect(report.severity).toBe('CRITICAL');
    expect(report.checks.find((c) => c.check === 'database')).toMatchObject({ status: 'fail' });
    expect(report.checks.find((c) => c.check === 'terminal')).toMatchObject({ status: 'ok' });
    expect(report.summary).toMatch(/^MT5 Bridge cannot read its database \(MongoDB down\)\./);
    expect(report.observation.accounts.error).toContain('HTTP 503');
  });

  it('variant B, warming up after a start: WARMING UP within MT5_WARMUP_GRACE (HEALTHY, no incident), a fault once the grace is over', async () => {
    const { reports } = await probeRecorded('b-warming-up', [60_000, 121_000]);
    const [first, within, past] = reports as [ProbeReport, ProbeReport, ProbeReport];
    expect(first.severity).toBe('HEALTHY');
    expect(first.warmingUp).toMatchObject({ forMs: 0, graceMs: 120_000, cached: 0, total: 7 });
    expect(first.summary).toMatch(/^MT5 Bridge warming up for 0 s \(0\/7 accounts cached; MT5_WARMUP_GRACE 2 min\)/);
    expect(within.severity).toBe('HEALTHY');
    expect(within.warmingUp?.forMs).toBe(60_000);
    expect(past.severity).toBe('CRITICAL');
    expect(past.warmingUp).toBeUndefined();
    expect(past.summary).toContain('still warming up for 2 min');
  });

  it('variant B, cache partly filled: the cached accounts count as synced, the placeholders are not judged yet', async () => {
    const { reports } = await probeRecorded('b-warming-up-partly');
    const [report] = reports as [ProbeReport];
    expect(report.severity).toBe('HEALTHY');
    expect(report.syncedAccounts).toBeGreaterThan(0);
    expect(report.syncedAccounts).toBeLessThan(7);
    expect(report.warmingUp?.cached).toBe(report.syncedAccounts);
  });

  it('a terminal that loses its broker during a warm-up is CRITICAL at once: the grace excuses only placeholders', async () => {
    const body = recorded('b-warming-up');
    const health = body.health.body as { mt5: { terminal_info: { connected: boolean } } };
    health.mt5.terminal_info.connected = false;
    const server = await serve(body);
    try {
      const report = await createProbeActivities({ now: () => new Date(body.probedAt) }).probeTarget(defaultTarget(server.url));
      expect(report.severity).toBe('CRITICAL');
      expect(failing(report)).toEqual(['terminal']);
    } finally {
      await server.close();
    }
  });
});

describe('an hour of probes of a healthy bridge, on the simulator of each variant (its clock and the probe\'s moved together)', () => {
  it.each(['a', 'b'] as const)(
    'variant %s: 240 probes at the default 15 s over one hour (B starting in its warm-up, 12 refresh rounds): never WARNING or CRITICAL, and the terminal never logged in',
    async (variant) => {
      const start = Date.UTC(2026, 2, 2, 9, 0, 0);
      let now = start;
      const sim = await createBridgeSimulator({ host: '127.0.0.1', port: 0, variant, clock: () => now, ...(variant === 'b' ? { warmUpMs: REAL_BRIDGE_TIMING.warmUpMs } : {}) });
      const probe = createProbeActivities({ now: () => new Date(now) });
      const target = defaultTarget(sim.url);
      const seen: Record<string, number> = {};
      let warming = 0;
      try {
        for (let step = 0; step < 240; step++) {
          now = start + step * 15_000;
          const report = await probe.probeTarget(target);
          seen[report.severity] = (seen[report.severity] ?? 0) + 1;
          if (report.warmingUp) warming += 1;
          if (report.severity !== 'HEALTHY') throw new Error(`probe ${step} (${new Date(now).toISOString()}): ${report.severity} ${report.summary}`);
        }
        expect(seen).toEqual({ HEALTHY: 240 });
        // B's first probes fall in its warm-up after the start; A has none
        expect(warming).toBe(variant === 'b' ? 2 : 0);
        expect(sim.state().terminalLogins).toBe(0);
        expect(sim.state().requests.info).toBe(0);
        expect(sim.state().restarts).toEqual([]);
      } finally {
        await sim.close();
      }
    },
  );
});
