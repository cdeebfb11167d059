/**
 * The System Health Dashboard's HTTP layer, over a fake StatusSource; and the Temporal-backed
 * source when Temporal cannot be reached (the page says so, with a 200).
 */
import { Client, Connection } from '@temporalio/client';
import { loadConfig, type AppConfig } from '../src/config/load-config';
import { createLogger } from '../src/logging/create-logger';
import type { FeedFilter, FeedNotification } from '../src/shared/alert-feed';
import {
  type CommandResult,
  createDashboardServer,
  type DashboardServer,
  type StatusSource,
  type TargetStatus,
} from '../src/dashboard';
import { authorizeCommand, authorizeSensitiveRead } from '../src/dashboard/authorize';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';

const TOKEN = 'dashboard-token-0123456789abcdef';
const UI = 'http://temporal-ui.test:8233';

function testConfig(overrides: Record<string, string> = {}): AppConfig {
  const config = loadConfig({
    MT5_BRIDGE_URL: 'http://127.0.0.1:1',
    DASHBOARD_PORT: '0',
    DASHBOARD_TOKEN: TOKEN,
    ...overrides,
  });
  const base = config.targets[0]!;
  config.targets = ['mt5-bridge', 'mt5-backup', 'mt5-lab'].map((id) => ({
    ...base,
    target: { ...base.target, id },
  }));
  return config;
}

const links = (id: string) => ({
  incident: `${UI}/namespaces/default/workflows/heal-${id}`,
  monitorRuns: `${UI}/namespaces/default/workflows?query=x`,
});

const TARGETS: TargetStatus[] = [
  {
    id: 'mt5-bridge',
    severity: 'CRITICAL',
    summary: 'MT5 Terminal disconnected from broker <script>alert("x")</script>',
    checkedAt: '2025-10-31T11:26:38.000Z',
    action: 'healing_started',
    stale: false,
    links: links('mt5-bridge'),
    incident: {
      incidentId: 'mt5-bridge-20251031-112638',
      workflowId: 'heal-mt5-bridge',
      status: 'HEALING',
      open: true,
      openedAt: '2025-10-31T11:26:40.000Z',
      issue: 'MT5 Terminal disconnected from broker',
      activity: 'verifying: probe every 15 s',
      attempts: 2,
      lastSteps: [
        {
          at: '2025-10-31T11:26:41.000Z',
          step: 'dispatched',
          outcome: 'ok',
          detail: 'repository_dispatch mt5-full-restart (HTTP 204)',
        },
        {
          at: '2025-10-31T11:27:00.000Z',
          step: 'probe',
          outcome: 'unhealthy',
          detail: 'terminal_info.connected is false & <b>still down</b>',
        },
      ],
      webUiUrl: `${UI}/namespaces/default/workflows/heal-mt5-bridge`,
    },
  },
  {
    id: 'mt5-backup',
    severity: 'WARNING',
    summary: 'account 12345 reads $0',
    checkedAt: '2025-10-31T11:26:30.000Z',
    stale: false,
    links: links('mt5-backup'),
  },
  {
    id: 'mt5-lab',
    severity: 'UNKNOWN',
    stale: false,
    note: 'no monitor run yet (is the schedule applied?)',
    links: links('mt5-lab'),
  },
];

const NOTIFICATIONS: FeedNotification[] = [
  {
    id: 'n2',
    severity: 'CRITICAL',
    targetId: 'mt5-bridge',
    incidentId: 'mt5-bridge-20251031-112638',
    text: 'MT5 Terminal disconnected "><img src=x onerror=alert(1)>',
    at: '2025-10-31T11:26:41.000Z',
    read: false,
  },
  {
    id: 'n1',
    severity: 'INFO',
    targetId: 'mt5-backup',
    text: 'MT5 Bridge automatically recovered',
    at: '2025-10-30T08:00:00.000Z',
    read: true,
  },
];

