import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { loadConfig } from '../src/config/load-config';
import { parseDuration, formatDurationWords } from '../src/shared/duration';

const root = resolve(__dirname, '..');

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['15s', 15_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['24h', 86_400_000],
  ])('reads %s as %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['abc', '15', '', '5 minutes', '-1s'])('refuses %p', (text) => expect(parseDuration(text)).toBeUndefined());

  it('writes recovery times the way the runbook does', () => {
    expect(formatDurationWords(263_000)).toBe('4 minutes 23 seconds');
    expect(formatDurationWords(61_000)).toBe('1 minute 1 second');
    expect(formatDurationWords(9_000)).toBe('9 seconds');
  });
});

describe('loadConfig', () => {
  it('applies the documented defaults to one target, mt5-bridge, in demo mode', () => {
    const config = loadConfig({});
    expect(config.demo).toBe(true);
    expect(config.targets).toHaveLength(1);
    const [{ target, policy }] = config.targets as [(typeof config.targets)[0]];
    expect(target).toMatchObject({ id: 'mt5-bridge', expectedAccounts: 7, requireTradeAllowed: true, syncRateCritical: 0.2, probeTimeoutMs: 5000 });
    expect(policy).toMatchObject({
      checkIntervalMs: 15_000,
      verifyIntervalMs: 15_000,
      verifyTimeoutMs: 300_000,
      restartCooldownMs: 300_000,
      recoverySlaMs: 900_000,
      escalateAfter: 3,
      escalationWindowMs: 86_400_000,
      warningHoldMs: 120_000,
      remediation: 'none',
    });
    expect(config.temporal).toMatchObject({ address: undefined, namespace: 'default', taskQueue: 'autoheal' });
    expect(config.smtp).toMatchObject({ host: 'smtp.gmail.com', port: 587, secure: false });
    expect(config.dashboard).toMatchObject({ host: '127.0.0.1', port: 8080, url: 'http://127.0.0.1:8080' });
    expect(config.remediation.reason).toMatch(/GITHUB_TOKEN/);
  });

  it('chooses github when GITHUB_TOKEN is set, webhook when only RESTART_URL is', () => {
    expect(loadConfig({ GITHUB_TOKEN: 'x'.repeat(40), GITHUB_REPOSITORY: 'o/r' }).remediation.method).toBe('github');
    expect(loadConfig({ RESTART_URL: 'http://127.0.0.1:9/api/system/full-restart' }).remediation.method).toBe('webhook');
  });

  it('reads WARNING_HOLD as a duration, 0s turning the hold off', () => {
    expect(loadConfig({ WARNING_HOLD: '45s' }).targets[0]?.policy.warningHoldMs).toBe(45_000);
    expect(loadConfig({ WARNING_HOLD: '0s' }).targets[0]?.policy.warningHoldMs).toBe(0);
    expect(() => loadConfig({ WARNING_HOLD: 'soon' })).toThrow(/WARNING_HOLD: expected a duration/);
    expect(() => loadConfig({ CHECK_INTERVAL: '0s' })).toThrow(/CHECK_INTERVAL: expected a duration/);
  });

  it('reads flags as words, never as truthy strings', () => {
    expect(loadConfig({ MT5_REQUIRE_TRADE_ALLOWED: 'false' }).targets[0]?.target.requireTradeAllowed).toBe(false);
    expect(() => loadConfig({ MT5_REQUIRE_TRADE_ALLOWED: 'nope' })).toThrow(/MT5_REQUIRE_TRADE_ALLOWED: expected true or false/);
  });

  it.each([
    ['CHECK_INTERVAL', 'abc', /CHECK_INTERVAL: expected a duration such as 500ms, 15s/],
    ['SYNC_RATE_CRITICAL', '2', /SYNC_RATE_CRITICAL: expected a fraction from 0 to 1/],
    ['MT5_BRIDGE_URL', 'not a url', /MT5_BRIDGE_URL: expected an http\(s\) URL/],
    ['MT5_BRIDGE_URL', 'ftp://host', /MT5_BRIDGE_URL: expected an http\(s\) URL/],
    ['ESCALATE_AFTER', '0', /ESCALATE_AFTER: expected a whole number from 1/],
    ['SMTP_PORT', '99999', /SMTP_PORT/],
    ['ALERT_RECIPIENT_EMAIL', 'ops@fidus.example, nobody', /ALERT_RECIPIENT_EMAIL: expected comma-separated email addresses/],
    ['TEMPORAL_ADDRESS', 'http://x', /TEMPORAL_ADDRESS: expected host:port/],
  ])('refuses %s=%p, naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('requires GITHUB_REPOSITORY with a GitHub token, and never echoes the token', () => {
    const token = 'ghp_' + 'a'.repeat(36);
    let message = '';
    try {
      loadConfig({ GITHUB_TOKEN: token });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/GITHUB_REPOSITORY: required/);
    expect(message).not.toContain(token);
  });

  it('requires DASHBOARD_TOKEN when the dashboard leaves loopback', () => {
    expect(() => loadConfig({ DASHBOARD_HOST: '0.0.0.0' })).toThrow(/DASHBOARD_TOKEN: required/);
    expect(loadConfig({ DASHBOARD_HOST: '0.0.0.0', DASHBOARD_TOKEN: 't'.repeat(32) }).dashboard.host).toBe('0.0.0.0');
  });

  it('reads several targets with their overrides from AUTOHEAL_TARGETS_FILE', () => {
    const yaml = [
      'targets:',
      '  - id: desk-a',
      '    url: http://10.0.0.1:8000/',
      '    accounts: [886557, "886066"]',
      '    zeroBalanceOk: [891215]',
      '    requireTradeAllowed: false',
      '    checkInterval: 5s',
      '  - id: desk-b',
      '    url: https://bridge-b.example',
    ].join('\n');
    const config = loadConfig({ AUTOHEAL_TARGETS_FILE: 'targets.yaml', CHECK_INTERVAL: '30s' }, { readFile: () => yaml });
    expect(config.demo).toBe(false);
    expect(config.targets.map((t) => t.target.id)).toEqual(['desk-a', 'desk-b']);
    const [a, b] = config.targets;
    expect(a?.target).toMatchObject({ url: 'http://10.0.0.1:8000', accounts: ['886557', '886066'], expectedAccounts: 2, zeroBalanceOk: ['891215'], requireTradeAllowed: false });
    expect(a?.policy.checkIntervalMs).toBe(5000);
    expect(b?.policy.checkIntervalMs).toBe(30_000);
  });

  it('names the entry and field of a bad targets file', () => {
    const yaml = 'targets:\n  - id: Desk A\n    url: http://x\n    checkInterval: soon\n';
    expect(() => loadConfig({ AUTOHEAL_TARGETS_FILE: 't.yaml' }, { readFile: () => yaml })).toThrow(/AUTOHEAL_TARGETS_FILE \(t\.yaml\): targets\.0\.id: .*targets\.0\.checkInterval: expected a duration/);
  });
});

describe('the autoheal command with a bad configuration', () => {
  it.each([
    ['CHECK_INTERVAL', 'abc'],
    ['SYNC_RATE_CRITICAL', '2'],
    ['MT5_BRIDGE_URL', 'http//bridge:8000'],
  ])('exits non-zero naming %s', (name, value) => {
    const run = spawnSync(process.execPath, [resolve(root, 'bin/autoheal.js'), 'worker'], {
      env: { PATH: process.env.PATH, [name]: value },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`configuration refused: ${name}:`);
  });
});
