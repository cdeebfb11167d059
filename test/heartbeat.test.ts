/**
 * The dead man's switch against a local double of the heartbeat service: while the check says
 * all is well a ping goes out every HEARTBEAT_INTERVAL; a stale monitor turns the next beat into
 * the service's failure signal (healthchecks.io `/fail`, Uptime Kuma `status=down`) or silence;
 * the URL's token never reaches a log line. The timers are fired by hand: the rhythm is the
 * delays the switch asks for, not wall-clock time.
 */
import { createDeadMansSwitch, type HeartbeatVerdict } from '../src/workers/heartbeat/dead-mans-switch';
import { createLogger } from '../src/logging/create-logger';
import { loadConfig } from '../src/config/load-config';
import { configSecrets } from '../src/config/secrets';
import { heartbeatService, heartbeatUrlSecrets, shownHeartbeatUrl } from '../src/config/heartbeat-url';
import { createHeartbeatDouble, manualTimers, type HeartbeatDouble } from './helpers/heartbeat-double';
import { waitFor } from './helpers/wait';

const UUID = '5f3c9a2e-8d41-4b7e-9c1a-2e6f0b8d7a43';
const KUMA_TOKEN = 'qR7tXz2KpL9mWv4N';
const INTERVAL_MS = 60_000;

let double: HeartbeatDouble;
beforeEach(async () => {
  double = await createHeartbeatDouble();
});
afterEach(() => double.close());

/** A logger whose lines the test reads, scrubbing the secrets the worker would scrub. */
function capturedLogger(env: NodeJS.ProcessEnv) {
  const lines: string[] = [];
  const log = createLogger({
    level: 'debug',
    secrets: configSecrets(loadConfig(env)),
    destination: { write: (line: string) => void lines.push(line) },
  });
  return { log, lines };
}

function switchFor(url: string, verdicts: () => HeartbeatVerdict, env: NodeJS.ProcessEnv = { HEARTBEAT_URL: url }) {
  const timers = manualTimers();
  let clock = 1_000_000;
  const { log, lines } = capturedLogger(env);
  const dms = createDeadMansSwitch({
    url,
    intervalMs: INTERVAL_MS,
    check: async () => verdicts(),
    log,
    timers,
    now: () => clock,
  });
  return {
    dms,
    timers,
    lines,
    /** The next beat: an interval later. */
    async tick(expectedPings: number) {
      clock += INTERVAL_MS;
      timers.fire();
      await waitFor('the beat', () => double.pings.length, (n) => n >= expectedPings && timers.pendingCount() === 1);
    },
  };
}

