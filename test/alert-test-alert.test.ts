/**
 * `autoheal test-alert` and `checkSmtp` (what `autoheal doctor` calls) against a real SMTP
 * server on loopback; the shared alert rules (retry policy, WARNING condition keys).
 */
import { Command } from 'commander';
import { checkSmtp } from '../src/activities/alerts';
import { registerTestAlertCommand } from '../src/cli/commands/test-alert';
import { loadConfig } from '../src/config/load-config';
import { warningConditions } from '../src/shared/alert-conditions';
import { ALERT_EMAIL_ACTIVITY_OPTIONS, ALERT_EMAIL_RETRY } from '../src/shared/alert-policy';
import { AlertsUndeliverableError } from '../src/shared/errors';
import { startSmtpServer, type TestSmtpServer } from './helpers/smtp';

const PASSWORD = 'app-pw-test-alert-9f3k';

const configFor = (server: TestSmtpServer, env: Record<string, string> = {}) =>
  loadConfig({
    SMTP_HOST: server.host,
    SMTP_PORT: String(server.port),
    SMTP_USERNAME: 'alerts@fidus.test',
    SMTP_APP_PASSWORD: PASSWORD,
    ALERT_RECIPIENT_EMAIL: 'ops@fidus.test,second@fidus.test',
    DASHBOARD_URL: 'https://fidus.example.test',
    // A public DASHBOARD_URL needs a token; the test relay on loopback speaks plain text.
    DASHBOARD_TOKEN: ['dashboard', 'token', process.pid, 'test-alert'].join('-'),
    SMTP_ALLOW_PLAINTEXT_LOOPBACK: 'true',
    ...env,
  });

async function runTestAlert(config: ReturnType<typeof loadConfig>, args: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  const error = jest.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
  const program = new Command('autoheal').exitOverride();
  registerTestAlertCommand(program, { loadConfig: () => config });
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'autoheal', 'test-alert', ...args]);
    return { out, err, exitCode: process.exitCode };
  } finally {
    process.exitCode = undefined;
    log.mockRestore();
    error.mockRestore();
  }
}

describe('autoheal test-alert', () => {
  let server: TestSmtpServer;
  afterEach(() => server.stop());

  it("sends the test email and prints the SMTP server's answer per recipient", async () => {
    server = await startSmtpServer({ auth: { username: 'alerts@fidus.test', password: PASSWORD } });
    const { out, err, exitCode } = await runTestAlert(configFor(server));
    expect(exitCode).toBeUndefined();
    expect(err).toEqual([]);
    expect(out.slice(0, 2)).toEqual([
      `✅ Email alert sent to ops@fidus.test: ${server.host}:${server.port} answered "250 Message queued as test"`,
      `✅ Email alert sent to second@fidus.test: ${server.host}:${server.port} answered "250 Message queued as test"`,
    ]);
    const [message] = await server.waitForMessages(1);
    expect(message!.mail.subject).toBe('FIDUS MT5 test alert');
    expect(message!.recipients).toEqual(['ops@fidus.test', 'second@fidus.test']);
    expect(message!.mail.text).toContain('View System Health: https://fidus.example.test/system-health');
  });

  it('--to overrides the recipients', async () => {
    server = await startSmtpServer();
    await runTestAlert(configFor(server, { SMTP_USERNAME: '', SMTP_APP_PASSWORD: '' }), [
      '--to',
      'me@fidus.test',
    ]);
    const [message] = await server.waitForMessages(1);
    expect(message!.recipients).toEqual(['me@fidus.test']);
  });

  it('login refused: exits non-zero and says what to fix, without the password', async () => {
    server = await startSmtpServer({ auth: { username: 'alerts@fidus.test', password: 'another' } });
    const { out, err, exitCode } = await runTestAlert(configFor(server));
    expect(exitCode).toBe(1);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(
      /^❌ test alert not sent via 127\.0\.0\.1:\d+: SMTP login refused .*535.*SMTP_APP_PASSWORD/,
    );
    expect(err[0]).not.toContain(PASSWORD);
  });

  it('SMTP server down: exits non-zero with the reason', async () => {
    server = await startSmtpServer({ down: true });
    const { err, exitCode } = await runTestAlert(configFor(server));
    expect(exitCode).toBe(1);
    expect(err[0]).toMatch(/SMTP server unreachable .*ECONNREFUSED/);
  });
});