function fakeSource(): jest.Mocked<StatusSource> {
  const ack = (status: CommandResult['status']): CommandResult => ({
    workflowId: 'heal-mt5-bridge',
    incidentId: 'mt5-bridge-20251031-112638',
    status,
  });
  return {
    readTargets: jest.fn(async () => TARGETS),
    listNotifications: jest.fn(async (_filter: FeedFilter) => NOTIFICATIONS),
    markNotificationsRead: jest.fn(async (ids: string[]) => ({ requested: ids.length })),
    forceRecovery: jest.fn(async (_id: string, _req: { reason: string; by: string }) => ({
      ...ack('HEALING'),
      started: false,
    })),
    acknowledge: jest.fn(async (_id: string, _req: { by: string }) => ack('HEALING')),
    resolve: jest.fn(async (_id: string, _req: { by: string; note: string }) => ack('RESOLVED')),
  };
}

/** A client whose server does not exist: every call fails (nothing listens on port 1). */
function unreachableClient(): Client {
  // Without the SDK's gRPC retry interceptor: its pending retries outlive a cancelled call and
  // would fire after the connection is closed at the end of the test.
  const client = new Client({
    connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s', interceptors: [] }),
  });
  clients.push(client);
  return client;
}

interface Running {
  url: string;
  server: DashboardServer;
  logs: string[];
}

const running: DashboardServer[] = [];
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
  await Promise.all(clients.splice(0).map((c) => c.connection.close()));
});

async function start(options: { source?: StatusSource; config?: AppConfig } = {}): Promise<Running> {
  const logs: string[] = [];
  const log = createLogger({
    level: 'debug',
    secrets: [TOKEN],
    destination: { write: (line: string) => void logs.push(line) },
  });
  const server = createDashboardServer({
    client: unreachableClient(),
    config: options.config ?? testConfig(),
    log,
    taskQueue: 'autoheal-test',
    source: options.source,
    webUiUrl: UI,
  });
  running.push(server);
  const { url } = await server.listen();
  return { url, server, logs };
}

