/**
 * The alert channels besides email, end to end on the time-skipping server: the real
 * healingWorkflow and alertDeliveryWorkflow, the real alert and channel activities as the worker
 * wires them (createAlertingActivities over loadConfig's channels), a loopback SMTP server, and
 * loopback doubles of Slack's incoming webhook, Telegram's Bot API, a JSON webhook and
 * PagerDuty's Events API v2 (test/helpers/channel-doubles.ts). The bridge and the restart are
 * the healing tests' fakes.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createMemoryNotificationFeed } from '../src/activities/alerts';
import { buildChannels } from '../src/activities/alerts/channels';
import { createSmtpMailer } from '../src/activities/alerts/mailer';
import { createAlertingActivities } from '../src/activities';
import { createAlertDeliveryActivities } from '../src/activities/alert-delivery';
import { loadConfig, type AppConfig } from '../src/config/load-config';
import { configSecrets } from '../src/config/secrets';
import { createLogger } from '../src/logging/create-logger';
import { emailDelivery } from '../src/shared/alert-policy';
import type { WarningAlert } from '../src/shared/contracts';
import { alertDeliveryWorkflowId } from '../src/shared/names';
import { acknowledgeUpdate } from '../src/workflows/healing/messages';
import {
  type ChannelDouble,
  createPagerDutyDouble,
  createSlackDouble,
  createTelegramDouble,
  createWebhookDouble,
} from './helpers/channel-doubles';
import { startSmtpServer, type TestSmtpServer } from './helpers/smtp';
import { FakeBridge, MINUTE, createHealingWorker, finish, incidentInput, quiesce, serverNow, startIncident } from './healing-harness';
import { timeSkippingServerPerTest, uniqueTaskQueue } from './helpers/temporal';

let env: TestWorkflowEnvironment;
const test = timeSkippingServerPerTest((e) => {
  env = e;
});

// Secrets shaped like the real ones, so that a leak of any part of them is caught.
const SLACK_PATH = '/services/T0SECRET01/B0SECRET02/slackSecretPart0123456789ab';
const TELEGRAM_TOKEN = '123456789:telegramSecretTokenABCDEFGHIJKLMNOPQRSTU';
const WEBHOOK_TOKEN = 'webhook-bearer-secret-5f4e3d2c1b';
const ROUTING_KEY = 'pdRoutingKeySecret0123456789abcd';
const SMTP_PASSWORD = 'smtp-channel-test-password-42';

interface Setup {
  config: AppConfig;
  smtp: TestSmtpServer;
  slack: ChannelDouble;
  telegram: ChannelDouble;
  webhook: ChannelDouble;
  pagerduty: Awaited<ReturnType<typeof createPagerDutyDouble>>;
  bridge: FakeBridge;
  worker: Worker;
  taskQueue: string;
  feed: ReturnType<typeof createMemoryNotificationFeed>;
  logLines: string[];
  secrets: string[];
  close(): Promise<void>;
}

async function setUp(name: string, env_: Record<string, string> = {}, options: { webhookToken?: string } = {}): Promise<Setup> {
  const [smtp, slack, telegram, webhook, pagerduty] = await Promise.all([
    startSmtpServer({ auth: { username: 'alerts@fidus.test', password: SMTP_PASSWORD } }),
    createSlackDouble(SLACK_PATH),
    createTelegramDouble(TELEGRAM_TOKEN),
    createWebhookDouble(options.webhookToken ?? WEBHOOK_TOKEN),
    createPagerDutyDouble(ROUTING_KEY),
  ]);
  const config = loadConfig({
    SMTP_HOST: smtp.host,
    SMTP_PORT: String(smtp.port),
    SMTP_ALLOW_PLAINTEXT_LOOPBACK: 'true',
    SMTP_USERNAME: 'alerts@fidus.test',
    SMTP_APP_PASSWORD: SMTP_PASSWORD,
    ALERT_RECIPIENT_EMAIL: 'ops@fidus.test',
    SLACK_WEBHOOK_URL: slack.url,
    TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
    TELEGRAM_CHAT_ID: '-1001234567890',
    TELEGRAM_API_URL: telegram.apiUrl,
    ALERT_WEBHOOK_URL: webhook.url,
    ALERT_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
    PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
    PAGERDUTY_EVENTS_URL: pagerduty.eventsUrl,
    ...env_,
  });
  const logLines: string[] = [];
  // The logger scrubs nothing: no secret may reach it in the first place.
  const log = createLogger({ level: 'debug', destination: { write: (line: string) => void logLines.push(line) } });
  const feed = createMemoryNotificationFeed();
  const mailer = createSmtpMailer(config.smtp);
  const bridge = new FakeBridge(name);
  const taskQueue = uniqueTaskQueue(name);
  const alerting = createAlertingActivities({
    alerts: {
      mailer,
      recipients: config.smtp.recipients,
      escalationRecipients: config.smtp.escalation,
      dashboardUrl: config.dashboard.url,
      feed,
      log,
      secrets: configSecrets(config),
    },
    alertDelivery: { client: env.client, taskQueue },
    channels: { channels: buildChannels(config.channels, { dashboardUrl: config.dashboard.url }), routes: config.channels?.routes ?? {} },
  });
  const worker = await createHealingWorker(env, taskQueue, [bridge], alerting as never);
  return {
    config,
    smtp,
    slack,
    telegram,
    webhook,
    pagerduty,
    bridge,
    worker,
    taskQueue,
    feed,
    logLines,
    secrets: [SLACK_PATH, ...SLACK_PATH.split('/').filter((p) => p.length > 8), TELEGRAM_TOKEN, WEBHOOK_TOKEN, ROUTING_KEY, SMTP_PASSWORD],
    async close() {
      mailer.close();
      await Promise.all([smtp.stop(), slack.close(), telegram.close(), webhook.close(), pagerduty.close()]);
    },
  };
}

/** Time passes on the server in steps, until `done` (real-time checks between steps). */
async function until(done: () => boolean, stepMs = 30_000, steps = 40): Promise<void> {
  for (let i = 0; i < steps && !done(); i++) {
    await new Promise((r) => setTimeout(r, 100));
    if (!done()) await env.sleep(stepMs);
  }
  if (!done()) throw new Error('condition not met');
}