describe('checkSmtp (for autoheal doctor)', () => {
  let server: TestSmtpServer;
  afterEach(() => server.stop());

  it('passes when the login works', async () => {
    server = await startSmtpServer({ auth: { username: 'alerts@fidus.test', password: PASSWORD } });
    const check = await checkSmtp(configFor(server).smtp);
    expect(check).toEqual({
      ok: true,
      detail: `SMTP ${server.host}:${server.port} answers, logged in as alerts@fidus.test; alerts go to ops@fidus.test, second@fidus.test`,
    });
  });

  it('fails with the fix when the login is refused, without the password', async () => {
    server = await startSmtpServer({ auth: { username: 'alerts@fidus.test', password: 'another' } });
    const check = await checkSmtp(configFor(server).smtp);
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/SMTP login refused .*check SMTP_USERNAME and SMTP_APP_PASSWORD/);
    expect(check.detail).not.toContain(PASSWORD);
  });

  it('fails when nobody would receive alerts', async () => {
    server = await startSmtpServer();
    const check = await checkSmtp(configFor(server, { ALERT_RECIPIENT_EMAIL: '' }).smtp);
    expect(check).toEqual({
      ok: false,
      detail: expect.stringContaining('no alert recipients configured: set ALERT_RECIPIENT_EMAIL'),
    });
  });

  it('fails when the server is unreachable', async () => {
    server = await startSmtpServer({ down: true });
    const check = await checkSmtp(configFor(server).smtp);
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/SMTP server unreachable/);
  });
});

describe('alert rules shared with the workflows', () => {
  it('retries alert emails with backoff for 24 h and never retries an undeliverable alert', () => {
    expect(ALERT_EMAIL_RETRY).toEqual({
      initialInterval: 5_000, // 5 s
      backoffCoefficient: 2,
      maximumInterval: 600_000, // 10 min
      nonRetryableErrorTypes: [AlertsUndeliverableError.name],
    });
    expect(ALERT_EMAIL_ACTIVITY_OPTIONS.scheduleToCloseTimeout).toBe('24h');
  });

  it('keys WARNING conditions by what is wrong: one per account, one for live zero balances', () => {
    const conditions = warningConditions({
      checks: [
        { check: 'bridge', status: 'ok', evidence: 'answered' },
        {
          check: 'account',
          status: 'warn',
          evidence: '2 accounts failed to sync: 886557, 886602',
          accounts: ['886557', '886602'],
        },
        {
          check: 'balances',
          status: 'warn',
          evidence: 'Every account reads a live $0 (money moved); no restart',
        },
        { check: 'sync_rate', status: 'fail', evidence: 'sync rate 0%' },
      ],
    });
    expect(conditions.map((c) => c.key)).toEqual(['account:886557', 'account:886602', 'balances:live_zeros']);
    expect(conditions[2]!.issue).toBe('Every account reads a live $0 (money moved); no restart');
  });

  it('month end (every account at a live $0) is one condition, not one per account', () => {
    const accounts = ['886550', '886551', '886552'];
    const conditions = warningConditions({
      checks: [
        {
          check: 'balances',
          status: 'warn',
          evidence: 'All 3 accounts read $0 from fresh live data: money moved',
          accounts,
        },
        { check: 'account', status: 'warn', evidence: '3 accounts read an unexpected $0 (live)', accounts },
      ],
    });
    expect(conditions).toEqual([
      { key: 'balances:live_zeros', issue: 'All 3 accounts read $0 from fresh live data: money moved' },
    ]);
  });
});