/** The JSON body of an answer, loosely typed for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (res: Response): Promise<any> => res.json();

const post = (url: string, body: unknown, token?: string) =>
  fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });

describe('GET /system-health', () => {
  it('shows each target with its status indicator, summary, incident and Web UI links', async () => {
    const { url } = await start({ source: fakeSource() });
    const res = await fetch(`${url}/system-health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();

    expect(html).toMatch(
      /<section class="card" id="target-mt5-bridge" data-severity="CRITICAL">[\s\S]*class="dot red"/,
    );
    expect(html).toMatch(/id="target-mt5-backup" data-severity="WARNING">[\s\S]*class="dot amber"/);
    expect(html).toMatch(
      /id="target-mt5-lab" data-severity="UNKNOWN">[\s\S]*class="dot grey"[\s\S]*no monitor run yet/,
    );
    expect(html).toContain('Open incident: HEALING');
    expect(html).toContain('Opened at 2025-10-31 11:26:40 UTC');
    expect(html).toContain('Attempts: 2');
    expect(html).toContain('Last probe: 2025-10-31 11:26:38 UTC');
    expect(html).toContain(`href="${UI}/namespaces/default/workflows/heal-mt5-bridge"`);
    expect(html).toMatch(/<tr class="unread" data-id="n2">/);
    expect(html).toMatch(/<tr class="read" data-id="n1">/);
    expect(html.indexOf('data-id="n2"')).toBeLessThan(html.indexOf('data-id="n1"'));
    expect(html).toContain('refreshes every 15 s');
    expect(html).not.toMatch(/<(link|img)\b|src="http/); // no external assets
    expect(html).not.toContain('Temporal is unreachable');
  });

  it('escapes everything that comes from data', async () => {
    const { url } = await start({ source: fakeSource() });
    const html = await (await fetch(`${url}/system-health`)).text();
    expect(html).not.toContain('<script>alert("x")</script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&amp; &lt;b&gt;still down&lt;/b&gt;');
    // the one script on the page is ours, allowed by its nonce
    expect(html.match(/<script\b/g)).toHaveLength(1);
  });

  it('never shows the token', async () => {
    const { url, logs } = await start({ source: fakeSource() });
    await post(`${url}/api/targets/mt5-bridge/acknowledge`, { by: 'ops' }, TOKEN);
    await post(`${url}/api/targets/mt5-bridge/acknowledge`, { by: 'ops' }, `${TOKEN}x`);
    const pages = [
      await (await fetch(`${url}/system-health`)).text(),
      await (await fetch(`${url}/api/status`)).text(),
      await (await fetch(`${url}/metrics`)).text(),
    ];
    for (const text of [...pages, ...logs]) expect(text).not.toContain(TOKEN);
  });

  it('scrubs a secret the process holds out of data it serves', async () => {
    const source = fakeSource();
    source.readTargets.mockResolvedValue([{ ...TARGETS[1]!, summary: `bridge said: bad token ${TOKEN}` }]);
    const { url } = await start({ source });
    const html = await (await fetch(`${url}/system-health`)).text();
    expect(html).toContain('bridge said: bad token [REDACTED]');
    expect(html).not.toContain(TOKEN);
  });
});

describe('GET /api/status and /api/notifications', () => {
  it('returns the same data as JSON', async () => {
    const { url } = await start({ source: fakeSource() });
    const status = await json(await fetch(`${url}/api/status`));
    expect(status.stale).toBe(false);
    expect(status.temporal).toMatchObject({ reachable: true, namespace: 'default', webUiUrl: UI });
    expect(status.targets.map((t: TargetStatus) => [t.id, t.severity])).toEqual([
      ['mt5-bridge', 'CRITICAL'],
      ['mt5-backup', 'WARNING'],
      ['mt5-lab', 'UNKNOWN'],
    ]);
    expect(status.notifications).toMatchObject({ available: true, unread: 1 });
  });

  it('passes the feed filters through', async () => {
    const source = fakeSource();
    const { url } = await start({ source });
    const body = await json(await fetch(`${url}/api/notifications?unread=true&target=mt5-bridge&limit=5`));
    expect(source.listNotifications).toHaveBeenLastCalledWith({
      unreadOnly: true,
      targetId: 'mt5-bridge',
      limit: 5,
    });
    expect(body.notifications).toHaveLength(2);
  });
});

describe('state-changing calls', () => {
  const calls = [
    ['force-recovery', { reason: 'terminal stuck', by: 'ops' }],
    ['acknowledge', { by: 'ops' }],
    ['resolve', { by: 'ops', note: 'restarted by hand' }],
  ] as const;

  it.each(calls)(
    '%s: 401 without a token and with a wrong one; done with the right one',
    async (action, body) => {
      const source = fakeSource();
      const { url } = await start({ source });
      const path = `${url}/api/targets/mt5-bridge/${action}`;

      const missing = await post(path, body);
      expect(missing.status).toBe(401);
      const wrong = await post(path, body, 'not-the-token');
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).not.toContain(TOKEN);
      const method =
        action === 'force-recovery'
          ? source.forceRecovery
          : action === 'acknowledge'
            ? source.acknowledge
            : source.resolve;
      expect(method).not.toHaveBeenCalled();

      const ok = await post(path, body, TOKEN);
      expect(ok.status).toBe(200);
      expect(await json(ok)).toMatchObject({ workflowId: 'heal-mt5-bridge' });
      expect(method).toHaveBeenCalledWith('mt5-bridge', body);
    },
  );

  it('marks notifications read with the right token', async () => {
    const source = fakeSource();
    const { url } = await start({ source });
    expect((await post(`${url}/api/notifications/read`, { ids: ['n2'] })).status).toBe(401);
    const ok = await post(`${url}/api/notifications/read`, { ids: ['n2'] }, TOKEN);
    expect(ok.status).toBe(200);
    expect(source.markNotificationsRead).toHaveBeenCalledWith(['n2']);
  });

  it('force-recovery may name the ladder rung to take; an unknown rung is refused with 400 and nothing is forced', async () => {
    const source = fakeSource();
    const { url } = await start({ source });
    const forced = await post(`${url}/api/targets/mt5-bridge/force-recovery`, { reason: 'VPS wedged', by: 'carol', rung: 'full-restart' }, TOKEN);
    expect(forced.status).toBe(200);
    expect(source.forceRecovery).toHaveBeenCalledWith('mt5-bridge', { reason: 'VPS wedged', by: 'carol', rung: 'full-restart' });
    const unknown = await post(`${url}/api/targets/mt5-bridge/force-recovery`, { reason: 'r', by: 'carol', rung: 'reboot' }, TOKEN);
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).error).toMatch(/^rung: /);
    expect(source.forceRecovery).toHaveBeenCalledTimes(1);
  });

  it('answers 400 naming the field that is missing or empty', async () => {
    const { url } = await start({ source: fakeSource() });
    const noBy = await post(`${url}/api/targets/mt5-bridge/acknowledge`, {}, TOKEN);
    expect(noBy.status).toBe(400);
    expect((await json(noBy)).error).toMatch(/^by: /);

    const emptyNote = await post(`${url}/api/targets/mt5-bridge/resolve`, { by: 'ops', note: '  ' }, TOKEN);
    expect(emptyNote.status).toBe(400);
    expect((await json(emptyNote)).error).toBe('note: required, not empty');

    const noReason = await post(`${url}/api/targets/mt5-bridge/force-recovery`, { by: 'ops' }, TOKEN);
    expect((await json(noReason)).error).toMatch(/^reason: /);

    const noIds = await post(`${url}/api/notifications/read`, { ids: [] }, TOKEN);
    expect((await json(noIds)).error).toMatch(/^ids: /);

    const notJson = await fetch(`${url}/api/targets/mt5-bridge/acknowledge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: '{by:',
    });
    expect(notJson.status).toBe(400);
    expect((await json(notJson)).error).toBe('body: not valid JSON');
  });

  it('refuses a body that is not JSON (cross-site forms cannot post)', async () => {
    const { url } = await start({ source: fakeSource(), config: testConfig({ DASHBOARD_TOKEN: '' }) });
    const res = await fetch(`${url}/api/targets/mt5-bridge/acknowledge`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'by=ops',
    });
    expect(res.status).toBe(415);
  });

  it('accepts calls without a token only when none is configured and the dashboard is bound to loopback', async () => {
    const source = fakeSource();
    const { url } = await start({ source, config: testConfig({ DASHBOARD_TOKEN: '' }) });
    expect((await post(`${url}/api/targets/mt5-bridge/acknowledge`, { by: 'ops' })).status).toBe(200);

    const req = { headers: {} } as IncomingMessage;
    expect(authorizeCommand(req, { exposed: true })).toMatchObject({ ok: false, status: 403 });
    expect(authorizeCommand(req, { exposed: false })).toEqual({ ok: true });
    expect(authorizeSensitiveRead(req, { exposed: false }, 'Basic')).toEqual({ ok: true });
    expect(authorizeSensitiveRead(req, { exposed: true, token: TOKEN }, 'Basic')).toMatchObject({ ok: false, status: 401 });
  });

  it('maps an unknown page to 404 and a wrong method to 405', async () => {
    const { url } = await start({ source: fakeSource() });
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    expect((await fetch(`${url}/api/targets/mt5-bridge/acknowledge`)).status).toBe(405);
  });

  it('answers only loopback host names when bound to loopback (DNS rebinding)', async () => {
    const { url } = await start({ source: fakeSource() });
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/api/status`, { headers: { host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });
});

describe('GET /metrics and /healthz', () => {
  it('exposes severity and open-incident gauges per target, from the same read as the page', async () => {
    const { url } = await start({ source: fakeSource() });
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('autoheal_target_severity{target="mt5-bridge"} 2');
    expect(text).toContain('autoheal_target_severity{target="mt5-backup"} 1');
    expect(text).not.toContain('autoheal_target_severity{target="mt5-lab"}'); // unknown: no sample
    expect(text).toContain('autoheal_incident_open{target="mt5-bridge"} 1');
    expect(text).toContain('autoheal_incident_open{target="mt5-backup"} 0');
    expect(text).toContain('autoheal_temporal_reachable 1');
    expect(text).toContain('autoheal_notifications_unread 1');
    expect(text).toContain('autoheal_notifications_readable 1');
  });

  it('answers liveness', async () => {
    const { url } = await start({ source: fakeSource() });
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ ok: true });
  });
});

describe('when Temporal is unreachable', () => {
  it('the page says so with a 200, every target grey, and the metrics say it too', async () => {
    const { url } = await start(); // the real Temporal-backed source, against nothing
    const res = await fetch(`${url}/system-health`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Temporal is unreachable.');
    expect(html).toContain('No data has been read yet');
    for (const id of ['mt5-bridge', 'mt5-backup', 'mt5-lab'])
      expect(html).toMatch(
        new RegExp(`id="target-${id}" data-severity="UNKNOWN">[\\s\\S]*?class="dot grey"`),
      );
    expect(html).toContain('Notifications cannot be read');

    const status = await json(await fetch(`${url}/api/status`));
    expect(status).toMatchObject({ stale: true, temporal: { reachable: false } });
    expect(status.temporal.error).toBeTruthy();

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('autoheal_temporal_reachable 0');
    expect(metrics).toContain('autoheal_notifications_readable 0');
    expect(metrics).not.toContain('autoheal_target_severity{');
  });

  it('serves the last good read, marked stale, when Temporal goes away', async () => {
    const source = fakeSource();
    const { url } = await start({ source });
    await fetch(`${url}/system-health`);
    source.readTargets.mockRejectedValue(new Error('14 UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:7233'));
    const res = await fetch(`${url}/system-health`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Temporal is unreachable.');
    expect(html).toMatch(/The data below is stale: last read at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(html).toContain('ECONNREFUSED');
    expect(html).toMatch(/id="target-mt5-bridge" data-severity="CRITICAL"/);
  });

  it('a command answers an error status, not a crash', async () => {
    const { url } = await start();
    const res = await post(`${url}/api/targets/mt5-bridge/acknowledge`, { by: 'ops' }, TOKEN);
    expect([502, 504]).toContain(res.status);
    const unknown = await post(`${url}/api/targets/nope/acknowledge`, { by: 'ops' }, TOKEN);
    expect(unknown.status).toBe(404);
  });
});

/** Listens on a free loopback port; resolves the base URL. */
function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    });
  });
}