const texts = (double: ChannelDouble) => double.accepted.map((r) => String(r.json?.text ?? ''));

test('Slack, Telegram and the JSON webhook each receive the CRITICAL and the recovery of an incident, as the email does', async () => {
  const s = await setUp('channels-cycle');
  try {
    await s.worker.runUntil(async () => {
      const handle = await startIncident(env, s.taskQueue, incidentInput(s.bridge.targetId, {}, await serverNow(env)));
      await Promise.all([s.slack.waitFor(1), s.telegram.waitFor(1), s.webhook.waitFor(1)]);
      const result = await finish(env, handle, MINUTE);
      expect(result.status).toBe('RECOVERED');
      await Promise.all([s.slack.waitFor(2), s.telegram.waitFor(2), s.webhook.waitFor(2), s.smtp.waitForMessages(2)]);
    });
    const [slackCritical, slackRecovery] = texts(s.slack);
    expect(slackCritical).toContain('🚨 FIDUS MT5 CRITICAL ALERT');
    expect(slackCritical).toContain('Auto-Restart: INITIATED');
    expect(slackRecovery).toContain('✅ FIDUS MT5 RECOVERED');
    const [tgCritical, tgRecovery] = s.telegram.accepted.map((r) => r.json!);
    expect(tgCritical).toMatchObject({ chat_id: '-1001234567890', text: expect.stringContaining('CRITICAL ALERT') });
    expect(tgRecovery!.text).toContain('RECOVERED');
    const hooks = s.webhook.accepted.map((r) => r.json!);
    expect(hooks.map((h) => [h.kind, h.severity, h.targetId])).toEqual([
      ['critical', 'critical', s.bridge.targetId],
      ['recovery', 'critical', s.bridge.targetId],
    ]);
    expect(hooks[0]!.incidentId).toBe(hooks[1]!.incidentId);
    expect(s.webhook.accepted[0]!.headers.authorization).toBe(`Bearer ${WEBHOOK_TOKEN}`);
    expect(s.smtp.messages.map((m) => m.mail.subject)).toEqual(['🚨 FIDUS MT5 CRITICAL ALERT', '✅ FIDUS MT5 RECOVERED']);
  } finally {
    await s.close();
  }
});