describe('dead man\'s switch', () => {
  test('pings the service once per HEARTBEAT_INTERVAL while every monitor is current', async () => {
    const url = `${double.url}/ping/${UUID}`;
    const s = switchFor(url, () => ({ state: 'ok' }));
    s.dms.start();
    await waitFor('the first ping', () => double.pings.length, (n) => n === 1 && s.timers.pendingCount() === 1);
    await s.tick(2);
    await s.tick(3);
    await s.dms.stop();
    expect(double.pings.map((p) => `${p.method} ${p.path}`)).toEqual(Array(3).fill(`GET /ping/${UUID}`));
    // each next beat is asked for one interval after the previous one started
    expect(s.timers.delays).toEqual([INTERVAL_MS, INTERVAL_MS, INTERVAL_MS]);
    expect(s.dms.state()).toMatchObject({ lastSent: 'ok', delivered: { ok: 3, fail: 0 }, undelivered: 0 });
  });

  test('reports failure to healthchecks.io (/fail with the reason) at the first beat after a monitor goes stale, and nothing more after stop', async () => {
    const url = `${double.url}/ping/${UUID}`;
    let verdict: HeartbeatVerdict = { state: 'ok' };
    const s = switchFor(url, () => verdict);
    s.dms.start();
    await waitFor('the first ping', () => double.pings.length, (n) => n === 1 && s.timers.pendingCount() === 1);
    verdict = { state: 'fail', reason: 'monitor stale: mt5-bridge no probe since 2026-01-05T10:00:00.000Z' };
    await s.tick(2);
    expect(double.pings[1]).toMatchObject({
      method: 'POST',
      path: `/ping/${UUID}/fail`,
      body: 'fidus-autoheal: monitor stale: mt5-bridge no probe since 2026-01-05T10:00:00.000Z',
    });
    await s.dms.stop();
    expect(s.timers.pendingCount()).toBe(0);
    expect(s.lines.join('')).toContain('Heartbeat withheld: monitor stale: mt5-bridge');
  });

  test('reports down to an Uptime Kuma push monitor (status=down&msg=) and up again once all is current', async () => {
    const url = `${double.url}/api/push/${KUMA_TOKEN}?status=up&msg=OK&ping=`;
    expect(heartbeatService(url)).toBe('uptime-kuma');
    let verdict: HeartbeatVerdict = { state: 'fail', reason: 'Temporal unreachable: no answer within 10000 ms' };
    const s = switchFor(url, () => verdict);
    s.dms.start();
    await waitFor('the first push', () => double.pings.length, (n) => n === 1 && s.timers.pendingCount() === 1);
    verdict = { state: 'ok' };
    await s.tick(2);
    await s.dms.stop();
    expect(double.pings.map((p) => [p.path, p.query.status, p.query.msg])).toEqual([
      [`/api/push/${KUMA_TOKEN}`, 'down', 'fidus-autoheal: Temporal unreachable: no answer within 10000 ms'],
      [`/api/push/${KUMA_TOKEN}`, 'up', 'OK'],
    ]);
  });

  test('a service without a failure signal: the heartbeat stops while a monitor is stale, and is held (nothing sent) before the first probe', async () => {
    const url = `${double.url}/beat/${UUID}`;
    expect(heartbeatService(url)).toBe('generic');
    const verdicts: HeartbeatVerdict[] = [
      { state: 'wait', reason: 'waiting for the first probe of mt5-bridge' },
      { state: 'ok' },
      { state: 'fail', reason: 'monitor stale: mt5-bridge no probe since 2026-01-05T10:00:00.000Z' },
      { state: 'fail', reason: 'monitor stale: mt5-bridge no probe since 2026-01-05T10:00:00.000Z' },
    ];
    const s = switchFor(url, () => verdicts.shift() ?? { state: 'ok' });
    s.dms.start();
    await waitFor('the first beat', () => s.timers.pendingCount(), (n) => n === 1);
    expect(double.pings).toHaveLength(0);
    await s.tick(1);
    s.timers.fire();
    await waitFor('the third beat', () => s.dms.state().lastSent, (v) => v === 'none' && s.timers.pendingCount() === 1);
    s.timers.fire();
    await waitFor('the fourth beat', () => s.timers.pendingCount(), (n) => n === 1);
    await s.dms.stop();
    expect(double.pings.map((p) => p.path)).toEqual([`/beat/${UUID}`]);
  });

  test('the URL\'s token never appears in a log line, even when the service refuses the ping', async () => {
    const url = `${double.url}/ping/${UUID}`;
    double.answer(500);
    const s = switchFor(url, () => ({ state: 'ok' }));
    s.dms.start();
    await waitFor('the refused ping', () => s.dms.state().undelivered, (n) => n === 1 && s.timers.pendingCount() === 1);
    s.dms.beat().catch(() => undefined);
    await s.dms.stop();
    const text = s.lines.join('');
    expect(text).toContain(`Heartbeat to healthchecks.io at ${double.url}/… not delivered (HTTP 500)`);
    expect(text).not.toContain(UUID);
    expect(shownHeartbeatUrl(url)).not.toContain(UUID);
    // and the logger scrubs the URL, its token and its query wherever they would appear
    const { log, lines } = capturedLogger({ HEARTBEAT_URL: `${double.url}/api/push/${KUMA_TOKEN}?status=up` });
    log.error({ url: `${double.url}/api/push/${KUMA_TOKEN}?status=up` }, `bad ${KUMA_TOKEN}`);
    expect(lines.join('')).not.toContain(KUMA_TOKEN);
    expect(heartbeatUrlSecrets(`${double.url}/api/push/${KUMA_TOKEN}`)).toContain(KUMA_TOKEN);
  });
});

describe('HEARTBEAT_URL and HEARTBEAT_INTERVAL', () => {
  test('default: no heartbeat, every 60 s once set; a bad URL is refused without echoing it', () => {
    expect(loadConfig({}).heartbeat).toEqual({ url: undefined, intervalMs: 60_000 });
    expect(loadConfig({ HEARTBEAT_URL: `https://hc-ping.com/${UUID}`, HEARTBEAT_INTERVAL: '30s' }).heartbeat).toEqual({
      url: `https://hc-ping.com/${UUID}`,
      intervalMs: 30_000,
    });
    expect(() => loadConfig({ HEARTBEAT_URL: `hc-ping.com/${UUID}` })).toThrow(/HEARTBEAT_URL: expected the http\(s\) push URL/);
    // the refusal names the problem, never the value (it holds the token)
    expect(() => loadConfig({ HEARTBEAT_URL: `ftp://hc-ping.com/${UUID}` })).toThrow(/^(?![\s\S]*5f3c9a2e)[\s\S]*HEARTBEAT_URL: expected an http\(s\) push URL, got a ftp: URL/);
    expect(() => loadConfig({ HEARTBEAT_INTERVAL: 'often' })).toThrow(/HEARTBEAT_INTERVAL: expected/);
  });
});
