/**
 * Alert emails through a real SMTP server on loopback: each message type arrives with its exact
 * subject and body lines, the dashboard link, every recipient of the comma lists, an HTML part
 * and the thread headers; permanent failures are raised as "alerts cannot be delivered";
 * no secret appears in any email or log line.
 */
import type { ApplicationFailure } from '@temporalio/common';
import {
  classifySmtpError,
  createAlertActivities,
  createMemoryNotificationFeed,
  createSmtpMailer,
  renderEmail,
  undeliverableNoticeId,
} from '../src/activities/alerts';
import { loadConfig, type AppConfig } from '../src/config/load-config';
import { createLogger } from '../src/logging/create-logger';
import type {
  AlertEvent,
  CriticalAlert,
  EscalationAlert,
  RecoveryAlert,
  ReminderAlert,
  WarningAlert,
} from '../src/shared/contracts';
import { startSmtpServer, type TestSmtpServer } from './helpers/smtp';

const PASSWORD = 'app-pw-Zq8v1Lk3-never-shown';
const GITHUB_TOKEN = 'ghp' + '_0123456789abcdefghijklmnopqrstuvwxyzAB';
const DASHBOARD = 'https://fidus-invest.example.test';
const DASHBOARD_TOKEN = ['dashboard', 'token', process.pid, 'alert-email'].join('-');

const critical: CriticalAlert = {
  kind: 'critical',
  targetId: 'mt5-bridge',
  incidentId: 'heal-mt5-bridge-20251031112638',
  at: '2025-10-31T11:26:38.412Z',
  component: 'MT5 Bridge',
  status: 'DEGRADED',
  issue: 'MT5 Terminal disconnected from broker. All accounts showing $0.',
  autoRestart: 'INITIATED',
};
const recovery: RecoveryAlert = {
  kind: 'recovery',
  targetId: 'mt5-bridge',
  incidentId: critical.incidentId,
  at: '2025-10-31T11:31:01Z',
  method: 'github',
  recoveryTimeMs: 263_000,
  accountsOnline: 7,
  accountsExpected: 7,
};
const escalation: EscalationAlert = {
  kind: 'escalation',
  targetId: 'mt5-bridge',
  incidentId: critical.incidentId,
  at: '2025-10-31T11:45:00Z',
  issue: critical.issue,
  openedAt: critical.at,
  diagnosis: 'The terminal stays disconnected after three restarts: the broker login is probably refused.',
  attempts: [
    {
      attempt: 1,
      method: 'github',
      dispatchedAt: '2025-10-31T11:26:40Z',
      outcome: 'not_recovered',
      detail: 'still disconnected after 5 minutes',
      endedAt: '2025-10-31T11:31:40Z',
    },
    {
      attempt: 2,
      method: 'github',
      dispatchedAt: '2025-10-31T11:36:40Z',
      outcome: 'dispatch_failed',
      detail: 'GitHub answered 401: GITHUB_TOKEN refused',
    },
  ],
};
const reminder: ReminderAlert = {
  kind: 'reminder',
  targetId: 'mt5-bridge',
  incidentId: critical.incidentId,
  at: '2025-10-31T12:45:00Z',
  issue: critical.issue,
  openedAt: critical.at,
  reminder: 1,
};
const warning: WarningAlert = {
  kind: 'warning',
  targetId: 'mt5-bridge',
  at: '2025-10-31T09:00:00Z',
  conditionKey: 'account:886557',
  issue: 'Account 886557 failed to sync: no live balance for 12 minutes',
  occurrence: 1,
  episodeId: 'account:886557@1761901200000',
};

function smtpConfig(server: TestSmtpServer, env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    SMTP_HOST: server.host,
    SMTP_PORT: String(server.port),
    SMTP_SECURE: 'false',
    SMTP_USERNAME: 'alerts@fidus.test',
    SMTP_APP_PASSWORD: PASSWORD,
    ALERT_FROM: 'FIDUS Auto-Heal <alerts@fidus.test>',
    ALERT_RECIPIENT_EMAIL: 'ops@fidus.test, second@fidus.test',
    ESCALATION_EMAIL: 'support@fidus.test,oncall@fidus.test',
    DASHBOARD_URL: DASHBOARD,
    // A public DASHBOARD_URL needs a token; the test relay on loopback speaks plain text.
    DASHBOARD_TOKEN,
    SMTP_ALLOW_PLAINTEXT_LOOPBACK: 'true',
    ...env,
  });
}