const proxies: Server[] = [];
afterEach(async () => {
  await Promise.all(
    proxies.splice(0).map(
      (p) =>
        new Promise<void>((resolve) => {
          p.closeAllConnections();
          p.close(() => resolve());
        }),
    ),
  );
});

/**
 * A reverse proxy in front of the dashboard, as an operator puts nginx or Caddy: it forwards
 * every request to the loopback-bound dashboard with the public Host header of DASHBOARD_URL.
 */
async function startProxy(
  upstream: string,
  publicHost: string,
  proxyHeaders: (req: IncomingMessage) => Record<string, string> = (req) => ({ 'x-forwarded-for': req.socket.remoteAddress ?? '' }),
): Promise<string> {
  const target = new URL(upstream);
  const proxy = createServer((req, res) => {
    const forwarded = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: publicHost, ...proxyHeaders(req) },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forwarded);
  });
  proxies.push(proxy);
  return listen(proxy);
}

const PUBLIC_HOST = 'health.fidus.example';

describe('behind a reverse proxy (DASHBOARD_URL public, bound to loopback)', () => {
  it('without DASHBOARD_TOKEN, a force-recovery POST through the proxy is refused and nothing is restarted', async () => {
    // loadConfig refuses this configuration (test/config.test.ts); the server refuses it as well.
    const config = testConfig({ DASHBOARD_TOKEN: '' });
    config.dashboard.url = `https://${PUBLIC_HOST}`;
    const source = fakeSource();
    const { url } = await start({ source, config });
    const proxy = await startProxy(url, PUBLIC_HOST);

    const force = await post(`${proxy}/api/targets/mt5-bridge/force-recovery`, { reason: 'stranger', by: 'mallory' });
    expect(force.status).toBe(403);
    expect((await json(force)).error).toMatch(/DASHBOARD_TOKEN is not set/);
    expect(source.forceRecovery).not.toHaveBeenCalled();
    expect((await post(`${proxy}/api/targets/mt5-bridge/resolve`, { by: 'mallory', note: 'x' })).status).toBe(403);
    expect((await post(`${proxy}/api/notifications/read`, { ids: ['n2'] })).status).toBe(403);
    expect(source.resolve).not.toHaveBeenCalled();
    expect(source.markNotificationsRead).not.toHaveBeenCalled();
    // Reads that show logins, operator names and timelines follow the same rule.
    for (const path of ['/system-health', '/api/status', '/api/notifications'])
      expect((await fetch(`${proxy}${path}`)).status).toBe(403);
    expect((await fetch(`${proxy}/healthz`)).status).toBe(200);
  });

  it('with DASHBOARD_TOKEN, commands and sensitive reads need it (Bearer, or Basic for a browser)', async () => {
    const source = fakeSource();
    const { url } = await start({ source, config: testConfig({ DASHBOARD_URL: `https://${PUBLIC_HOST}` }) });
    const proxy = await startProxy(url, PUBLIC_HOST);

    expect((await post(`${proxy}/api/targets/mt5-bridge/force-recovery`, { reason: 'r', by: 'mallory' })).status).toBe(401);
    expect(source.forceRecovery).not.toHaveBeenCalled();

    const status = await fetch(`${proxy}/api/status`);
    expect(status.status).toBe(401);
    expect(await status.text()).not.toContain('mt5-bridge-20251031');
    const page = await fetch(`${proxy}/system-health`);
    expect(page.status).toBe(401);
    expect(page.headers.get('www-authenticate')).toMatch(/^Basic realm="autoheal"/);
    expect((await fetch(`${proxy}/api/notifications`)).status).toBe(401);
    // The operator surface: the overview, the caught emails and the kill switch follow the same rule.
    expect((await fetch(`${proxy}/api/operator`)).status).toBe(401);
    expect((await fetch(`${proxy}/api/mail`)).status).toBe(401);
    expect((await post(`${proxy}/api/remediation/off`, { by: 'mallory', reason: 'r' })).status).toBe(401);
    expect((await post(`${proxy}/api/remediation/on`, { by: 'mallory' }, 'wrong-token')).status).toBe(401);
    expect((await post(`${proxy}/api/remediation/off`, { by: 'alice' }, TOKEN)).status).toBe(400);

    const basic = `Basic ${Buffer.from(`ops:${TOKEN}`).toString('base64')}`;
    const signedIn = await fetch(`${proxy}/system-health`, { headers: { authorization: basic } });
    expect(signedIn.status).toBe(200);
    expect(await signedIn.text()).toContain('Open incident: HEALING');
    const wrongBasic = `Basic ${Buffer.from('ops:guess').toString('base64')}`;
    expect((await fetch(`${proxy}/system-health`, { headers: { authorization: wrongBasic } })).status).toBe(401);
    expect((await fetch(`${proxy}/api/status`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);

    const forced = await fetch(`${proxy}/api/targets/mt5-bridge/force-recovery`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic },
      body: JSON.stringify({ reason: 'terminal stuck', by: 'ops' }),
    });
    expect(forced.status).toBe(200);
    expect(source.forceRecovery).toHaveBeenCalledTimes(1);
    // Metrics and liveness carry no login, name or timeline: open for scrapers.
    expect((await fetch(`${proxy}/metrics`)).status).toBe(200);
  });
});

