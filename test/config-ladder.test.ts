/**
 * REMEDIATION_LADDER and a target's `ladder`: the rungs, their verification windows and spacing,
 * the reinit rung's admin token kept in the worker's environment, and the errors that name the
 * variable and the fix.
 */
import { configFingerprint } from '../src/config/fingerprint';
import { loadConfig } from '../src/config/load-config';
import { configSecrets } from '../src/config/secrets';

const BRIDGE = { MT5_BRIDGE_URL: 'http://10.0.0.1:8000', GITHUB_TOKEN: 'ghp_test_token_0123456789', GITHUB_REPOSITORY: 'owner/repo' };
const ADMIN_TOKEN = 'admin-secret-token-of-desk-a-42';

describe('REMEDIATION_LADDER', () => {
  it('unset, the policy is what it was: no ladder (today’s single full restart), same fingerprint as REMEDIATION_LADDER=full-restart', () => {
    const config = loadConfig(BRIDGE);
    expect(config.targets[0]?.policy.ladder).toBeUndefined();
    const explicit = loadConfig({ ...BRIDGE, REMEDIATION_LADDER: 'full-restart,people' });
    expect(explicit.targets[0]?.policy.ladder).toBeUndefined();
    expect(configFingerprint(explicit)).toBe(configFingerprint(config));
  });

  it('reinit,full-restart gives each rung its window and spacing: reinit REINIT_VERIFY_TIMEOUT (60 s) and REINIT_COOLDOWN (1 min), full-restart VERIFY_TIMEOUT and RESTART_COOLDOWN', () => {
    const config = loadConfig({ ...BRIDGE, REMEDIATION_LADDER: 'reinit, full-restart', REINIT_TOKEN: ADMIN_TOKEN });
    expect(config.targets[0]?.policy.ladder).toEqual([
      { rung: 'reinit', verifyTimeoutMs: 60_000, cooldownMs: 60_000 },
      { rung: 'full-restart', verifyTimeoutMs: 5 * 60_000, cooldownMs: 5 * 60_000 },
    ]);
    expect(config.remediation.reinit.targetTokens).toEqual({ 'mt5-bridge': ADMIN_TOKEN });
    expect(configSecrets(config)).toContain(ADMIN_TOKEN);
    expect(JSON.stringify(config.targets)).not.toContain(ADMIN_TOKEN);
    const tuned = loadConfig({ ...BRIDGE, REMEDIATION_LADDER: 'reinit', REINIT_TOKEN: ADMIN_TOKEN, REINIT_VERIFY_TIMEOUT: '90s', REINIT_COOLDOWN: '0s' });
    expect(tuned.targets[0]?.policy.ladder).toEqual([{ rung: 'reinit', verifyTimeoutMs: 90_000, cooldownMs: 0 }]);
  });

  it('refuses an unknown rung, a rung twice, and a heavy rung before a light one, naming REMEDIATION_LADDER and the form', () => {
    expect(() => loadConfig({ ...BRIDGE, REMEDIATION_LADDER: 'reboot' })).toThrow(/REMEDIATION_LADDER: unknown rung "reboot": expected a comma list of rungs/);
    expect(() => loadConfig({ ...BRIDGE, REMEDIATION_LADDER: 'reinit,reinit' })).toThrow(/REMEDIATION_LADDER: a rung is listed twice/);
    expect(() => loadConfig({ ...BRIDGE, REMEDIATION_LADDER: 'full-restart,reinit', REINIT_TOKEN: ADMIN_TOKEN })).toThrow(
      /REMEDIATION_LADDER: rungs go from the least disruptive to the heaviest: reinit before full-restart/,
    );
    expect(() => loadConfig({ ...BRIDGE, REMEDIATION_LADDER: 'people' })).toThrow(/REMEDIATION_LADDER: expected .* got no rung/);
  });

  it('a ladder with reinit needs the bridge’s admin token in REINIT_TOKEN: the error names it and the fix, and the token never appears', () => {
    expect(() => loadConfig({ ...BRIDGE, REMEDIATION_LADDER: 'reinit,full-restart' })).toThrow(
      /REINIT_TOKEN: the remediation ladder has reinit .* set REINIT_TOKEN to the bridge's ADMIN_SECRET_TOKEN, or remove reinit from REMEDIATION_LADDER/,
    );
    // dry-run and none send nothing: no token required
    expect(loadConfig({ ...BRIDGE, REMEDIATION: 'dry-run', REMEDIATION_LADDER: 'reinit,full-restart' }).targets[0]?.policy.ladder).toHaveLength(2);
  });

  it('refuses a reinit window too short for the two healthy probes recovery needs', () => {
    expect(() =>
      loadConfig({ ...BRIDGE, REMEDIATION_LADDER: 'reinit,full-restart', REINIT_TOKEN: ADMIN_TOKEN, REINIT_VERIFY_TIMEOUT: '20s' }),
    ).toThrow(/REINIT_VERIFY_TIMEOUT \(20 ?s\) is too short .* Fix: raise REINIT_VERIFY_TIMEOUT/);
  });
});

describe('a target’s ladder in AUTOHEAL_TARGETS_FILE', () => {
  const load = (yaml: string, env: Record<string, string> = {}) =>
    loadConfig({ AUTOHEAL_TARGETS_FILE: 'targets.yaml', GITHUB_TOKEN: 'ghp_test_token_0123456789', GITHUB_REPOSITORY: 'owner/repo', GITHUB_ROUTES_BY_TARGET: 'true', ...env }, { readFile: () => yaml });
  const two = (a: string[], b: string[]) =>
    ['targets:', '  - id: desk-a', '    url: http://10.0.0.1:8000', ...a, '  - id: desk-b', '    url: http://10.0.0.2:8000', ...b].join('\n');

  it('overrides REMEDIATION_LADDER per target, each reinit with the admin token of the variable it names', () => {
    const yaml = two(['    ladder: [reinit, full-restart]', '    reinitTokenEnv: REINIT_TOKEN_DESK_A'], []);
    const config = load(yaml, { REINIT_TOKEN_DESK_A: ADMIN_TOKEN });
    expect(config.targets.map((t) => t.policy.ladder?.map((r) => r.rung))).toEqual([['reinit', 'full-restart'], undefined]);
    expect(config.targets[0]?.reinitTokenEnv).toBe('REINIT_TOKEN_DESK_A');
    expect(config.remediation.reinit.targetTokens).toEqual({ 'desk-a': ADMIN_TOKEN });
  });

  it('with several targets, REINIT_TOKEN is never sent to every bridge: a target with reinit and no reinitTokenEnv is refused with the rule', () => {
    const yaml = two(['    ladder: reinit,full-restart'], []);
    expect(() => load(yaml, { REINIT_TOKEN: ADMIN_TOKEN })).toThrow(
      /every target whose ladder has reinit names the variable of its own bridge's admin token, and desk-a names no reinitTokenEnv: REINIT_TOKEN is one bridge's token .* Rule: give each such target reinitTokenEnv/,
    );
  });

  it('a named reinit token variable that is not set is refused, naming the target and the variable', () => {
    const yaml = two(['    ladder: [reinit]', '    reinitTokenEnv: REINIT_TOKEN_DESK_A'], []);
    expect(() => load(yaml)).toThrow(/the reinit token variable of desk-a \(REINIT_TOKEN_DESK_A\) is not set in the worker's environment/);
  });

  it('names the entry and field of a bad ladder', () => {
    expect(() => load(two(['    ladder: [full-restart, reinit]'], []))).toThrow(/targets\.0\.ladder: rungs go from the least disruptive/);
  });
});