function setup(server: TestSmtpServer, env: Record<string, string> = {}) {
  const config = smtpConfig(server, env);
  const lines: string[] = [];
  const log = createLogger({
    level: 'debug',
    secrets: [PASSWORD],
    destination: { write: (line: string) => void lines.push(line) },
  });
  const feed = createMemoryNotificationFeed();
  const mailer = createSmtpMailer(config.smtp);
  const activities = createAlertActivities({
    mailer,
    recipients: config.smtp.recipients,
    escalationRecipients: config.smtp.escalation,
    dashboardUrl: config.dashboard.url,
    feed,
    log,
    githubRepository: 'chavapalmarubin-lab/FIDUS',
    targetUrls: { 'mt5-bridge': 'http://92.118.45.135:8000' },
    secrets: [PASSWORD, GITHUB_TOKEN],
  });
  return { activities, feed, lines, close: () => mailer.close() };
}

const bodyLines = (text: string | undefined) => (text ?? '').split('\n');

describe('alert emails over a real SMTP server', () => {
  let server: TestSmtpServer;
  beforeEach(async () => {
    server = await startSmtpServer({ auth: { username: 'alerts@fidus.test', password: PASSWORD } });
  });
  afterEach(() => server.stop());

  it('delivers the CRITICAL alert in the runbook format to every recipient, and logs each delivery', async () => {
    const { activities, lines, close } = setup(server);
    const receipt = await activities.sendAlertEmail(critical);
    close();

    const [message] = await server.waitForMessages(1);
    expect(message!.recipients).toEqual(['ops@fidus.test', 'second@fidus.test']);
    expect(message!.mail.subject).toBe('🚨 FIDUS MT5 CRITICAL ALERT');
    expect(bodyLines(message!.mail.text)).toEqual(
      expect.arrayContaining([
        'Component: MT5 Bridge',
        'Status: DEGRADED',
        'Severity: CRITICAL',
        'Issue: MT5 Terminal disconnected from broker. All accounts showing $0.',
        'Timestamp: 2025-10-31 11:26:38 UTC',
        'Auto-Restart: INITIATED',
        'Expected Recovery: 5 minutes',
        `View System Health: ${DASHBOARD}/system-health`,
        'Target: mt5-bridge',
        'Incident: heal-mt5-bridge-20251031112638',
      ]),
    );
    expect(message!.mail.html).toContain(`<a href="${DASHBOARD}/system-health">`);
    expect(message!.mail.messageId).toBe('<heal-mt5-bridge-20251031112638.critical@fidus-autoheal>');
    expect(message!.mail.inReplyTo).toBeUndefined();
    expect(receipt).toMatchObject({
      messageId: message!.mail.messageId,
      accepted: ['ops@fidus.test', 'second@fidus.test'],
      rejected: [],
    });
    expect(receipt.response).toMatch(/^250 /);
    const messages = lines.map((l) => JSON.parse(l).msg);
    expect(messages).toEqual(
      expect.arrayContaining([
        '✅ Email alert sent to ops@fidus.test',
        '✅ Email alert sent to second@fidus.test',
      ]),
    );
  });

  it('says honestly when no restart was initiated', () => {
    const email = renderEmail(
      { ...critical, status: 'DOWN', autoRestart: 'NOT INITIATED: remediation is off (REMEDIATION=none)' },
      { dashboardUrl: DASHBOARD },
    );
    expect(bodyLines(email.text)).toEqual(
      expect.arrayContaining([
        'Status: DOWN',
        'Auto-Restart: NOT INITIATED: remediation is off (REMEDIATION=none)',
        'Expected Recovery: not automatic: an operator must act',
      ]),
    );
  });

  it('delivers the recovery confirmation with real figures, in the incident thread', async () => {
    const { activities, close } = setup(server);
    await activities.sendAlertEmail(recovery);
    close();

    const [message] = await server.waitForMessages(1);
    expect(message!.recipients).toEqual(['ops@fidus.test', 'second@fidus.test']);
    expect(message!.mail.subject).toBe('✅ FIDUS MT5 RECOVERED');
    expect(bodyLines(message!.mail.text).slice(0, 4)).toEqual([
      '✅ MT5 Bridge automatically recovered',
      'Recovery method: GitHub Actions workflow restart',
      'Recovery time: 4 minutes 23 seconds',
      'All 7 accounts online with live balances',
    ]);
    expect(message!.mail.text).toContain(`View System Health: ${DASHBOARD}/system-health`);
    expect(message!.mail.html).toContain('✅ MT5 Bridge automatically recovered');
    expect(message!.mail.messageId).toBe('<heal-mt5-bridge-20251031112638.recovery@fidus-autoheal>');
    expect(message!.mail.inReplyTo).toBe('<heal-mt5-bridge-20251031112638.critical@fidus-autoheal>');
    expect(message!.mail.references).toBe('<heal-mt5-bridge-20251031112638.critical@fidus-autoheal>');
  });

  it('says how many accounts are online when fewer than expected', () => {
    const email = renderEmail(
      { ...recovery, accountsOnline: 5, recoveryTimeMs: 61_000 },
      { dashboardUrl: DASHBOARD },
    );
    expect(bodyLines(email.text)).toEqual(
      expect.arrayContaining([
        'Recovery time: 1 minute 1 second',
        '5 of 7 accounts online with live balances (2 not reporting live data yet)',
      ]),
    );
    expect(email.text).not.toContain('All 7 accounts');
  });

  it('sends the escalation to the support contacts with attempts, diagnosis and the manual recovery steps', async () => {
    const { activities, close } = setup(server);
    await activities.sendAlertEmail(escalation);
    close();

    const [message] = await server.waitForMessages(1);
    expect(message!.recipients).toEqual(['support@fidus.test', 'oncall@fidus.test']);
    expect(message!.mail.subject).toBe('🆘 FIDUS MT5 ESCALATION: auto-healing failed');
    const text = bodyLines(message!.mail.text);
    expect(text).toEqual(
      expect.arrayContaining([
        'Incident: heal-mt5-bridge-20251031112638',
        'Incident opened: 2025-10-31 11:26:38 UTC (open for 18 minutes 22 seconds)',
        'What was tried:',
        '- Attempt 1 (GitHub Actions workflow restart, dispatched 2025-10-31 11:26:40 UTC): not recovered (verification timed out): still disconnected after 5 minutes (ended 2025-10-31 11:31:40 UTC)',
        '- Attempt 2 (GitHub Actions workflow restart, dispatched 2025-10-31 11:36:40 UTC): dispatch failed: GitHub answered 401: GITHUB_TOKEN refused',
        'Diagnosis: The terminal stays disconnected after three restarts: the broker login is probably refused.',
        '1. Check GitHub Actions: https://github.com/chavapalmarubin-lab/FIDUS/actions',
        '2. Verify GITHUB_TOKEN:',
        '   - Token has `repo` and `workflow` scopes',
        '3. Check VPS Status:',
        '   - Can you access http://92.118.45.135:8000/api/mt5/bridge/health ?',
        '   - SSH to VPS: ssh <user>@92.118.45.135',
        '   - Manually restart: Restart-Service "MT5 Bridge"',
        `View System Health: ${DASHBOARD}/system-health`,
      ]),
    );
    expect(message!.mail.html).toContain('Restart-Service &quot;MT5 Bridge&quot;');
    expect(message!.mail.messageId).toBe(
      '<heal-mt5-bridge-20251031112638.escalation.20251031T114500Z@fidus-autoheal>',
    );
    expect(message!.mail.inReplyTo).toBe('<heal-mt5-bridge-20251031112638.critical@fidus-autoheal>');
  });

  it('sends escalation reminders to the support contacts, in the incident thread', async () => {
    const { activities, close } = setup(server);
    await activities.sendAlertEmail(reminder);
    close();

    const [message] = await server.waitForMessages(1);
    expect(message!.recipients).toEqual(['support@fidus.test', 'oncall@fidus.test']);
    expect(message!.mail.subject).toBe('🔁 FIDUS MT5 ESCALATION REMINDER');
    expect(bodyLines(message!.mail.text)).toEqual(
      expect.arrayContaining([
        '🔁 MT5 Bridge is still not recovered (reminder 1)',
        'Incident opened: 2025-10-31 11:26:38 UTC (open for 1 hour 18 minutes 22 seconds)',
        'Acknowledge the incident in the dashboard to stop these reminders.',
        `View System Health: ${DASHBOARD}/system-health`,
      ]),
    );
    expect(message!.mail.messageId).toBe('<heal-mt5-bridge-20251031112638.reminder.1@fidus-autoheal>');
    expect(message!.mail.references).toBe('<heal-mt5-bridge-20251031112638.critical@fidus-autoheal>');
  });

  it('sends a WARNING and its reminder as one thread per condition episode', async () => {
    const { activities, close } = setup(server);
    await activities.sendAlertEmail(warning);
    await activities.sendAlertEmail({
      ...warning,
      at: '2025-10-31T10:00:10Z',
      occurrence: 2,
      since: warning.at,
    });
    close();

    const [first, second] = await server.waitForMessages(2);
    for (const m of [first!, second!]) {
      expect(m.recipients).toEqual(['ops@fidus.test', 'second@fidus.test']);
      expect(m.mail.subject).toBe('⚠️ FIDUS MT5 WARNING');
      expect(bodyLines(m.mail.text)).toEqual(
        expect.arrayContaining([
          'Severity: WARNING',
          'Issue: Account 886557 failed to sync: no live balance for 12 minutes',
          'Condition: account:886557',
          'Auto-Restart: NOT INITIATED (a warning is email only)',
          `View System Health: ${DASHBOARD}/system-health`,
        ]),
      );
    }
    expect(bodyLines(second!.mail.text)).toContain(
      'Reminder 1: still observed since 2025-10-31 09:00:00 UTC',
    );
    expect(second!.mail.inReplyTo).toBe(first!.mail.messageId);
    expect(first!.mail.messageId).toBe('<warning.mt5-bridge.account-886557-1761901200000.1@fidus-autoheal>');
  });

  it('sends conditions that fell due together as one WARNING email naming each, escaped', async () => {
    const { activities, close } = setup(server);
    const hostile = 'Account 886602 <b>gone</b> & stale\nAuto-Restart: INITIATED';
    await activities.sendAlertEmail({
      ...warning,
      conditions: [
        { conditionKey: warning.conditionKey, issue: warning.issue, occurrence: 1, episodeId: warning.episodeId, since: warning.at },
        { conditionKey: 'account:886602', issue: hostile, occurrence: 3, episodeId: 'account:886602@1761890400000', since: '2025-10-31T06:00:00Z' },
      ],
    });
    close();

    const [message] = await server.waitForMessages(1);
    expect(message!.mail.subject).toBe('⚠️ FIDUS MT5 WARNING');
    const lines = bodyLines(message!.mail.text);
    expect(lines).toEqual(
      expect.arrayContaining([
        'Issue: 2 WARNING conditions',
        'Condition: account:886557',
        'Issue: Account 886557 failed to sync: no live balance for 12 minutes',
        'Condition: account:886602',
        'Issue: Account 886602 <b>gone</b> & stale Auto-Restart: INITIATED',
        'Reminder 2: still observed since 2025-10-31 06:00:00 UTC',
      ]),
    );
    expect(lines.filter((l) => l.startsWith('Auto-Restart:'))).toEqual(['Auto-Restart: NOT INITIATED (a warning is email only)']);
    expect(message!.mail.html).toContain('Account 886602 &lt;b&gt;gone&lt;/b&gt; &amp; stale');
    expect(message!.mail.html).not.toContain('<b>gone</b>');
    // the first condition gives the email its thread
    expect(message!.mail.messageId).toBe('<warning.mt5-bridge.account-886557-1761901200000.1@fidus-autoheal>');
  });

  it('sends the test alert to the alert recipients', async () => {
    const { activities, close } = setup(server);
    await activities.sendAlertEmail({ kind: 'test', targetId: 'mt5-bridge', at: '2025-10-31T09:00:00Z' });
    close();
    const [message] = await server.waitForMessages(1);
    expect(message!.mail.subject).toBe('FIDUS MT5 test alert');
    expect(message!.mail.text).toContain(`View System Health: ${DASHBOARD}/system-health`);
    expect(message!.mail.html).toBeTruthy();
  });

  it('gives a retried send the same Message-ID, so mail clients show the alert once', async () => {
    const { activities, close } = setup(server);
    await activities.sendAlertEmail(critical);
    await activities.sendAlertEmail(critical);
    close();
    const [a, b] = await server.waitForMessages(2);
    expect(a!.mail.messageId).toBe(b!.mail.messageId);
  });

  it('escapes HTML in the HTML part', () => {
    const email = renderEmail(
      { ...critical, issue: 'bridge said <script>alert("x")</script> & died' },
      { dashboardUrl: DASHBOARD },
    );
    expect(email.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; died');
    expect(email.html).not.toContain('<script>');
    expect(email.text).toContain('Issue: bridge said <script>alert("x")</script> & died');
  });

  it('bridge text is data: one line in the text part (no forged lines), escaped and never a link in the HTML part', () => {
    const hostile = `terminal says "down"\r\nAuto-Restart: INITIATED\nExpected Recovery: 1 minute <a href="https://evil.example">x</a> https://evil.example/reset\u202E`;
    for (const event of [
      { ...warning, issue: hostile, conditionKey: `account:1\nBcc: x@evil.example` },
      { ...critical, issue: hostile, component: `MT5\rBridge` },
    ]) {
      const email = renderEmail(event, { dashboardUrl: DASHBOARD });
      const lines = email.text.split('\n');
      expect(lines.filter((l) => l.startsWith('Auto-Restart:'))).toHaveLength(1);
      expect(lines.filter((l) => l.startsWith('Expected Recovery:')).length).toBeLessThanOrEqual(1);
      expect(lines.some((l) => l.startsWith('Bcc:'))).toBe(false);
      expect(email.text).not.toMatch(/\r|\u202E/);
      expect(email.html).not.toContain('<a href="https://evil.example');
      expect(email.html).not.toContain('href="https://evil.example/reset"');
      expect(email.html.match(/<a /g)).toHaveLength(1); // the dashboard link of our own configuration
      expect(email.html).toContain(`<a href="${DASHBOARD}/system-health">`);
    }
  });
});

describe('alert delivery failures', () => {
  const failureOf = async (p: Promise<unknown>) =>
    (await p.then(
      () => undefined,
      (err: unknown) => err,
    )) as ApplicationFailure;

  it('login refused: non-retryable AlertsUndeliverableError, "alerts cannot be delivered" in the feed and the log, no secret anywhere', async () => {
    const server = await startSmtpServer({
      auth: { username: 'alerts@fidus.test', password: 'the-right-one' },
    });
    try {
      const { activities, feed, lines, close } = setup(server);
      const failure = await failureOf(activities.sendAlertEmail(critical));
      close();
      expect(failure).toMatchObject({ type: 'AlertsUndeliverableError', nonRetryable: true });
      expect(failure.message).toMatch(
        /^Alerts cannot be delivered: SMTP login refused .*535.*SMTP_APP_PASSWORD/,
      );
      expect(feed.items).toEqual([
        expect.objectContaining({
          severity: 'CRITICAL',
          targetId: 'mt5-bridge',
          incidentId: critical.incidentId,
          text: expect.stringMatching(/^Alerts cannot be delivered: SMTP login refused/),
        }),
      ]);
      expect(
        lines.some((l) => JSON.parse(l).msg.startsWith('Alerts cannot be delivered: SMTP login refused')),
      ).toBe(true);
      expect(server.logins).toEqual([{ username: 'alerts@fidus.test', accepted: false, secure: false }]);
      for (const text of [failure.message, JSON.stringify(feed.items), ...lines])
        expect(text).not.toContain(PASSWORD);
    } finally {
      await server.stop();
    }
  });

  it('no recipients configured: non-retryable, and said loudly', async () => {
    const server = await startSmtpServer({ auth: { username: 'alerts@fidus.test', password: PASSWORD } });
    try {
      const { activities, feed, lines, close } = setup(server, {
        ALERT_RECIPIENT_EMAIL: '',
        ESCALATION_EMAIL: '',
      });
      const failure = await failureOf(activities.sendAlertEmail(critical));
      close();
      expect(failure).toMatchObject({ type: 'AlertsUndeliverableError', nonRetryable: true });
      expect(failure.message).toContain('no recipients configured: set ALERT_RECIPIENT_EMAIL');
      expect(feed.items[0]?.text).toMatch(/^Alerts cannot be delivered: no recipients configured/);
      expect(
        lines.map((l) => JSON.parse(l)).some((l) => l.level === 50 && /no recipients configured/.test(l.msg)),
      ).toBe(true);
      expect(server.messages).toHaveLength(0);
    } finally {
      await server.stop();
    }
  });

  it('no recipients through a whole incident: one "alerts cannot be delivered" notice, a log line per email', async () => {
    const server = await startSmtpServer({ auth: { username: 'alerts@fidus.test', password: PASSWORD } });
    try {
      const { activities, feed, lines, close } = setup(server, { ALERT_RECIPIENT_EMAIL: '' });
      // eight emails of one incident: the CRITICAL, six warnings, the recovery
      const events = [
        critical,
        ...Array.from({ length: 6 }, (_, i) => ({
          ...warning,
          conditionKey: `account:88655${i}`,
          episodeId: `account:88655${i}@1`,
        })),
        recovery,
      ];
      for (const event of events)
        await expect(activities.sendAlertEmail(event)).rejects.toMatchObject({
          type: 'AlertsUndeliverableError',
        });
      close();
      const day = new Date().toISOString().slice(0, 10);
      expect(feed.items).toEqual([
        expect.objectContaining({
          id: `undeliverable:no-recipients:ALERT_RECIPIENT_EMAIL:${day}`,
          severity: 'CRITICAL',
          text: expect.stringMatching(
            /^Alerts cannot be delivered: no recipients configured: set ALERT_RECIPIENT_EMAIL/,
          ),
        }),
      ]);
      const logged = lines.map((l) => JSON.parse(l)).filter((l) => /^Alerts cannot be delivered/.test(l.msg));
      expect(logged).toHaveLength(8);
      expect(new Set(logged.map((l) => l.messageId)).size).toBe(8);
      expect(server.messages).toHaveLength(0);
    } finally {
      await server.stop();
    }
  });

  it('another cause is another notice; the same cause on another day is another notice', () => {
    const day1 = new Date('2026-11-28T23:59:00Z');
    const day2 = new Date('2026-11-29T00:01:00Z');
    expect(undeliverableNoticeId('smtp-login-refused', day1)).toBe(
      'undeliverable:smtp-login-refused:2026-11-28',
    );
    expect(undeliverableNoticeId('smtp-login-refused', day2)).not.toBe(
      undeliverableNoticeId('smtp-login-refused', day1),
    );
    expect(undeliverableNoticeId('smtp-rejected', day1)).not.toBe(
      undeliverableNoticeId('smtp-login-refused', day1),
    );
    expect(classifySmtpError({ code: 'EAUTH', responseCode: 535, message: 'Invalid login' })).toMatchObject({
      permanent: true,
      cause: 'smtp-login-refused',
    });
    expect(
      classifySmtpError({ responseCode: 550, command: 'RCPT TO', message: '550 no such user <a1b2>' }),
    ).toMatchObject({ permanent: true, cause: 'smtp-rejected' });
  });

  it('every recipient rejected with 550: non-retryable', async () => {
    const server = await startSmtpServer({
      auth: { username: 'alerts@fidus.test', password: PASSWORD },
      rejectRecipients: ['ops@fidus.test', 'second@fidus.test'],
    });
    try {
      const { activities, feed, close } = setup(server);
      const failure = await failureOf(activities.sendAlertEmail(critical));
      close();
      expect(failure).toMatchObject({ type: 'AlertsUndeliverableError', nonRetryable: true });
      expect(failure.message).toMatch(/every recipient was rejected .*550/);
      expect(feed.items).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });

  it('one recipient rejected: the others get the alert, the rejection is raised in the feed', async () => {
    const server = await startSmtpServer({
      auth: { username: 'alerts@fidus.test', password: PASSWORD },
      rejectRecipients: ['second@fidus.test'],
    });
    try {
      const { activities, feed, close } = setup(server);
      const receipt = await activities.sendAlertEmail(critical);
      close();
      expect(receipt).toMatchObject({ accepted: ['ops@fidus.test'], rejected: ['second@fidus.test'] });
      expect(server.messages.map((m) => m.recipients)).toEqual([['ops@fidus.test']]);
      expect(feed.items).toEqual([
        expect.objectContaining({
          severity: 'WARNING',
          text: expect.stringContaining('second@fidus.test was rejected'),
        }),
      ]);
    } finally {
      await server.stop();
    }
  });

  it('SMTP server down or deferring (421): a retryable failure, nothing raised in the feed', async () => {
    const server = await startSmtpServer({
      auth: { username: 'alerts@fidus.test', password: PASSWORD },
      down: true,
    });
    try {
      const { activities, feed, close } = setup(server);
      const down = await failureOf(activities.sendAlertEmail(critical));
      expect(down).toMatchObject({ type: 'AlertEmailDeferred', nonRetryable: false });
      expect(down.message).toMatch(/SMTP server unreachable/);
      close();

      await server.up();
      const deferring = await startSmtpServer({
        auth: { username: 'alerts@fidus.test', password: PASSWORD },
        failFirst: 1,
      });
      const second = setup(deferring);
      const deferred = await failureOf(second.activities.sendAlertEmail(critical));
      expect(deferred).toMatchObject({ type: 'AlertEmailDeferred', nonRetryable: false });
      await second.activities.sendAlertEmail(critical);
      second.close();
      await deferring.stop();
      expect(deferring.messages).toHaveLength(1);
      expect(feed.items).toEqual([]);
    } finally {
      await server.stop();
    }
  });

  it('no email and no log line holds the SMTP password, across every message type', async () => {
    const server = await startSmtpServer({ auth: { username: 'alerts@fidus.test', password: PASSWORD } });
    try {
      const { activities, lines, close } = setup(server);
      const events: AlertEvent[] = [
        critical,
        recovery,
        escalation,
        reminder,
        warning,
        { kind: 'test', targetId: 'mt5-bridge', at: critical.at },
      ];
      for (const event of events) await activities.sendAlertEmail(event);
      await activities.notifyInApp({
        severity: 'CRITICAL',
        targetId: 'mt5-bridge',
        text: 'MT5 Terminal NOT CONNECTED to broker - initiating auto-restart',
        at: critical.at,
      });
      close();
      const messages = await server.waitForMessages(events.length);
      expect(server.logins.every((l) => l.accepted)).toBe(true);
      for (const m of messages) expect(m.raw).not.toContain(PASSWORD);
      expect(messages.some((m) => m.raw.includes('[REDACTED]'))).toBe(false);
      expect(lines.length).toBeGreaterThan(events.length);
      for (const line of lines) expect(line).not.toContain(PASSWORD);
      expect(lines.map((l) => JSON.parse(l).msg)).toContain(
        'CRITICAL: MT5 Terminal NOT CONNECTED to broker - initiating auto-restart',
      );
    } finally {
      await server.stop();
    }
  });
});

test('a secret quoted by mistake in an event is redacted from the email and the in-app text', async () => {
  const server = await startSmtpServer({ auth: { username: 'alerts@fidus.test', password: PASSWORD } });
  try {
    const { activities, feed, close } = setup(server);
    await activities.sendAlertEmail({
      ...escalation,
      diagnosis: `GitHub refused token ${GITHUB_TOKEN} (401)`,
    });
    await activities.notifyInApp({
      severity: 'CRITICAL',
      targetId: 'mt5-bridge',
      text: `dispatch failed with ${GITHUB_TOKEN}`,
      at: critical.at,
    });
    close();
    const [message] = await server.waitForMessages(1);
    expect(message!.raw).not.toContain(GITHUB_TOKEN);
    expect(message!.mail.text).toContain('Diagnosis: GitHub refused token [REDACTED] (401)');
    expect(feed.items[0]!.text).toBe('dispatch failed with [REDACTED]');
  } finally {
    await server.stop();
  }
});
