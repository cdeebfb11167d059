/**
 * The flap rule (src/shared/flapping.ts): FLAP_THRESHOLD incidents within FLAP_WINDOW make a
 * target FLAPPING, later incidents are folded into the episode, it settles after a whole quiet
 * FLAP_WINDOW, and FLAP_THRESHOLD=0 turns it off. Plus the two notices as emails.
 */
import { pagerDutyAction } from '../src/activities/alerts/channels/pagerduty';
import { channelsFor } from '../src/activities/alerts/channels/route-event';
import { renderEmail } from '../src/activities/alerts/render-email';
import { loadConfig } from '../src/config/load-config';
import {
  EMPTY_FLAP_STATE,
  type FlapPolicy,
  type FlapState,
  type FlapVerdict,
  flapTotals,
  hasSettled,
  recordOpen,
  settlesInMs,
} from '../src/shared/flapping';
import type { IncidentSummary } from '../src/shared/contracts';
import { MonitorState } from '../src/workflows/target-monitor/state';

const MIN = 60_000;
const T0 = Date.parse('2026-12-07T12:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const DEFAULTS: FlapPolicy = { threshold: 3, windowMs: 10 * MIN };

/** Opens incidents at the given offsets; the verdict of each. */
function openAt(offsets: number[], policy = DEFAULTS, start: FlapState = EMPTY_FLAP_STATE) {
  let state = start;
  const verdicts: FlapVerdict['kind'][] = [];
  for (const [i, offset] of offsets.entries()) {
    const r = recordOpen(state, { at: at(offset), checks: i % 2 ? ['bridge'] : ['terminal'] }, policy, `t-flap-${offset}`);
    state = r.state;
    verdicts.push(r.verdict.kind);
  }
  return { state, verdicts };
}

describe('the flap rule', () => {
  it('the third incident within FLAP_WINDOW makes the target flapping; the ones after it are folded into the same episode', () => {
    const { state, verdicts } = openAt([0, 1 * MIN, 2 * MIN, 3 * MIN, 4 * MIN]);
    expect(verdicts).toEqual(['none', 'none', 'began', 'folded', 'folded']);
    expect(state.episode).toMatchObject({ id: `t-flap-${2 * MIN}`, since: at(0), recognisedAt: at(2 * MIN), lastOpenAt: at(4 * MIN), incidents: 5 });
    expect(state.episode?.checks).toEqual(['terminal', 'bridge']);
  });

  it('incidents further apart than FLAP_WINDOW never make a target flapping', () => {
    expect(openAt([0, 6 * MIN, 12 * MIN, 18 * MIN, 24 * MIN]).verdicts).toEqual(['none', 'none', 'none', 'none', 'none']);
  });

  it('the window slides: the incident that makes it flapping counts only the ones within the window before it', () => {
    const { state, verdicts } = openAt([0, 9 * MIN, 11 * MIN, 12 * MIN]);
    expect(verdicts).toEqual(['none', 'none', 'none', 'began']);
    expect(state.episode).toMatchObject({ since: at(9 * MIN), incidents: 3 });
  });

  it('the threshold is configurable: FLAP_THRESHOLD=2 recognises the second incident', () => {
    expect(openAt([0, 1 * MIN, 2 * MIN], { threshold: 2, windowMs: 10 * MIN }).verdicts).toEqual(['none', 'began', 'folded']);
  });

  it('settles once no incident has opened for a whole FLAP_WINDOW, and not while the target is CRITICAL', () => {
    const { state } = openAt([0, 1 * MIN, 2 * MIN]);
    expect(hasSettled(state, T0 + 2 * MIN + 10 * MIN - 1, DEFAULTS, false)).toBe(false);
    expect(settlesInMs(state, T0 + 5 * MIN, DEFAULTS)).toBe(7 * MIN);
    expect(hasSettled(state, T0 + 12 * MIN, DEFAULTS, true)).toBe(false);
    expect(hasSettled(state, T0 + 12 * MIN, DEFAULTS, false)).toBe(true);
  });

  it('an incident during the quiet time starts the FLAP_WINDOW again', () => {
    const { state } = openAt([0, 1 * MIN, 2 * MIN, 11 * MIN]);
    expect(hasSettled(state, T0 + 12 * MIN, DEFAULTS, false)).toBe(false);
    expect(hasSettled(state, T0 + 21 * MIN, DEFAULTS, false)).toBe(true);
  });

  it('a target without an episode has nothing to settle', () => {
    const { state } = openAt([0, 1 * MIN]);
    expect(hasSettled(state, T0 + 60 * MIN, DEFAULTS, false)).toBe(false);
    expect(settlesInMs(state, T0, DEFAULTS)).toBeUndefined();
  });

  it('FLAP_THRESHOLD=0 turns it off: every incident alerts as usual, nothing is remembered', () => {
    const { state, verdicts } = openAt([0, 10_000, 20_000, 30_000, 40_000], { threshold: 0, windowMs: 10 * MIN });
    expect(verdicts).toEqual(['none', 'none', 'none', 'none', 'none']);
    expect(state).toEqual(EMPTY_FLAP_STATE);
  });

  it('turned off during an episode: later incidents alert as usual, and the episode still gets its all-clear', () => {
    const flapping = openAt([0, 1 * MIN, 2 * MIN]).state;
    const off = { threshold: 0, windowMs: 10 * MIN };
    const { state, verdicts } = openAt([3 * MIN, 4 * MIN], off, flapping);
    expect(verdicts).toEqual(['none', 'none']);
    expect(state.episode).toEqual(flapping.episode);
    expect(hasSettled(state, T0 + 12 * MIN, off, false)).toBe(true);
  });

  it("an episode's totals count the incidents opened since it began: downtime from detection to close, restarts", () => {
    const incident = (openedMin: number, downMs: number, attempts: number): IncidentSummary => ({
      incidentId: `i-${openedMin}`,
      targetId: 't',
      outcome: 'RECOVERED',
      detectedAt: at(openedMin * MIN - 1_000),
      openedAt: at(openedMin * MIN),
      closedAt: at(openedMin * MIN - 1_000 + downMs),
      attempts,
      forcedBy: [],
      autoHealed: true,
    });
    const totals = flapTotals([incident(-30, 60_000, 1), incident(0, 20_000, 1), incident(1, 30_000, 0)], at(0));
    expect(totals).toEqual({ closed: 2, downtimeMs: 50_000, restarts: 1 });
  });
});

describe("the monitor's flap state", () => {
  const settings = () => {
    const { target, policy } = loadConfig({ CHECK_INTERVAL: '15s' }).targets[0]!;
    return { target, policy };
  };

  it('is carried across continue-as-new, and a run carried before flap detection starts with none', () => {
    const { state: flap } = openAt([0, 1 * MIN, 2 * MIN]);
    const before = new MonitorState(settings());
    before.flap = flap;
    const after = new MonitorState({ ...settings(), carried: before.carry() });
    expect(after.flap).toEqual(flap);
    expect(after.view().flapping).toMatchObject({ incidents: 3 });
    const { flap: _none, ...olderCarry } = before.carry();
    expect(new MonitorState({ ...settings(), carried: olderCarry }).flap).toEqual(EMPTY_FLAP_STATE);
  });

  it('while an episode is open, a healthy watch hands back when it can settle, not an hour later', () => {
    const state = new MonitorState(settings());
    state.expected = 'HEALTHY';
    expect(state.returnAfterMs()).toBe(60 * MIN);
    const now = Date.now();
    state.flap = openAt([-3 * MIN, -2 * MIN, -1 * MIN].map((m) => now - T0 + m)).state;
    expect(state.returnAfterMs()).toBeGreaterThan(9 * MIN - 1_000);
    expect(state.returnAfterMs()).toBeLessThanOrEqual(9 * MIN);
  });
});

describe('FLAP_THRESHOLD and FLAP_WINDOW', () => {
  it('default to 3 within 10 minutes, reach every target policy, and say which variable is wrong', () => {
    const policy = loadConfig({}).targets[0]?.policy;
    expect(policy).toMatchObject({ flapThreshold: 3, flapWindowMs: 10 * MIN });
    expect(loadConfig({ FLAP_THRESHOLD: '0', FLAP_WINDOW: '90s' }).targets[0]?.policy).toMatchObject({ flapThreshold: 0, flapWindowMs: 90_000 });
    expect(() => loadConfig({ FLAP_THRESHOLD: 'three' })).toThrow(/FLAP_THRESHOLD/);
    expect(() => loadConfig({ FLAP_WINDOW: 'soon' })).toThrow(/FLAP_WINDOW/);
  });
});

describe('the flapping notices', () => {
  const ctx = { dashboardUrl: 'https://autoheal.example.com' };

  it('FLAPPING: how many incidents within the window, the failing checks, and what the product will do', () => {
    const email = renderEmail(
      {
        kind: 'flapping',
        targetId: 'mt5-bridge',
        at: at(2 * MIN),
        episodeId: 'mt5-bridge-flap-20261207T120200Z',
        incidents: 3,
        windowMs: 10 * MIN,
        since: at(0),
        checks: ['bridge'],
        issue: 'MT5 Bridge health endpoint unreachable',
        restartCooldownMs: 5 * MIN,
        restartBudget: '6 within 24h',
      },
      ctx,
    );
    expect(email.subject).toBe('🔀 FIDUS MT5 FLAPPING: the bridge keeps going down and up');
    expect(email.text).toContain('🔀 MT5 Bridge is FLAPPING: 3 incidents within 10 minutes');
    expect(email.text).toContain('Failing checks: bridge');
    expect(email.text).toContain('Incidents: 3 since 2026-12-07 12:00:00 UTC');
    expect(email.text).toContain('restarts at least 5 minutes apart (RESTART_COOLDOWN) and at most 6 within 24h (RESTART_BUDGET)');
    expect(email.text).toContain('One all-clear follows when no incident has opened for 10 minutes.');
    expect(email.text).toContain('View System Health: https://autoheal.example.com/system-health');
  });

  it("stopped flapping: the episode's totals, in the FLAPPING notice's thread", () => {
    const email = renderEmail(
      {
        kind: 'flapping_stopped',
        targetId: 'mt5-bridge',
        at: at(20 * MIN),
        episodeId: 'mt5-bridge-flap-20261207T120200Z',
        since: at(0),
        recognisedAt: at(2 * MIN),
        windowMs: 10 * MIN,
        incidents: 7,
        totals: { closed: 7, downtimeMs: 3 * MIN + 30_000, restarts: 2 },
        checks: ['bridge'],
      },
      ctx,
    );
    expect(email.subject).toBe('✅ FIDUS MT5 STOPPED FLAPPING');
    expect(email.text).toContain('✅ MT5 Bridge stopped flapping: no incident for 10 minutes');
    expect(email.text).toMatch(/Incidents: 7\nDowntime: 3 minutes 30 seconds\nRestarts: 2\n/);
    expect(email.inReplyTo).toBe('<mt5-bridge-flap-20261207T120200Z.flapping@fidus-autoheal>');
  });

  it('the channels routed for CRITICAL get both; PagerDuty opens one page for the episode and the all-clear resolves it', () => {
    const base = { targetId: 'mt5-bridge', at: at(0), episodeId: 'mt5-bridge-flap-1', since: at(0), windowMs: 10 * MIN, incidents: 3, checks: ['bridge'] };
    const flapping = { ...base, kind: 'flapping' as const, issue: 'down', restartCooldownMs: 5 * MIN };
    const stopped = { ...base, kind: 'flapping_stopped' as const, recognisedAt: at(0) };
    const routes = { pagerduty: ['critical' as const], slack: ['warning' as const] };
    expect(channelsFor(flapping, routes)).toEqual(['pagerduty']);
    expect(channelsFor(stopped, routes)).toEqual(['pagerduty']);
    expect(pagerDutyAction(flapping)).toEqual({ action: 'trigger', dedupKey: 'mt5-bridge-flap-1' });
    expect(pagerDutyAction(stopped)).toEqual({ action: 'resolve', dedupKey: 'mt5-bridge-flap-1' });
  });
});