/** The header sets of the usual proxies: nginx's common lines, RFC 7239, and each header alone. */
const PROXIED: Array<[string, (req: IncomingMessage) => Record<string, string>]> = [
  ['Host 127.0.0.1 and X-Forwarded-For', (req) => ({ 'x-forwarded-for': req.socket.remoteAddress ?? '' })],
  ['Forwarded alone', () => ({ forwarded: 'for=203.0.113.7;proto=https' })],
  ['X-Forwarded-For alone', () => ({ 'x-forwarded-for': '203.0.113.7' })],
  ['X-Real-IP alone', () => ({ 'x-real-ip': '203.0.113.7' })],
];

describe('behind a proxy that rewrites Host to 127.0.0.1 (both DASHBOARD_HOST and DASHBOARD_URL loopback)', () => {
  it.each(PROXIED)(
    'without DASHBOARD_TOKEN, a request carrying %s is not local: state changes and sensitive reads are refused 403 naming DASHBOARD_TOKEN',
    async (_name, headers) => {
      const config = testConfig({ DASHBOARD_TOKEN: '' });
      const source = fakeSource();
      const { url, logs } = await start({ source, config });
      // nginx's default proxy_pass: Host is the upstream's own address
      const proxy = await startProxy(url, new URL(url).host, headers);

      const force = await post(`${proxy}/api/targets/mt5-bridge/force-recovery`, { reason: 'stranger', by: 'mallory' });
      expect(force.status).toBe(403);
      const { error } = await json(force);
      expect(error).toMatch(/DASHBOARD_TOKEN is not set and this request came through a proxy \(it carries (Forwarded|X-Forwarded-For|X-Real-IP)\)/);
      expect(source.forceRecovery).not.toHaveBeenCalled();
      expect((await post(`${proxy}/api/targets/mt5-bridge/resolve`, { by: 'mallory', note: 'x' })).status).toBe(403);
      expect((await post(`${proxy}/api/remediation/off`, { by: 'mallory', reason: 'r' })).status).toBe(403);
      expect(source.resolve).not.toHaveBeenCalled();
      for (const path of ['/system-health', '/api/status', '/api/notifications', '/api/operator', '/api/mail'])
        expect((await fetch(`${proxy}${path}`)).status).toBe(403);
      expect((await fetch(`${proxy}/healthz`)).status).toBe(200);
      expect(logs.filter((l) => l.includes('came through a proxy'))).toHaveLength(1);

      // This machine's own direct calls are still open.
      expect((await post(`${url}/api/targets/mt5-bridge/force-recovery`, { reason: 'local', by: 'ops' })).status).toBe(200);
      expect(source.forceRecovery).toHaveBeenCalledTimes(1);
      expect((await fetch(`${url}/api/status`)).status).toBe(200);
    },
  );

  it('with DASHBOARD_TOKEN, a proxied request needs it for sensitive reads too; a direct local read does not', async () => {
    const source = fakeSource();
    const { url } = await start({ source });
    const proxy = await startProxy(url, new URL(url).host);

    expect((await fetch(`${proxy}/api/status`)).status).toBe(401);
    expect((await fetch(`${proxy}/system-health`)).headers.get('www-authenticate')).toMatch(/^Basic realm="autoheal"/);
    expect((await fetch(`${proxy}/api/status`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await post(`${proxy}/api/targets/mt5-bridge/force-recovery`, { reason: 'r', by: 'mallory' })).status).toBe(401);
    expect((await post(`${proxy}/api/targets/mt5-bridge/force-recovery`, { reason: 'r', by: 'ops' }, TOKEN)).status).toBe(200);
    expect((await fetch(`${url}/api/status`)).status).toBe(200);
  });
});

/** Sends raw bytes and resolves the status line of the answer (or '' when the server just closed). */
function rawRequest(base: string, text: string): Promise<string> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
      if (answer.includes('\r\n')) {
        socket.destroy();
        resolve(answer.slice(0, answer.indexOf('\r\n')));
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? resolve(answer) : reject(err)));
    socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
    socket.write(text);
  });
}

