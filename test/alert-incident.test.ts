/**
 * The acceptance case of the alerting issue, end to end on the time-skipping server: the SMTP
 * server is down when an incident starts and comes back two minutes later. The real
 * healingWorkflow runs with the real alert activities against a real SMTP server on loopback
 * (the bridge and the remediation are the healing tests' fakes): the restart goes out while the
 * email waits, and the CRITICAL email arrives exactly once, followed by the recovery email in
 * the same thread (sent by the target's alert delivery workflow, once the incident has closed).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import {
  createAlertActivities,
  createMemoryNotificationFeed,
  createSmtpMailer,
} from '../src/activities/alerts';
import { createAlertDeliveryActivities } from '../src/activities/alert-delivery';
import { createLedgerActivities } from '../src/activities/ledger';
import { loadConfig } from '../src/config/load-config';
import { alertDeliveryWorkflowId } from '../src/shared/names';
import { createLogger } from '../src/logging/create-logger';
import { FakeBridge, MINUTE, finish, incidentInput, serverNow, startIncident } from './healing-harness';
import { startSmtpServer } from './helpers/smtp';
import { timeSkippingServerPerTest, uniqueTaskQueue, workflowBundle } from './helpers/temporal';

let env: TestWorkflowEnvironment;
const test = timeSkippingServerPerTest((e) => {
  env = e;
});

test('SMTP down when an incident starts, back two minutes later: the CRITICAL email arrives exactly once, and the restart is not held back', async () => {
  const smtp = await startSmtpServer({ down: true });
  const config = loadConfig({
    SMTP_HOST: smtp.host,
    SMTP_PORT: String(smtp.port),
    ALERT_RECIPIENT_EMAIL: 'ops@fidus.test,second@fidus.test',
    DASHBOARD_URL: 'https://fidus.example.test',
    // A public DASHBOARD_URL needs a token; the test relay on loopback speaks plain text.
    DASHBOARD_TOKEN: ['dashboard', 'token', process.pid, 'incident'].join('-'),
    SMTP_ALLOW_PLAINTEXT_LOOPBACK: 'true',
  });
  const mailer = createSmtpMailer(config.smtp);
  const feed = createMemoryNotificationFeed();
  const bridge = new FakeBridge('smtp-outage');
  const taskQueue = uniqueTaskQueue('alert-incident');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: {
      ...createLedgerActivities({ client: env.client, taskQueue }),
      ...createAlertDeliveryActivities({ client: env.client, taskQueue }),
      ...createAlertActivities({
        mailer,
        recipients: config.smtp.recipients,
        escalationRecipients: config.smtp.escalation,
        dashboardUrl: config.dashboard.url,
        feed,
        log: createLogger({ level: 'silent' }),
      }),
      probeTarget: () => bridge.probeTarget(),
      dispatchRemediation: bridge.dispatchRemediation,
    },
  });
  try {
    await worker.runUntil(async () => {
      const handle = await startIncident(
        env,
        taskQueue,
        incidentInput(bridge.targetId, {}, await serverNow(env)),
      );
      for (let i = 0; i < 4; i++) await env.sleep(30_000);

      expect(bridge.dispatchRemediation).toHaveBeenCalledTimes(1); // the restart went out while SMTP was down
      expect(smtp.messages).toHaveLength(0);
      expect(feed.items.map((n) => n.severity)).toContain('CRITICAL'); // in-app notification not held back

      await smtp.up();
      const result = await finish(env, handle, MINUTE);
      expect(result.status).toBe('RECOVERED');
      // the alert delivery workflow's next retry is a timer of up to minutes: skip time to it
      for (let i = 0; i < 20 && smtp.messages.length < 2; i++) await env.sleep(30_000);
      await smtp.waitForMessages(2);
      for (let i = 0; i < 3; i++) await env.sleep(10 * MINUTE); // any stray retry would have arrived by now

      const events = (await handle.fetchHistory()).events ?? [];
      const emailScheduled = events.filter(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendAlertEmail',
      );
      // the incident scheduled the CRITICAL email once; SMTP was still down when it recovered,
      // so it handed that email and the recovery email to the target's alert delivery workflow
      expect(emailScheduled).toHaveLength(1);
      expect(result.timeline).toContainEqual(
        expect.objectContaining({ step: 'alerted', outcome: 'handed_over', detail: expect.stringContaining('critical email') }),
      );
      const delivery = (await env.client.workflow.getHandle(alertDeliveryWorkflowId(bridge.targetId, taskQueue)).fetchHistory()).events ?? [];
      const failed = delivery.filter((e) => e.activityTaskFailedEventAttributes).length;
      expect(failed).toBeGreaterThan(0); // retried until SMTP was back
    });
  } finally {
    mailer.close();
    await smtp.stop();
  }

  const subjects = smtp.messages.map((m) => m.mail.subject);
  expect(subjects.filter((s) => s === '🚨 FIDUS MT5 CRITICAL ALERT')).toHaveLength(1);
  expect(subjects.filter((s) => s === '✅ FIDUS MT5 RECOVERED')).toHaveLength(1);
  const critical = smtp.messages.find((m) => m.mail.subject === '🚨 FIDUS MT5 CRITICAL ALERT')!;
  const recovery = smtp.messages.find((m) => m.mail.subject === '✅ FIDUS MT5 RECOVERED')!;
  expect(critical.recipients).toEqual(['ops@fidus.test', 'second@fidus.test']);
  expect(critical.mail.text).toContain('Auto-Restart: INITIATED');
  expect(recovery.mail.inReplyTo).toBe(critical.mail.messageId);
  expect(recovery.mail.text).toContain('All 7 accounts online with live balances');
});