test('a CRITICAL → acknowledge → recovery cycle triggers, acknowledges and resolves one PagerDuty incident, whose dedup key is the incident id', async () => {
  const s = await setUp('channels-pagerduty');
  s.bridge.recoverOnDispatch = undefined; // down until the test says so
  try {
    await s.worker.runUntil(async () => {
      const handle = await startIncident(env, s.taskQueue, incidentInput(s.bridge.targetId, {}, await serverNow(env)));
      await s.pagerduty.waitFor(1);
      await quiesce(handle);
      await handle.executeUpdate(acknowledgeUpdate, { args: [{ by: 'maria' }] });
      await s.pagerduty.waitFor(2);
      s.bridge.healthy = true;
      const result = await finish(env, handle, MINUTE);
      expect(result.status).toBe('RECOVERED');
      await s.pagerduty.waitFor(3);
      expect(s.pagerduty.incidents).toEqual([
        expect.objectContaining({ dedupKey: result.incidentId, status: 'resolved', actions: ['trigger', 'acknowledge', 'resolve'] }),
      ]);
      // the chat channels heard of the acknowledgement too (routed with the CRITICAL)
      await s.slack.waitFor(3);
      expect(texts(s.slack).some((t) => t.includes('Acknowledged by maria'))).toBe(true);
    });
    const trigger = s.pagerduty.accepted[0]!.json!;
    expect(trigger).toMatchObject({ event_action: 'trigger', payload: { severity: 'critical', source: s.bridge.targetId } });
    expect(new Set(s.pagerduty.accepted.map((r) => r.json!.dedup_key)).size).toBe(1);
  } finally {
    await s.close();
  }
});

test('per-severity routing: with ALERT_ROUTES pagerduty=critical;telegram=critical;slack=all a WARNING goes by email and to Slack only, a CRITICAL to all three', async () => {
  const s = await setUp('channels-routes', { ALERT_ROUTES: 'pagerduty=critical;telegram=critical;slack=all;webhook=none' });
  const at = (await serverNow(env)).toISOString();
  const warning: WarningAlert = {
    kind: 'warning',
    targetId: s.bridge.targetId,
    at,
    conditionKey: 'account:886557',
    issue: 'account 886557 not synced',
    occurrence: 1,
    episodeId: `account:886557@${Date.parse(at)}`,
  };
  const critical = incidentCritical(s.bridge.targetId, at);
  try {
    await s.worker.runUntil(async () => {
      const { handOverAlerts } = createAlertDeliveryActivities({ client: env.client, taskQueue: s.taskQueue });
      // the warning watch and the incident hand their emails to the target's delivery workflow like this
      await handOverAlerts(s.bridge.targetId, [emailDelivery(warning)]);
      await Promise.all([s.smtp.waitForMessages(1), s.slack.waitFor(1)]);
      await handOverAlerts(s.bridge.targetId, [emailDelivery(critical)]);
      await Promise.all([s.smtp.waitForMessages(2), s.slack.waitFor(2), s.pagerduty.waitFor(1), s.telegram.waitFor(1)]);
      await new Promise((r) => setTimeout(r, 1_000)); // any stray delivery would have come by now
    });
    expect(s.smtp.messages.map((m) => m.mail.subject)).toEqual(['⚠️ FIDUS MT5 WARNING', '🚨 FIDUS MT5 CRITICAL ALERT']);
    expect(texts(s.slack)[0]).toContain('FIDUS MT5 WARNING');
    expect(s.pagerduty.received.map((r) => r.json!.event_action)).toEqual(['trigger']);
    expect(s.pagerduty.incidents.map((i) => i.dedupKey)).toEqual(['inc-routes-1']);
    expect(s.telegram.received.map((r) => String(r.json!.text))).toEqual([expect.stringContaining('CRITICAL ALERT')]);
    expect(s.webhook.received).toHaveLength(0);
  } finally {
    await s.close();
  }
});

function incidentCritical(targetId: string, at: string) {
  return {
    kind: 'critical' as const,
    targetId,
    at,
    incidentId: 'inc-routes-1',
    component: 'MT5 Bridge',
    status: 'DEGRADED' as const,
    issue: 'MT5 Terminal disconnected from broker',
    autoRestart: 'INITIATED',
  };
}