describe('hostile requests are bounded', () => {
  it('answers a path of thousands of slashes at once: 404 within the URL bound, 414 beyond', async () => {
    const { url } = await start({ source: fakeSource() });
    expect((await fetch(`${url}/a${'/'.repeat(2000)}b`)).status).toBe(404);
    expect((await fetch(`${url}/system-health${'/'.repeat(1500)}`)).status).toBe(200);
    expect((await fetch(`${url}/a${'/'.repeat(6000)}b`)).status).toBe(414);
    expect(await rawRequest(url, `GET /a${'/'.repeat(20_000)}b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('answers 431 to oversized headers and 413 to a declared oversized body before reading it', async () => {
    const { url } = await start({ source: fakeSource() });
    const huge = `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: ${'a'.repeat(20_000)}\r\n\r\n`;
    expect(await rawRequest(url, huge)).toMatch(/^HTTP\/1\.1 431 /);
    const body = [
      'POST /api/targets/mt5-bridge/acknowledge HTTP/1.1',
      'Host: 127.0.0.1',
      'Content-Type: application/json',
      `Authorization: Bearer ${TOKEN}`,
      'Content-Length: 104857600',
      '',
      '{"by":"',
    ].join('\r\n');
    expect(await rawRequest(url, body)).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('takes a very long or odd Authorization header as a wrong token', async () => {
    const source = fakeSource();
    const { url } = await start({ source });
    for (const header of [`Bearer ${'a'.repeat(6000)}\t `, 'Bearer', 'Basic !!!', `Basic ${Buffer.from(TOKEN).toString('base64')}`, `Bearer  ${TOKEN} x`]) {
      const res = await fetch(`${url}/api/targets/mt5-bridge/acknowledge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: header },
        body: '{"by":"ops"}',
      });
      expect(res.status).toBe(401);
    }
    expect(source.acknowledge).not.toHaveBeenCalled();
  });

  it('exports the event-loop lag on /metrics', async () => {
    const { url } = await start({ source: fakeSource() });
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/^autoheal_event_loop_lag_seconds \d/m);
    expect(text).toMatch(/^autoheal_event_loop_p99_lag_seconds \d/m);
  });
});
