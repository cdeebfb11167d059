/**
 * The dashboard over the real Temporal-backed source, on a real dev server: a target probed
 * by its schedule (healthy), one whose monitor run opened an incident (CRITICAL), the real
 * in-app feed, and the operator commands reaching the real healingWorkflow.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createAlertDeliveryActivities } from '../src/activities/alert-delivery';
import { createLedgerActivities } from '../src/activities/ledger';
import {
  createDashboardServer,
  type DashboardServer,
  type DashboardStatus,
  type TargetStatus,
} from '../src/dashboard';
import { addNotification } from '../src/client/notifications';
import { ensureMonitors } from '../src/client/monitors';
import { createWatchActivity } from '../src/activities/probe/watch-target';
import { loadConfig, type AppConfig, type TargetConfig } from '../src/config/load-config';
import { createLogger } from '../src/logging/create-logger';
import { healingWorkflowId, monitorWorkflowId } from '../src/shared/names';
import type {
  AlertEvent,
  EmailReceipt,
  InAppNotification,
  RemediationReceipt,
} from '../src/shared/contracts';
import type { ProbeReport, Target } from '../src/shared/types';
import { createDevServerEnv, uniqueTaskQueue, workflowBundle } from './helpers/temporal';
import { waitFor } from './helpers/wait';

const TOKEN = 'dashboard-token-for-the-temporal-test';

try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed in this process
}

function report(target: Target, down: boolean): ProbeReport {
  const probedAt = new Date().toISOString();
  return {
    severity: down ? 'CRITICAL' : 'HEALTHY',
    checks: [
      {
        check: 'terminal',
        status: down ? 'fail' : 'ok',
        evidence: down ? 'terminal_info.connected is false' : 'terminal connected',
      },
    ],
    syncRate: down ? 0 : 1,
    syncedAccounts: down ? 0 : 7,
    expectedAccounts: 7,
    summary: down ? 'MT5 Terminal disconnected from broker' : 'all checks pass',
    observation: {
      targetId: target.id,
      probedAt,
      health: {
        ok: true,
        httpStatus: 200,
        latencyMs: 5,
        claimedStatus: 'healthy',
        mt5Available: true,
        connected: !down,
        tradeAllowed: true,
      },
      accounts: {
        source: 'summary',
        latencyMs: 5,
        readings: Array.from({ length: 7 }, (_, i) => ({
          login: String(1000 + i),
          balance: down ? 0 : 1000,
          dataSource: down ? ('no_cache' as const) : ('live' as const),
          readAt: down ? null : probedAt,
        })),
      },
    },
  };
}

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createDevServerEnv();
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

const until = <T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 45_000) =>
  waitFor(what, read, ok, { timeoutMs, everyMs: 300 });

it('shows a healthy target and an open incident from real workflows, and operates the incident', async () => {
  const taskQueue = uniqueTaskQueue('dashboard');
  const config: AppConfig = loadConfig({
    MT5_BRIDGE_URL: 'http://127.0.0.1:1',
    DASHBOARD_PORT: '0',
    DASHBOARD_TOKEN: TOKEN,
    TEMPORAL_TASK_QUEUE: taskQueue,
  });
  const base = config.targets[0]!;
  const suffix = taskQueue.replace(/[^a-z0-9]+/gi, '-');
  const calm: TargetConfig = {
    ...base,
    target: { ...base.target, id: `calm-${suffix}` },
    policy: { ...base.policy, checkIntervalMs: 3_600_000 },
  };
  const down: TargetConfig = {
    ...base,
    target: { ...base.target, id: `down-${suffix}` },
    // Confirmed quickly, then a verification that will not come back during the test: the incident stays open.
    policy: {
      ...base.policy,
      confirmDelayMs: 100,
      verifyIntervalMs: 600_000,
      verifyTimeoutMs: 1_800_000,
      recoverySlaMs: 3_600_000,
    },
  };
  config.targets = [calm, down];

  const isDown = (id: string) => id === down.target.id;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: {
      ...createLedgerActivities({ client: env.client, taskQueue }),
      ...createAlertDeliveryActivities({ client: env.client, taskQueue }),
      probeTarget: async (target: Target) => report(target, isDown(target.id)),
      ...createWatchActivity({ probeTarget: async (target: Target) => report(target, isDown(target.id)) }),
      dispatchRemediation: async (): Promise<RemediationReceipt> => ({
        method: 'webhook',
        dispatchedAt: new Date().toISOString(),
        detail: 'POST full-restart (HTTP 200)',
      }),
      sendAlertEmail: async (event: AlertEvent): Promise<EmailReceipt> => ({
        messageId: `<${event.kind}@test>`,
        accepted: ['ops@example.com'],
        rejected: [],
        response: '250 OK',
      }),
      notifyInApp: (n: InAppNotification) => addNotification(env.client, n, { taskQueue }),
    },
  });

  const logs: string[] = [];
  let dashboardUrl = '';
  const dashboard: DashboardServer = createDashboardServer({
    client: env.client,
    config,
    log: createLogger({
      level: 'info',
      secrets: [TOKEN],
      destination: { write: (line: string) => void logs.push(line) },
    }),
    taskQueue,
    webUiUrl: 'http://127.0.0.1:8233',
  });

  await worker.runUntil(async () => {
    // Both targets' long-lived monitors, as a worker start runs them: the failing one confirms
    // the CRITICAL and opens the incident.
    await ensureMonitors(env.client, [calm, down], taskQueue);

    const { url } = await dashboard.listen();
    dashboardUrl = url;
    const readStatus = async (): Promise<DashboardStatus> =>
      (await (await fetch(`${url}/api/status`)).json()) as DashboardStatus;
    const byId = (s: DashboardStatus, id: string): TargetStatus => s.targets.find((t) => t.id === id)!;

    const status = await until(
      'the healthy run, the dispatched attempt and the CRITICAL notification',
      readStatus,
      (s) =>
        byId(s, calm.target.id)?.severity === 'HEALTHY' &&
        (byId(s, down.target.id)?.incident?.attempts ?? 0) >= 1 &&
        byId(s, down.target.id)?.action === 'healing_started' &&
        s.notifications.items.some((n) => n.severity === 'CRITICAL' && n.targetId === down.target.id),
    );
    expect(status).toMatchObject({ stale: false, temporal: { reachable: true } });
    const calmStatus = byId(status, calm.target.id);
    expect(calmStatus).toMatchObject({ severity: 'HEALTHY', summary: 'all checks pass', stale: false });
    expect(calmStatus.monitorWorkflowId).toBe(monitorWorkflowId(calm.target.id, taskQueue));
    const downStatus = byId(status, down.target.id);
    expect(downStatus).toMatchObject({
      severity: 'CRITICAL',
      summary: 'MT5 Terminal disconnected from broker',
      action: 'healing_started',
    });
    expect(downStatus.incident).toMatchObject({
      status: 'HEALING',
      open: true,
      workflowId: healingWorkflowId(down.target.id, taskQueue),
    });
    expect(downStatus.incident?.lastSteps.length).toBeGreaterThan(0);

    const html = await (await fetch(`${url}/system-health`)).text();
    expect(html).toMatch(
      new RegExp(`id="target-${calm.target.id}" data-severity="HEALTHY">[\\s\\S]*?class="dot green"`),
    );
    expect(html).toMatch(
      new RegExp(`id="target-${down.target.id}" data-severity="CRITICAL">[\\s\\S]*?class="dot red"`),
    );
    expect(html).toContain('Open incident: HEALING');
    expect(html).toContain(
      `href="http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(healingWorkflowId(down.target.id, taskQueue))}"`,
    );
    expect(html).toContain('MT5 Terminal disconnected from broker');

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain(`autoheal_target_severity{target="${calm.target.id}"} 0`);
    expect(metrics).toContain(`autoheal_target_severity{target="${down.target.id}"} 2`);
    expect(metrics).toContain(`autoheal_incident_open{target="${down.target.id}"} 1`);
    expect(metrics).toContain(`autoheal_incident_open{target="${calm.target.id}"} 0`);

    const post = (path: string, body: unknown, token = TOKEN) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });

    // The feed: mark the CRITICAL notification read.
    const critical = status.notifications.items.find(
      (n) => n.severity === 'CRITICAL' && n.targetId === down.target.id,
    )!;
    expect(critical.read).toBe(false);
    expect((await post('/api/notifications/read', { ids: [critical.id] })).status).toBe(200);
    await until(
      'the notification read',
      readStatus,
      (s) => s.notifications.items.find((n) => n.id === critical.id)?.read === true,
    );

    // The incident: a wrong token changes nothing; acknowledge, then resolve; a second resolve is refused.
    expect(
      (await post(`/api/targets/${down.target.id}/resolve`, { by: 'ops', note: 'x' }, 'wrong')).status,
    ).toBe(401);
    const ack = await post(`/api/targets/${down.target.id}/acknowledge`, { by: 'ops' });
    expect(ack.status).toBe(200);
    expect(await ack.json()).toMatchObject({ status: 'HEALING', workflowId: healingWorkflowId(down.target.id, taskQueue) });
    const resolved = await post(`/api/targets/${down.target.id}/resolve`, {
      by: 'ops',
      note: 'restarted by hand on the VPS',
    });
    expect(resolved.status).toBe(200);
    expect(await resolved.json()).toMatchObject({ workflowId: healingWorkflowId(down.target.id, taskQueue) });

    const after = await until(
      'the incident closed',
      readStatus,
      (s) => byId(s, down.target.id).incident?.open === false,
    );
    expect(byId(after, down.target.id).incident).toMatchObject({ status: 'RESOLVED', open: false });
    expect(await (await fetch(`${url}/system-health`)).text()).toContain('Last incident: RESOLVED');
    const again = await post(`/api/targets/${down.target.id}/resolve`, { by: 'ops', note: 'again' });
    expect(again.status).toBe(409);
    const metricsAfter = await (await fetch(`${url}/metrics`)).text();
    expect(metricsAfter).toContain(`autoheal_incident_open{target="${down.target.id}"} 0`);

    // Force-recovery on a target with no open incident opens an operator-triggered one.
    const forced = await post(`/api/targets/${calm.target.id}/force-recovery`, {
      reason: 'terminal frozen, seen on the VPS',
      by: 'ops',
    });
    expect(forced.status).toBe(200);
    expect(await forced.json()).toMatchObject({ started: true, workflowId: healingWorkflowId(calm.target.id, taskQueue) });
    await until(
      'the forced incident open',
      readStatus,
      (s) => byId(s, calm.target.id).incident?.open === true,
    );

  });

  // The worker is gone: the open incident's status query cannot be answered, nor the feed's;
  // the page still answers, from the search attributes, and says why.
  const status = (await (await fetch(`${dashboardUrl}/api/status`)).json()) as DashboardStatus;
  // The monitor's last heartbeat still says what it saw.
  expect(status.targets.find((t) => t.id === calm.target.id)).toMatchObject({ severity: 'HEALTHY' });
  const forcedIncident = status.targets.find((t) => t.id === calm.target.id)?.incident;
  expect(forcedIncident).toMatchObject({ open: true, status: 'HEALING' });
  expect(forcedIncident?.note).toMatch(/is the worker running\?/);
  expect(status.notifications.available).toBe(false);
  const page = await fetch(`${dashboardUrl}/system-health`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('Notifications cannot be read');
  await dashboard.close();
  for (const line of logs) expect(line).not.toContain(TOKEN);
});
