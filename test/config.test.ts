import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { configFingerprint } from '../src/config/fingerprint';
import { loadConfig } from '../src/config/load-config';
import { configSecrets } from '../src/config/secrets';
import { formatDuration, parseDuration, formatDurationWords } from '../src/shared/duration';
import { MONITOR_HEARTBEAT_TIMEOUT_MS } from '../src/shared/monitor-policy';

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
    expect(target).toMatchObject({ id: 'mt5-bridge', expectedAccounts: 7, requireTradeAllowed: true, syncRateCritical: 0.2, probeTimeoutMs: 2000 });
    expect(policy).toMatchObject({
      checkIntervalMs: 5_000,
      confirmDelayMs: 2_000,
      verifyIntervalMs: 15_000,
      verifyTimeoutMs: 300_000,
      restartCooldownMs: 300_000,
      recoverySlaMs: 900_000,
      escalateAfter: 3,
      escalationWindowMs: 86_400_000,
      warningHoldMs: 120_000,
      warningGroupWaitMs: 30_000,
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

  it('reads WARNING_GROUP_WAIT as a duration, 30s by default, 0s for no wait', () => {
    expect(loadConfig({ WARNING_GROUP_WAIT: '1m' }).targets[0]?.policy.warningGroupWaitMs).toBe(60_000);
    expect(loadConfig({ WARNING_GROUP_WAIT: '0s' }).targets[0]?.policy.warningGroupWaitMs).toBe(0);
    expect(() => loadConfig({ WARNING_GROUP_WAIT: 'later' })).toThrow(/WARNING_GROUP_WAIT: expected a duration/);
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

  it('requires DASHBOARD_TOKEN when DASHBOARD_URL is public, even bound to loopback (a reverse proxy forwards to it)', () => {
    const refused = () => loadConfig({ DASHBOARD_HOST: '127.0.0.1', DASHBOARD_URL: 'https://health.fidus.example' });
    expect(refused).toThrow(/^DASHBOARD_TOKEN: required unless both DASHBOARD_HOST and DASHBOARD_URL are loopback/);
    expect(refused).toThrow(/DASHBOARD_HOST is 127\.0\.0\.1, DASHBOARD_URL's host is health\.fidus\.example/);
    const token = 't'.repeat(32);
    expect(loadConfig({ DASHBOARD_URL: 'https://health.fidus.example', DASHBOARD_TOKEN: token }).dashboard.url).toBe('https://health.fidus.example');
    // Both loopback: no token needed (only this machine's processes can call it).
    for (const url of ['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080', 'http://127.0.1.1:8080'])
      expect(loadConfig({ DASHBOARD_URL: url }).dashboard.url).toBe(url);
    expect(() => loadConfig({ DASHBOARD_HOST: '::1', DASHBOARD_URL: 'http://10.0.0.5:8080' })).toThrow(/DASHBOARD_TOKEN: required/);
  });

  describe('credentials in a URL are refused, never echoed', () => {
    const password = `pw-${Math.random().toString(36).slice(2)}`;
    it.each([
      ['MT5_BRIDGE_URL', `http://admin:${password}@92.118.45.135:8000`, /MT5_BRIDGE_URL: must not carry credentials.*RESTART_TOKEN/],
      ['RESTART_URL', `http://ops:${password}@92.118.45.135:8000/api/system/full-restart`, /RESTART_URL: must not carry credentials.*RESTART_TOKEN is sent .* as Authorization: Bearer/],
      ['GITHUB_API_URL', `https://x-access-token:${password}@api.github.com`, /GITHUB_API_URL: must not carry credentials.*GITHUB_TOKEN/],
      ['DASHBOARD_URL', `https://ops:${password}@health.fidus.example`, /DASHBOARD_URL: must not carry credentials/],
      ['MT5_BRIDGE_URL', `ftp://admin:${password}@host`, /MT5_BRIDGE_URL: expected an http\(s\) URL .*got "ftp:\/\/\*\*\*@host"/],
      ['MT5_BRIDGE_URL', `http://admin:${password}@bad host`, /MT5_BRIDGE_URL: expected an http\(s\) URL/],
    ])('%s=%s', (name, value, message) => {
      let text = '';
      try {
        loadConfig({ [name]: value, DASHBOARD_TOKEN: 't'.repeat(32) });
      } catch (err) {
        text = (err as Error).message;
      }
      expect(text).toMatch(message);
      expect(text).not.toContain(password);
    });

    it.each(['url', 'restartUrl'])('in AUTOHEAL_TARGETS_FILE (%s), naming the entry and field', (field) => {
      const url = `http://ops:${password}@10.0.0.1:8000`;
      const lines = ['targets:', '  - id: desk-a', field === 'url' ? `    url: ${url}` : '    url: http://10.0.0.1:8000'];
      if (field === 'restartUrl') lines.push(`    restartUrl: ${url}`);
      const yaml = `${lines.join('\n')}\n`;
      let text = '';
      try {
        loadConfig({ AUTOHEAL_TARGETS_FILE: 't.yaml' }, { readFile: () => yaml });
      } catch (err) {
        text = (err as Error).message;
      }
      expect(text).toMatch(new RegExp(`AUTOHEAL_TARGETS_FILE \\(t\\.yaml\\): targets\\.0\\.${field}: must not carry credentials`));
      expect(text).not.toContain(password);
    });
  });

  describe('a credential in a query string: only RESTART_URL may carry one (it never leaves the worker)', () => {
    const token = `adm-${Math.random().toString(36).slice(2)}`;
    it('RESTART_URL=<bridge>/api/admin/emergency-restart?token=… is accepted as it is, and called as it is', () => {
      const url = `http://92.118.45.135:8000/api/admin/emergency-restart?token=${token}`;
      const config = loadConfig({ MT5_BRIDGE_URL: 'http://92.118.45.135:8000', RESTART_URL: url });
      expect(config.remediation.method).toBe('webhook');
      expect(config.targets[0]?.restartUrl).toBe(url);
      // the target that travels through workflow arguments does not carry it
      expect(JSON.stringify(config.targets.map((t) => ({ target: t.target, policy: t.policy })))).not.toContain(token);
    });

    it.each([
      ['MT5_BRIDGE_URL', `http://92.118.45.135:8000?token=${token}`],
      ['GITHUB_API_URL', `https://api.github.com/?access_token=${token}`],
      ['DASHBOARD_URL', `https://health.fidus.example/?api_key=${token}`],
    ])('%s with a query credential is refused at start, naming the parameter and the rule, never the value', (name, value) => {
      let text = '';
      try {
        loadConfig({ [name]: value, DASHBOARD_TOKEN: 't'.repeat(32) });
      } catch (err) {
        text = (err as Error).message;
      }
      expect(text).toMatch(new RegExp(`${name}: must not carry a credential in its query string \\((token|access_token|api_key)=…\\).*Only RESTART_URL may carry one`));
      expect(text).not.toContain(token);
    });

    it('in AUTOHEAL_TARGETS_FILE, a url or restartUrl with ?token= is refused (tokens never go in that file)', () => {
      const yaml = `targets:\n  - id: desk-a\n    url: http://10.0.0.1:8000\n    restartUrl: http://10.0.0.1:8000/api/admin/emergency-restart?token=${token}\n`;
      expect(() => loadConfig({ AUTOHEAL_TARGETS_FILE: 't.yaml' }, { readFile: () => yaml })).toThrow(/targets\.0\.restartUrl: must not carry a credential in its query string/);
    });

    it('a query that carries no credential is fine', () => {
      expect(loadConfig({ DASHBOARD_URL: 'http://127.0.0.1:8080/?tenant=fidus' }).dashboard.url).toBe('http://127.0.0.1:8080/?tenant=fidus');
    });

    it('MT5_WARMUP_GRACE reaches the target (default 2 min; 0 turns the grace off)', () => {
      expect(loadConfig({}).targets[0]?.target.warmUpGraceMs).toBe(120_000);
      expect(loadConfig({ MT5_WARMUP_GRACE: '0s' }).targets[0]?.target.warmUpGraceMs).toBe(0);
      expect(() => loadConfig({ MT5_WARMUP_GRACE: 'soon' })).toThrow(/MT5_WARMUP_GRACE: expected/);
    });
  });

  it('allows plain-text SMTP only with the opt-in and a loopback SMTP_HOST', () => {
    expect(loadConfig({}).smtp.allowPlaintextLoopback).toBe(false);
    expect(loadConfig({ SMTP_HOST: '127.0.0.1', SMTP_ALLOW_PLAINTEXT_LOOPBACK: 'true' }).smtp.allowPlaintextLoopback).toBe(true);
    expect(() => loadConfig({ SMTP_ALLOW_PLAINTEXT_LOOPBACK: 'true' })).toThrow(
      /^SMTP_ALLOW_PLAINTEXT_LOOPBACK: allowed only with a relay on this machine, and SMTP_HOST \(smtp\.gmail\.com\) is not loopback/,
    );
  });

  describe('timings that cannot work', () => {
    it('derives the probe activity timeout from PROBE_TIMEOUT (two requests in a row, plus 5 s)', () => {
      expect(loadConfig({}).targets[0]?.policy.probeActivityTimeoutMs).toBe(9_000);
      expect(loadConfig({ PROBE_TIMEOUT: '4s' }).targets[0]?.policy.probeActivityTimeoutMs).toBe(13_000);
    });

    it('every PROBE_TIMEOUT the watch allows fits a confirming monitor run at any CHECK_INTERVAL (the heartbeat rule refuses first)', () => {
      for (const probe of ['1s', '2s', '3s', '4s'])
        for (const interval of ['1s', '5s', '15s', '1m', '10m']) expect(() => loadConfig({ PROBE_TIMEOUT: probe, CHECK_INTERVAL: interval, CONFIRM_DELAY: '1m' })).not.toThrow();
      expect(() => loadConfig({ PROBE_TIMEOUT: '12s' })).toThrow(/^PROBE_TIMEOUT \(12s\) cannot work with the watch/);
    });

    it("refuses CHECK_INTERVAL 65s with PROBE_TIMEOUT 60s: the watch's probe of a silent bridge would outlast its heartbeat timeout, and the fix follows the timeout", () => {
      const refused = () => loadConfig({ CHECK_INTERVAL: '65s', PROBE_TIMEOUT: '60s' });
      expect(refused).toThrow(
        `PROBE_TIMEOUT (1m) cannot work with the watch that probes every CHECK_INTERVAL (1m5s) under a heartbeat timeout of ${formatDuration(MONITOR_HEARTBEAT_TIMEOUT_MS)}.`,
      );
      expect(refused).toThrow(/Rule: 2 × PROBE_TIMEOUT \+ 5s must be less than the watch's heartbeat timeout/);
      expect(refused).toThrow(/a powered-off VPS would never raise an incident/);
      // The largest PROBE_TIMEOUT the fix names, from the heartbeat timeout: it starts, one second more does not.
      const fixMs = Math.floor((MONITOR_HEARTBEAT_TIMEOUT_MS - 5_001) / 2 / 1000) * 1000;
      expect(refused).toThrow(`Fix: lower PROBE_TIMEOUT to at most ${formatDuration(fixMs)}.`);
      expect(loadConfig({ CHECK_INTERVAL: '65s', PROBE_TIMEOUT: formatDuration(fixMs) }).targets[0]?.target.probeTimeoutMs).toBe(fixMs);
      expect(() => loadConfig({ CHECK_INTERVAL: '65s', PROBE_TIMEOUT: formatDuration(fixMs + 1000) })).toThrow(/heartbeat timeout/);
    });

    it('refuses a probe that cannot finish within VERIFY_TIMEOUT', () => {
      expect(() => loadConfig({ PROBE_TIMEOUT: '4s', VERIFY_TIMEOUT: '12s' })).toThrow(
        /^PROBE_TIMEOUT \(4s\) and VERIFY_TIMEOUT \(12s\) cannot work together\. Rule: 2 × PROBE_TIMEOUT \+ 5s must be less than VERIFY_TIMEOUT/,
      );
    });

    it('names the target whose overrides in AUTOHEAL_TARGETS_FILE cannot work', () => {
      const yaml = 'targets:\n  - id: desk-a\n    url: http://10.0.0.1:8000\n  - id: desk-b\n    url: http://10.0.0.2:8000\n    probeTimeout: 30s\n';
      expect(() => loadConfig({ AUTOHEAL_TARGETS_FILE: 't.yaml' }, { readFile: () => yaml })).toThrow(
        /^target desk-b \(AUTOHEAL_TARGETS_FILE targets\.1\): PROBE_TIMEOUT \(30s\)/,
      );
    });
  });

  it('reads MT5_BRIDGE_TIMEZONE as an IANA zone (default UTC), per target overridable', () => {
    expect(loadConfig({}).targets[0]?.target.bridgeTimeZone).toBe('UTC');
    expect(loadConfig({ MT5_BRIDGE_TIMEZONE: 'Europe/Athens' }).targets[0]?.target.bridgeTimeZone).toBe('Europe/Athens');
    expect(() => loadConfig({ MT5_BRIDGE_TIMEZONE: 'Mars/Olympus_Mons' })).toThrow(
      /^MT5_BRIDGE_TIMEZONE: expected an IANA time zone name such as UTC, Europe\/Athens or America\/New_York, got "Mars\/Olympus_Mons"/,
    );
    const yaml = 'targets:\n  - id: desk-a\n    url: http://10.0.0.1:8000\n    timezone: Asia/Nicosia\n  - id: desk-b\n    url: http://10.0.0.2:8000\n    timezone: Nowhere/Special\n';
    expect(() => loadConfig({ AUTOHEAL_TARGETS_FILE: 't.yaml' }, { readFile: () => yaml })).toThrow(/targets\.1\.timezone: expected an IANA time zone name/);
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
    ['MT5_BRIDGE_TIMEZONE', 'Mars/Olympus_Mons'],
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

describe('start-up refuses what would expose the dashboard or leak a password', () => {
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, [resolve(root, 'bin/autoheal.js'), 'worker'], {
      // Nothing listens on port 1: should the configuration be accepted, the worker fails fast.
      env: { PATH: process.env.PATH, TEMPORAL_ADDRESS: '127.0.0.1:1', ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('exits 2 naming DASHBOARD_TOKEN, DASHBOARD_HOST and DASHBOARD_URL for a public DASHBOARD_URL without a token', () => {
    const result = run({ DASHBOARD_URL: 'https://health.fidus.example' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('configuration refused: DASHBOARD_TOKEN:');
    for (const name of ['DASHBOARD_HOST', 'DASHBOARD_URL']) expect(result.stderr).toContain(name);
  });

  it('exits 2 on timings that cannot work, with the rule', () => {
    const result = run({ PROBE_TIMEOUT: '4s', VERIFY_TIMEOUT: '12s' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('configuration refused: PROBE_TIMEOUT (4s) and VERIFY_TIMEOUT (12s) cannot work together. Rule:');
  });

  it("exits 2 on CHECK_INTERVAL 65s with PROBE_TIMEOUT 60s, naming the watch's heartbeat timeout and the fix", () => {
    const result = run({ CHECK_INTERVAL: '65s', PROBE_TIMEOUT: '60s' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('configuration refused: PROBE_TIMEOUT (1m) cannot work with the watch that probes every CHECK_INTERVAL (1m5s)');
    expect(result.stderr).toContain('Fix: lower PROBE_TIMEOUT to at most');
  });

  it('exits 2 on a bridge URL with a password, which appears in no output', () => {
    const password = `pw-${Math.random().toString(36).slice(2)}`;
    const result = run({ MT5_BRIDGE_URL: `http://admin:${password}@127.0.0.1:1`, RESTART_URL: `http://ops:${password}@127.0.0.1:1/restart` });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('configuration refused: MT5_BRIDGE_URL: must not carry credentials');
    expect(result.stderr).toContain('RESTART_URL: must not carry credentials');
    expect(`${result.stdout}${result.stderr}`).not.toContain(password);
  });
});

describe('several targets: every target names its own restart route', () => {
  const TOKEN_A = 'restart-token-of-desk-a-0123456789';
  const TOKEN_B = 'restart-token-of-desk-b-9876543210';
  const twoTargets = (a: string[] = [], b: string[] = []) =>
    ['targets:', '  - id: desk-a', '    url: http://10.0.0.1:8000', ...a, '  - id: desk-b', '    url: http://10.0.0.2:8000', ...b].join('\n');
  const routed = twoTargets(
    ['    restartUrl: http://10.0.0.1:8000/api/system/full-restart', '    restartTokenEnv: RESTART_TOKEN_DESK_A'],
    ['    restartUrl: http://10.0.0.2:8000/api/system/full-restart', '    restartTokenEnv: RESTART_TOKEN_DESK_B'],
  );
  const load = (yaml: string, env: Record<string, string> = {}) =>
    loadConfig({ AUTOHEAL_TARGETS_FILE: 'targets.yaml', ...env }, { readFile: () => yaml });

  it('webhook: a target without restartUrl is refused, not sent to RESTART_URL, with the rule', () => {
    const yaml = twoTargets(['    restartUrl: http://10.0.0.1:8000/api/system/full-restart']);
    expect(() => load(yaml, { REMEDIATION: 'webhook', RESTART_URL: 'http://10.0.0.1:8000/api/system/full-restart' })).toThrow(
      /with several targets \(desk-a, desk-b\) every target names its own restart route, and desk-b has no restartUrl: RESTART_URL is one VPS's endpoint and is never used as a fallback\. Rule: give each target restartUrl .* and restartTokenEnv/,
    );
  });

  it('webhook: each target gets its own URL and the token of the variable it names; the tokens stay out of the fingerprint', () => {
    const config = load(routed, { REMEDIATION: 'webhook', RESTART_TOKEN_DESK_A: TOKEN_A, RESTART_TOKEN_DESK_B: TOKEN_B });
    expect(config.targets.map((t) => [t.target.id, t.restartUrl, t.restartTokenEnv])).toEqual([
      ['desk-a', 'http://10.0.0.1:8000/api/system/full-restart', 'RESTART_TOKEN_DESK_A'],
      ['desk-b', 'http://10.0.0.2:8000/api/system/full-restart', 'RESTART_TOKEN_DESK_B'],
    ]);
    expect(config.remediation.webhook.targetTokens).toEqual({ 'desk-a': TOKEN_A, 'desk-b': TOKEN_B });
    expect(configSecrets(config)).toEqual(expect.arrayContaining([TOKEN_A, TOKEN_B]));
    const rotated = load(routed, { REMEDIATION: 'webhook', RESTART_TOKEN_DESK_A: 'another-token-aaaaaaaa', RESTART_TOKEN_DESK_B: TOKEN_B });
    expect(configFingerprint(rotated)).toBe(configFingerprint(config));
    expect(JSON.stringify(config.targets)).not.toContain(TOKEN_A);
  });

  it('webhook: a named token variable that is not set is refused, naming the target and the variable', () => {
    expect(() => load(routed, { REMEDIATION: 'webhook', RESTART_TOKEN_DESK_A: TOKEN_A })).toThrow(
      /the restart token variable of desk-b \(RESTART_TOKEN_DESK_B\) is not set in the worker's environment/,
    );
  });

  it('webhook: RESTART_TOKEN is never sent to every VPS: refused while a target names no restartTokenEnv, shared only when named', () => {
    const urls = twoTargets(
      ['    restartUrl: http://10.0.0.1:8000/api/system/full-restart'],
      ['    restartUrl: http://10.0.0.2:8000/api/system/full-restart'],
    );
    expect(() => load(urls, { REMEDIATION: 'webhook', RESTART_TOKEN: TOKEN_A })).toThrow(
      /RESTART_TOKEN: with several targets it is not sent to every VPS, and desk-a, desk-b name no restartTokenEnv/,
    );
    // no token anywhere: each restart goes without Authorization (a URL may carry its own ?token=)
    expect(load(urls, { REMEDIATION: 'webhook' }).remediation.webhook.targetTokens).toEqual({});
    const shared = twoTargets(
      ['    restartUrl: http://10.0.0.1:8000/api/system/full-restart', '    restartTokenEnv: RESTART_TOKEN'],
      ['    restartUrl: http://10.0.0.2:8000/api/system/full-restart', '    restartTokenEnv: RESTART_TOKEN'],
    );
    expect(load(shared, { REMEDIATION: 'webhook', RESTART_TOKEN: TOKEN_A }).remediation.webhook.targetTokens).toEqual({ 'desk-a': TOKEN_A, 'desk-b': TOKEN_A });
  });

  it('a lone target keeps RESTART_URL and RESTART_TOKEN as its route', () => {
    const config = loadConfig({ MT5_BRIDGE_URL: 'http://10.0.0.1:8000', RESTART_URL: 'http://10.0.0.1:8000/api/system/full-restart', RESTART_TOKEN: TOKEN_A });
    expect(config.targets[0]?.restartUrl).toBe('http://10.0.0.1:8000/api/system/full-restart');
    expect(config.remediation.webhook.targetTokens).toEqual({ 'mt5-bridge': TOKEN_A });
  });

  it('github: several targets are refused unless GITHUB_ROUTES_BY_TARGET says the workflow routes by client_payload.target', () => {
    const github = { GITHUB_TOKEN: 'ghp' + '_routesTestToken0123456789abcdefghij', GITHUB_REPOSITORY: 'o/r' };
    expect(() => load(twoTargets(), github)).toThrow(
      /GITHUB_ROUTES_BY_TARGET: with several targets \(desk-a, desk-b\) each restart must reach its own VPS.*Rule: the workflow picks the VPS URL and token by client_payload\.target/,
    );
    const config = load(twoTargets(), { ...github, GITHUB_ROUTES_BY_TARGET: 'true' });
    expect(config.remediation.github.routesByTarget).toBe(true);
    // one target: nothing to route
    expect(loadConfig({ MT5_BRIDGE_URL: 'http://10.0.0.1:8000', ...github }).remediation.github.routesByTarget).toBe(false);
  });

  it('start-up exits 2 with the rule for several targets where one would fall back to RESTART_URL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'autoheal-routes-'));
    const file = join(dir, 'targets.yaml');
    writeFileSync(file, twoTargets(['    restartUrl: http://10.0.0.1:8000/api/system/full-restart']));
    const result = spawnSync(process.execPath, [resolve(root, 'bin/autoheal.js'), 'worker'], {
      env: { PATH: process.env.PATH, TEMPORAL_ADDRESS: '127.0.0.1:1', AUTOHEAL_TARGETS_FILE: file, RESTART_URL: 'http://10.0.0.1:8000/api/system/full-restart' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('configuration refused: AUTOHEAL_TARGETS_FILE');
    expect(result.stderr).toContain('desk-b has no restartUrl');
    expect(result.stderr).toContain('Rule: give each target restartUrl');
  });
});
