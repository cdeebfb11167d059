/**
 * The in-app notification feed (notificationFeedWorkflow) through the functions the activities,
 * the dashboard and the CLI use: newest first, read/unread, one entry per retried write,
 * bounded, continued as new without losing anything, and still there after the worker and the
 * Temporal server restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import {
  createAlertActivities,
  createMemoryNotificationFeed,
  createSmtpMailer,
} from '../src/activities/alerts';
import {
  countUnreadNotifications,
  createTemporalNotificationFeed,
  listNotifications,
  markNotificationsRead,
  undeliverableAlertNotices,
} from '../src/client/notifications';
import { temporalCliPath } from '../src/config/toolchain';
import { createLogger } from '../src/logging/create-logger';
import { notificationFeedWorkflowId } from '../src/shared/names';
import type { AlertEvent, InAppNotification } from '../src/shared/contracts';
import { notificationFeedWorkflow } from '../src/workflows/alerting/notifications';
import { createDevServerEnv, timeSkippingServerPerTest, uniqueTaskQueue, workflowBundle } from './helpers/temporal';
import { installTestRuntime } from './helpers/strand';
import { exportFixture } from './healing-fixtures';
import { waitFor } from './helpers/wait';

const note = (i: number, extra: Partial<InAppNotification> = {}): InAppNotification => ({
  severity: 'INFO',
  targetId: 'mt5-bridge',
  text: `notification ${i}`,
  at: new Date(Date.UTC(2025, 9, 31, 11, 0, i)).toISOString(),
  ...extra,
});

const feedWorker = async (
  env: TestWorkflowEnvironment,
  taskQueue: string,
  options: { sticky?: boolean } = {},
) =>
  Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    // the time-skipping server never moves a workflow off a stopped worker's sticky queue
    ...(options.sticky === false ? { maxCachedWorkflows: 0 } : {}),
  });

describe('notification feed on the time-skipping server', () => {
  installTestRuntime('ERROR');
  let env: TestWorkflowEnvironment;
  const it = timeSkippingServerPerTest((e) => {
    env = e;
  });

  it('notifyInApp writes to the feed; reads are newest first; read/unread; a retried write is stored once', async () => {
    const taskQueue = uniqueTaskQueue('feed');
    const workflowId = `feed-${taskQueue}`;
    const worker = await feedWorker(env, taskQueue);
    await worker.runUntil(async () => {
      const feed = createTemporalNotificationFeed(env.client, { taskQueue, workflowId });
      const activities = createAlertActivities({
        mailer: createSmtpMailer({
          host: '127.0.0.1',
          port: 1,
          secure: false,
          from: 'x@test',
          recipients: [],
          escalation: [],
        }),
        recipients: [],
        escalationRecipients: [],
        dashboardUrl: 'http://127.0.0.1:8080',
        feed,
        log: createLogger({ level: 'silent' }),
      });
      expect(await listNotifications(env.client, { taskQueue, workflowId })).toEqual([]); // never written: empty, no error

      await activities.notifyInApp(
        note(1, {
          severity: 'CRITICAL',
          incidentId: 'inc-1',
          text: 'MT5 Terminal NOT CONNECTED to broker - initiating auto-restart',
        }),
      );
      await activities.notifyInApp(
        note(3, { severity: 'INFO', incidentId: 'inc-1', text: 'MT5 Bridge automatically recovered' }),
      );
      await activities.notifyInApp(note(2, { severity: 'WARNING', text: 'Account 886557 failed to sync' }));
      await activities.notifyInApp(note(2, { severity: 'WARNING', text: 'Account 886557 failed to sync' })); // a retry

      const all = await listNotifications(env.client, { taskQueue, workflowId });
      expect(all.map((n) => [n.severity, n.text, n.read])).toEqual([
        ['INFO', 'MT5 Bridge automatically recovered', false],
        ['WARNING', 'Account 886557 failed to sync', false],
        ['CRITICAL', 'MT5 Terminal NOT CONNECTED to broker - initiating auto-restart', false],
      ]);
      expect(all[2]).toMatchObject({
        targetId: 'mt5-bridge',
        incidentId: 'inc-1',
        at: '2025-10-31T11:00:01.000Z',
      });

      await markNotificationsRead(env.client, [all[2]!.id], { taskQueue, workflowId });
      expect(await countUnreadNotifications(env.client, { taskQueue, workflowId })).toBe(2);
      const unread = await listNotifications(env.client, { taskQueue, workflowId, unreadOnly: true });
      expect(unread.map((n) => n.severity)).toEqual(['INFO', 'WARNING']);
      expect(await listNotifications(env.client, { taskQueue, workflowId, incidentId: 'inc-1', limit: 1 })).toEqual([
        expect.objectContaining({ severity: 'INFO' }),
      ]);

      await markNotificationsRead(env.client, 'all', { taskQueue, workflowId });
      expect(await countUnreadNotifications(env.client, { taskQueue, workflowId })).toBe(0);
      await exportFixture(env.client.workflow.getHandle(workflowId), 'notification-feed');
    });
  });

  it('an incident with no recipient configured raises one "alerts cannot be delivered" notice, not one per email', async () => {
    const taskQueue = uniqueTaskQueue('feed-undeliverable');
    const workflowId = `feed-${taskQueue}`;
    const worker = await feedWorker(env, taskQueue);
    await worker.runUntil(async () => {
      const feed = createTemporalNotificationFeed(env.client, { taskQueue, workflowId });
      const mailer = createSmtpMailer({
        host: '127.0.0.1',
        port: 1,
        secure: false,
        from: 'x@test',
        recipients: [],
        escalation: [],
      });
      const activities = createAlertActivities({
        mailer,
        recipients: [],
        escalationRecipients: [],
        dashboardUrl: 'http://127.0.0.1:8080',
        feed,
        log: createLogger({ level: 'silent' }),
      });
      const at = new Date().toISOString();
      const emails: AlertEvent[] = [
        {
          kind: 'critical',
          targetId: 'mt5-bridge',
          at,
          incidentId: 'inc-1',
          component: 'MT5 Terminal',
          status: 'DEGRADED',
          issue: 'MT5 Terminal NOT CONNECTED to broker',
          autoRestart: 'INITIATED',
        },
        ...Array.from({ length: 6 }, (_, i) => ({
          kind: 'warning' as const,
          targetId: 'mt5-bridge',
          at,
          conditionKey: `account:88655${i}`,
          issue: `Account 88655${i} failed to sync`,
          occurrence: 1,
          episodeId: `account:88655${i}@1`,
          since: at,
        })),
        {
          kind: 'recovery',
          targetId: 'mt5-bridge',
          at,
          incidentId: 'inc-1',
          method: 'github',
          recoveryTimeMs: 263_000,
          accountsOnline: 7,
          accountsExpected: 7,
        },
      ];
      for (const event of emails)
        await expect(activities.sendAlertEmail(event)).rejects.toMatchObject({
          type: 'AlertsUndeliverableError',
        });
      mailer.close();
      const notices = await undeliverableAlertNotices(env.client, { taskQueue, workflowId });
      expect(notices).toEqual([
        expect.objectContaining({
          id: `undeliverable:no-recipients:ALERT_RECIPIENT_EMAIL:${at.slice(0, 10)}`,
          severity: 'CRITICAL',
          text: expect.stringMatching(/^Alerts cannot be delivered: no recipients configured/),
        }),
      ]);
      expect(await countUnreadNotifications(env.client, { taskQueue, workflowId })).toBe(1);
    });
  });

  it('survives a restart of the worker', async () => {
    const taskQueue = uniqueTaskQueue('feed-restart');
    const workflowId = `feed-${taskQueue}`;
    const feed = createTemporalNotificationFeed(env.client, { taskQueue, workflowId });
    await (
      await feedWorker(env, taskQueue, { sticky: false })
    ).runUntil(async () => {
      await feed.add(
        note(1, { severity: 'CRITICAL', text: 'Alerts cannot be delivered: SMTP login refused' }),
      );
      expect(await feed.list()).toHaveLength(1);
    });
    await feed.add(note(2)); // written while no worker runs: kept by the server
    await (
      await feedWorker(env, taskQueue, { sticky: false })
    ).runUntil(async () => {
      expect((await feed.list()).map((n) => n.text)).toEqual([
        'notification 2',
        'Alerts cannot be delivered: SMTP login refused',
      ]);
      expect(await undeliverableAlertNotices(env.client, { taskQueue, workflowId })).toEqual([
        expect.objectContaining({ text: 'Alerts cannot be delivered: SMTP login refused' }),
      ]);
    });
  });
});

// A dev server: on the time-skipping server a run continuing as new while signals keep coming
// sometimes never answered the query that follows (15 s deadline), and the real server is what runs.
describe('notification feed on a dev server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createDevServerEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('keeps the newest notifications only, and continues as new without losing any', async () => {
    const taskQueue = uniqueTaskQueue('feed-can');
    const workflowId = `feed-${taskQueue}`;
    const worker = await feedWorker(env, taskQueue);
    await worker.runUntil(async () => {
      const first = await env.client.workflow.start(
        notificationFeedWorkflow,
        {
          taskQueue,
          workflowId,
          args: [{ limit: 25, continueAsNewAfterEvents: 40 }],
        },
      );
      const feed = createTemporalNotificationFeed(env.client, { taskQueue, workflowId });
      for (let i = 1; i <= 60; i++) await feed.add(note(i));

      const items = await listNotifications(env.client, { taskQueue, workflowId });
      expect(items.map((n) => n.text)).toEqual(
        Array.from({ length: 25 }, (_, k) => `notification ${60 - k}`),
      );
      const latest = await env.client.workflow.getHandle(workflowId).describe();
      expect(latest.runId).not.toBe(first.firstExecutionRunId); // continued as new, state carried over
      // the first run, which ends in its continue-as-new
      await exportFixture(
        env.client.workflow.getHandle(workflowId, first.firstExecutionRunId),
        'notification-feed-continued-as-new',
      );
    });
  });
});

describe('notification feed on a persistent dev server', () => {
  it('survives a restart of the Temporal server and the worker', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'autoheal-feed-'));
    const dbFilename = join(dir, 'temporal.db');
    const taskQueue = uniqueTaskQueue('feed-server-restart');
    const start = () =>
      TestWorkflowEnvironment.createLocal({
        server: {
          executable: { type: 'existing-path', path: temporalCliPath() },
          dbFilename,
          ip: '127.0.0.1',
          log: { format: 'pretty', level: 'error' },
        },
      });
    const run = async (body: (client: Client) => Promise<void>) => {
      const env = await start();
      try {
        await (await feedWorker(env, taskQueue)).runUntil(() => body(env.client));
      } finally {
        await env.teardown();
      }
    };
    try {
      await run(async (client) => {
        const feed = createTemporalNotificationFeed(client, { taskQueue });
        await feed.add(
          note(1, {
            severity: 'CRITICAL',
            text: 'MT5 Terminal NOT CONNECTED to broker - initiating auto-restart',
          }),
        );
        await feed.add(note(2, { severity: 'WARNING', text: 'Account 886557 failed to sync' }));
        await markNotificationsRead(client, 'all', { taskQueue });
        await feed.add(note(3, { text: 'MT5 Bridge automatically recovered' }));
        // a query right after a signal answered 0 once on a loaded machine: read until it settles
        await waitFor('one unread notification', () => countUnreadNotifications(client, { taskQueue }), (n) => n === 1);
      });
      await run(async (client) => {
        const items = await listNotifications(client, { taskQueue, workflowId: notificationFeedWorkflowId(taskQueue) });
        expect(items.map((n) => [n.text, n.read])).toEqual([
          ['MT5 Bridge automatically recovered', false],
          ['Account 886557 failed to sync', true],
          ['MT5 Terminal NOT CONNECTED to broker - initiating auto-restart', true],
        ]);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('the memory feed behaves like the durable one', async () => {
  const feed = createMemoryNotificationFeed();
  await feed.add(note(1));
  await feed.add(note(1));
  await feed.add(note(2));
  await feed.markRead('all');
  expect((await feed.list()).map((n) => [n.text, n.read])).toEqual([
    ['notification 2', true],
    ['notification 1', true],
  ]);
});