test('Slack down when the CRITICAL goes out gets it later, in order with the recovery; email and the other channels are not held back', async () => {
  const s = await setUp('channels-down');
  s.slack.down();
  try {
    await s.worker.runUntil(async () => {
      const handle = await startIncident(env, s.taskQueue, incidentInput(s.bridge.targetId, {}, await serverNow(env)));
      await Promise.all([s.smtp.waitForMessages(1), s.telegram.waitFor(1), s.pagerduty.waitFor(1), s.webhook.waitFor(1)]);
      const result = await finish(env, handle, MINUTE);
      expect(result.status).toBe('RECOVERED');
      await Promise.all([s.smtp.waitForMessages(2), s.telegram.waitFor(2), s.pagerduty.waitFor(2), s.webhook.waitFor(2)]);
      expect(s.slack.accepted).toHaveLength(0);
      expect(s.slack.received.length).toBeGreaterThan(0); // tried, and got no answer

      s.slack.up();
      const delivery = env.client.workflow.getHandle(alertDeliveryWorkflowId(s.bridge.targetId, s.taskQueue));
      await until(() => s.slack.accepted.length >= 2, 60_000, 30);
      const events = (await delivery.fetchHistory()).events ?? [];
      const failed = events.filter((e) => e.activityTaskFailedEventAttributes?.failure?.message?.includes('slack did not answer'));
      expect(failed.length).toBeGreaterThan(0);
    });
    expect(texts(s.slack).map((t) => t.split('\n')[0])).toEqual(['*🚨 FIDUS MT5 CRITICAL ALERT*', '*✅ FIDUS MT5 RECOVERED*']);
    expect(s.smtp.messages.map((m) => m.mail.subject)).toEqual(['🚨 FIDUS MT5 CRITICAL ALERT', '✅ FIDUS MT5 RECOVERED']);
  } finally {
    await s.close();
  }
});

test('no channel secret (Slack URL, bot token, webhook token, routing key) in the incident and delivery histories, the logs, the emails, the in-app feed or the dashboard, a refused channel included', async () => {
  // the webhook expects another token: it refuses every delivery (401), which raises "alerts cannot be delivered"
  const s = await setUp('channels-secrets', {}, { webhookToken: 'another-token-the-receiver-wants' });
  s.bridge.recoverOnDispatch = undefined;
  let histories = '';
  try {
    await s.worker.runUntil(async () => {
      const handle = await startIncident(env, s.taskQueue, incidentInput(s.bridge.targetId, {}, await serverNow(env)));
      await Promise.all([s.pagerduty.waitFor(1), s.slack.waitFor(1), s.telegram.waitFor(1)]);
      await quiesce(handle);
      await handle.executeUpdate(acknowledgeUpdate, { args: [{ by: 'maria' }] });
      await s.pagerduty.waitFor(2);
      s.bridge.healthy = true;
      await finish(env, handle, MINUTE);
      await Promise.all([s.pagerduty.waitFor(3), s.slack.waitFor(3), s.telegram.waitFor(3), s.smtp.waitForMessages(2)]);
      const delivery = env.client.workflow.getHandle(alertDeliveryWorkflowId(s.bridge.targetId, s.taskQueue));
      histories = JSON.stringify([await handle.fetchHistory(), await delivery.fetchHistory()]);
    });
    expect(s.webhook.accepted).toHaveLength(0);
    expect(s.feed.items.map((n) => n.text)).toContainEqual(expect.stringContaining('Alerts cannot be delivered: webhook answered HTTP 401'));
    expect(histories).toContain('sendAlertToChannel');
    const dashboard = await dashboardPages(s.config);
    const places: Array<[string, string]> = [
      ['a workflow history', histories],
      ['a log line', s.logLines.join('\n')],
      ['an email', s.smtp.messages.map((m) => m.raw).join('\n')],
      ['the in-app feed', JSON.stringify(s.feed.items)],
      ['a dashboard page', dashboard],
    ];
    for (const [where, text] of places) for (const secret of s.secrets) expect({ where, leaked: text.includes(secret) }).toEqual({ where, leaked: false });
  } finally {
    await s.close();
  }
});

/** The dashboard's pages over this configuration (the real HTTP server). */
async function dashboardPages(config: AppConfig): Promise<string> {
  const { createDashboardServer } = await import('../src/dashboard');
  const dashboard = createDashboardServer({
    client: env.client,
    config,
    log: createLogger({ level: 'silent' }),
    taskQueue: config.temporal.taskQueue,
    webUiUrl: 'http://127.0.0.1:8233',
  });
  const { url } = await dashboard.listen();
  try {
    const pages = await Promise.all(['/system-health', '/api/status', '/metrics', '/api/notifications'].map(async (p) => (await fetch(`${url}${p}`)).text()));
    return pages.join('\n');
  } finally {
    await dashboard.close();
  }
}
