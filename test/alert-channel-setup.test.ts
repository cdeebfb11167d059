/**
 * Setting up the alert channels: the variables and ALERT_ROUTES as loadConfig reads them (never
 * echoing a secret), `autoheal test-alert --channel`, and doctor's line per channel, against the
 * loopback doubles of test/helpers/channel-doubles.ts.
 */
import { Command } from 'commander';
import { checkChannels } from '../src/cli/doctor-checks/channel-checks';
import { registerTestAlertCommand } from '../src/cli/commands/test-alert';
import { loadConfig } from '../src/config/load-config';
import { createPagerDutyDouble, createSlackDouble, createTelegramDouble } from './helpers/channel-doubles';

const SLACK_PATH = '/services/T0SETUP001/B0SETUP002/setupSlackSecret0123456789';
const TELEGRAM_TOKEN = '987654321:setupTelegramTokenABCDEFGHIJKLMNOPQRS';
const ROUTING_KEY = 'setupRoutingKey0123456789abcdefgh';

describe('configuration', () => {
  test('with no channel variable set there are no channels and no routes: alerts go by email and in-app as before', () => {
    expect(loadConfig({}).channels).toEqual({ routes: {} });
  });

  test('each configured channel gets what email gets by default, PagerDuty the CRITICAL incidents only; ALERT_ROUTES overrides per channel', () => {
    const base = { SLACK_WEBHOOK_URL: `https://hooks.slack.com${SLACK_PATH}`, PAGERDUTY_ROUTING_KEY: ROUTING_KEY, TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN, TELEGRAM_CHAT_ID: '-100123' };
    expect(loadConfig(base).channels?.routes).toEqual({ slack: ['critical', 'warning'], telegram: ['critical', 'warning'], pagerduty: ['critical'] });
    expect(loadConfig({ ...base, ALERT_ROUTES: 'telegram=critical; slack=none' }).channels?.routes).toEqual({ telegram: ['critical'], pagerduty: ['critical'] });
  });

  test.each([
    ['ALERT_ROUTES=sms=critical', { ALERT_ROUTES: 'sms=critical' }, /unknown channel "sms"/],
    ['ALERT_ROUTES=slack=urgent', { ALERT_ROUTES: 'slack=urgent', SLACK_WEBHOOK_URL: 'https://hooks.slack.com/x' }, /unknown class "urgent"/],
    ['a route to a channel not configured', { ALERT_ROUTES: 'pagerduty=critical' }, /routes alerts to pagerduty, which is not configured/],
    ['a bot token without a chat', { TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN }, /TELEGRAM_CHAT_ID: required/],
  ])('%s is refused with what to fix', (_name, env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  test('a malformed bot token or routing key, or a plain-http Slack URL off this machine, is refused without echoing the value', () => {
    const cases = [
      { TELEGRAM_BOT_TOKEN: 'not-a-token-but-secret-123', TELEGRAM_CHAT_ID: '1' },
      { PAGERDUTY_ROUTING_KEY: 'short!secret' },
      { SLACK_WEBHOOK_URL: `http://hooks.slack.com${SLACK_PATH}` },
    ];
    for (const env of cases) {
      const secret = Object.values(env)[0] as string;
      let message = '';
      try {
        loadConfig(env);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/the value is not shown/);
      expect(message).not.toContain(secret);
      expect(message).not.toContain('setupSlackSecret');
    }
  });
});

describe('autoheal test-alert --channel and doctor', () => {
  let output: string[];
  const spies: jest.SpyInstance[] = [];
  beforeEach(() => {
    output = [];
    process.exitCode = undefined;
    spies.push(
      jest.spyOn(console, 'log').mockImplementation((line: string) => void output.push(line)),
      jest.spyOn(console, 'error').mockImplementation((line: string) => void output.push(line)),
    );
  });
  afterEach(() => {
    for (const spy of spies.splice(0)) spy.mockRestore();
    process.exitCode = undefined;
  });

  async function testAlert(env: Record<string, string>, channel: string): Promise<string> {
    const program = new Command().exitOverride();
    registerTestAlertCommand(program, { loadConfig: () => loadConfig(env) });
    await program.parseAsync(['node', 'autoheal', 'test-alert', '--channel', channel]);
    return output.join('\n');
  }

  test('test-alert --channel telegram posts the test alert to the chat and prints the answer; a wrong token fails, exit 1, without printing it', async () => {
    const telegram = await createTelegramDouble(TELEGRAM_TOKEN);
    try {
      const env = { TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN, TELEGRAM_CHAT_ID: '-100123', TELEGRAM_API_URL: telegram.apiUrl };
      const printed = await testAlert(env, 'telegram');
      expect(printed).toContain('✅ Test alert sent to telegram: HTTP 200 (message 1)');
      expect(telegram.accepted[0]?.json).toMatchObject({ chat_id: '-100123', text: expect.stringContaining('FIDUS MT5 test alert') });
      expect(process.exitCode).toBeUndefined();

      const wrong = '987654321:wrongTelegramTokenABCDEFGHIJKLMNOPQRS';
      const failed = await testAlert({ ...env, TELEGRAM_BOT_TOKEN: wrong }, 'telegram');
      expect(failed).toContain('❌ test alert not sent to telegram: telegram answered HTTP 401');
      expect(failed).not.toContain(wrong);
      expect(process.exitCode).toBe(1);
    } finally {
      await telegram.close();
    }
  });

  test('test-alert --channel slack when Slack is not configured names the variable to set', async () => {
    expect(await testAlert({}, 'slack')).toContain('❌ test alert not sent to slack: slack is not configured: set SLACK_WEBHOOK_URL');
    expect(process.exitCode).toBe(1);
  });

  test('doctor shows each channel with what it gets and no secret; with --test-channels it sends a test alert to each, and the PagerDuty test page is resolved at once', async () => {
    const [slack, pagerduty] = await Promise.all([createSlackDouble(SLACK_PATH), createPagerDutyDouble(ROUTING_KEY)]);
    try {
      const config = loadConfig({ SLACK_WEBHOOK_URL: slack.url, PAGERDUTY_ROUTING_KEY: ROUTING_KEY, PAGERDUTY_EVENTS_URL: pagerduty.eventsUrl });
      const shape = await checkChannels(config, { timeoutMs: 5_000 });
      expect(shape.map((c) => [c.name, c.ok])).toEqual([['alert channel slack', true], ['alert channel pagerduty', true]]);
      expect(shape[0]?.detail).toContain(`Slack incoming webhook at ${slack.origin}/…; gets critical and warning (not sent`);
      expect(slack.received).toHaveLength(0);

      const live = await checkChannels(config, { send: true, timeoutMs: 5_000 });
      expect(live.every((c) => c.ok)).toBe(true);
      expect(pagerduty.incidents).toEqual([expect.objectContaining({ status: 'resolved', actions: ['trigger', 'resolve'] })]);
      expect(slack.accepted).toHaveLength(1);
      const text = JSON.stringify([shape, live]);
      for (const secret of [SLACK_PATH, 'setupSlackSecret0123456789', ROUTING_KEY]) expect(text).not.toContain(secret);
    } finally {
      await Promise.all([slack.close(), pagerduty.close()]);
    }
  });
});
