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
import { authorize } from '../src/dashboard/authorize';
import type { IncomingMessage } from 'node:http';

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
    expect(authorize(req, { host: '0.0.0.0' })).toMatchObject({ ok: false, status: 403 });
    expect(authorize(req, { host: '127.0.0.1' })).toEqual({ ok: true });
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
