/**
 * The safety envelope's rules as plain functions: RESTART_BUDGET and FLEET_BREAKER parsed from
 * the environment, the fleet breaker's transitions (src/workflows/fleet-breaker.ts) and its
 * email. The workflows that use them run in test/safety-envelope.test.ts.
 */
import { renderEmail } from '../src/activities/alerts/render-email';
import { loadConfig } from '../src/config/load-config';
import { parseRate } from '../src/shared/rate';
import { fleetOf } from '../src/workers/fleet-from-config';
import { EMPTY_BREAKER, applyFleetReport, applyOverride } from '../src/workflows/fleet-breaker';
import type { FleetBreakerState, FleetReport, FleetSettings } from '../src/shared/contracts';

const MINUTE = 60_000;
const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (ms: number) => new Date(ms).toISOString();

describe('configuration', () => {
  test('RESTART_BUDGET and FLEET_BREAKER read "count/duration" or off, with defaults 6/24h and 3/5m', () => {
    expect(parseRate('6/24h')).toEqual({ count: 6, windowMs: 24 * 60 * MINUTE });
    expect(parseRate(' 3 / 5m ')).toEqual({ count: 3, windowMs: 5 * MINUTE });
    expect(parseRate('OFF')).toBe(false);
    for (const bad of ['0/5m', '3', '3/', '3/soon', '-1/5m', '1.5/5m', '3/0s']) expect(parseRate(bad)).toBeUndefined();

    const defaults = loadConfig({});
    expect(defaults.targets[0]?.policy.restartBudget).toEqual({ count: 6, windowMs: 24 * 60 * MINUTE });
    expect(defaults.fleetBreaker).toEqual({ count: 3, windowMs: 5 * MINUTE });
    expect(fleetOf(defaults)).toEqual({ targetIds: ['mt5-bridge'], rule: { count: 3, windowMs: 5 * MINUTE } });
    const set = loadConfig({ RESTART_BUDGET: '4/12h', FLEET_BREAKER: 'off' });
    expect(set.targets[0]?.policy.restartBudget).toEqual({ count: 4, windowMs: 12 * 60 * MINUTE });
    expect(set.fleetBreaker).toBe(false);
    expect(() => loadConfig({ RESTART_BUDGET: 'six a day' })).toThrow(/RESTART_BUDGET: expected a count per duration such as 6\/24h/);
    expect(() => loadConfig({ FLEET_BREAKER: '3' })).toThrow(/FLEET_BREAKER: expected a count per duration/);
  });
});

describe('fleet breaker transitions', () => {
  const fleet = (targetIds: string[]): FleetSettings => ({ targetIds, rule: { count: 3, windowMs: 5 * MINUTE } });
  const fresh = (): FleetBreakerState => ({ ...EMPTY_BREAKER, open: [], history: [] });
  const report = (targetId: string, kind: FleetReport['kind'], openedAtMs: number, bridgeDown = false) => ({
    kind,
    targetId,
    incidentId: `${targetId}-${openedAtMs}`,
    openedAt: at(openedAtMs),
    bridgeDown,
  });

  test('three distinct targets opening within the window trip it once; spread over more than the window they do not', () => {
    const state = fresh();
    const settings = fleet(['a', 'b', 'c', 'd']);
    expect(applyFleetReport(state, { ...report('a', 'opened', T0), fleet: settings }, T0)).toBeUndefined();
    expect(applyFleetReport(state, { ...report('a', 'probed', T0), fleet: settings }, T0 + MINUTE)).toBeUndefined();
    expect(applyFleetReport(state, { ...report('b', 'opened', T0 + MINUTE), fleet: settings }, T0 + MINUTE)).toBeUndefined();
    const tripped = applyFleetReport(state, { ...report('c', 'opened', T0 + 4 * MINUTE), fleet: settings }, T0 + 4 * MINUTE);
    expect(tripped).toMatchObject({ change: 'tripped', trip: { cause: 'burst', targets: ['a', 'b', 'c'] } });
    // a fourth one while tripped: no second notice
    expect(applyFleetReport(state, { ...report('d', 'opened', T0 + 5 * MINUTE), fleet: settings }, T0 + 5 * MINUTE)).toBeUndefined();

    const spread = fresh();
    applyFleetReport(spread, { ...report('a', 'opened', T0), fleet: settings }, T0);
    applyFleetReport(spread, { ...report('b', 'opened', T0 + 3 * MINUTE), fleet: settings }, T0 + 3 * MINUTE);
    expect(applyFleetReport(spread, { ...report('c', 'opened', T0 + 6 * MINUTE), fleet: settings }, T0 + 6 * MINUTE)).toBeUndefined();
    expect(spread.tripped).toBeUndefined();
  });

  test('with fewer targets configured than the threshold the count rule never trips; every target unreachable does', () => {
    const state = fresh();
    const two = fleet(['a', 'b']);
    expect(applyFleetReport(state, { ...report('a', 'opened', T0), fleet: two }, T0)).toBeUndefined();
    expect(applyFleetReport(state, { ...report('b', 'opened', T0), fleet: two }, T0)).toBeUndefined();
    expect(applyFleetReport(state, { ...report('a', 'probed', T0, true), fleet: two }, T0 + MINUTE)).toBeUndefined();
    expect(applyFleetReport(state, { ...report('b', 'probed', T0, true), fleet: two }, T0 + MINUTE)).toMatchObject({
      change: 'tripped',
      trip: { cause: 'unreachable', targets: ['a', 'b'] },
    });
    // one target answers again: cleared
    expect(applyFleetReport(state, { ...report('a', 'probed', T0, false), fleet: two }, T0 + 2 * MINUTE)).toEqual({
      change: 'cleared',
      text: 'fleet breaker cleared: a target answers again; automatic restarts resume',
    });

    const single = fresh();
    expect(applyFleetReport(single, { ...report('a', 'opened', T0, true), fleet: fleet(['a']) }, T0)).toBeUndefined();
  });

  test('it holds while as many incidents stay open, clears when one closes; an override lasts until then', () => {
    const state = fresh();
    const settings = fleet(['a', 'b', 'c']);
    for (const id of ['a', 'b', 'c']) applyFleetReport(state, { ...report(id, 'opened', T0), fleet: settings }, T0);
    expect(state.tripped).toBeDefined();
    // still open an hour later: still tripped (the window only decides the trip)
    expect(applyFleetReport(state, { ...report('a', 'probed', T0), fleet: settings }, T0 + 60 * MINUTE)).toBeUndefined();
    expect(state.tripped).toBeDefined();

    expect(applyOverride(state, { by: 'ivy', reason: 'separate faults', at: at(T0 + 61 * MINUTE) })?.text).toBe(
      'fleet breaker overridden by ivy (separate faults): automatic restarts go ahead',
    );
    expect(state.tripped).toBeUndefined();
    // the condition still holds: the override keeps it from tripping again
    expect(applyFleetReport(state, { ...report('b', 'probed', T0), fleet: settings }, T0 + 62 * MINUTE)).toBeUndefined();
    expect(state.tripped).toBeUndefined();
    // an incident closes: condition cleared, override dropped (no notice: nothing was withheld)
    expect(applyFleetReport(state, { ...report('c', 'closed', T0), fleet: settings }, T0 + 63 * MINUTE)).toBeUndefined();
    expect(state.override).toBeUndefined();
    expect(state.history.map((h) => h.change)).toEqual(['tripped', 'overridden', 'cleared']);
    expect(applyOverride(state, { by: 'ivy', reason: 'again', at: at(T0 + 64 * MINUTE) })).toBeUndefined();

    // the others close; a new burst later trips it again
    for (const id of ['a', 'b']) applyFleetReport(state, { ...report(id, 'closed', T0), fleet: settings }, T0 + 64 * MINUTE);
    const later = T0 + 90 * MINUTE;
    for (const id of ['a', 'b', 'c']) applyFleetReport(state, { ...report(id, 'opened', later), fleet: settings }, later);
    expect(state.tripped).toMatchObject({ cause: 'burst', targets: ['a', 'b', 'c'] });
  });

  test('a close of an earlier incident of the target, or FLEET_BREAKER turned off, is handled', () => {
    const state = fresh();
    const settings = fleet(['a', 'b', 'c']);
    for (const id of ['a', 'b', 'c']) applyFleetReport(state, { ...report(id, 'opened', T0), fleet: settings }, T0);
    // a stale close (another incident id) changes nothing
    expect(applyFleetReport(state, { ...report('a', 'closed', T0 - MINUTE), fleet: settings }, T0 + MINUTE)).toBeUndefined();
    expect(state.open).toHaveLength(3);
    expect(applyFleetReport(state, { ...report('a', 'probed', T0), fleet: { ...settings, rule: false } }, T0 + 2 * MINUTE)).toEqual({
      change: 'cleared',
      text: 'FLEET_BREAKER is off',
    });
  });
});

test('the fleet breaker email names the rule, the targets, the suspected causes and the override', () => {
  const email = renderEmail(
    {
      kind: 'fleet_breaker',
      targetId: 'fleet',
      at: '2026-03-02T09:04:00.000Z',
      rule: '3 targets CRITICAL within 5m (FLEET_BREAKER 3/5m)',
      targets: ['a', 'b', 'c'],
    },
    { dashboardUrl: 'http://127.0.0.1:8080' },
  );
  expect(email.subject).toBe('🛑 FIDUS MT5 FLEET BREAKER: automatic restarts withheld');
  expect(email.text).toContain('Rule: 3 targets CRITICAL within 5m (FLEET_BREAKER 3/5m)');
  expect(email.text).toContain('Targets: a, b, c');
  expect(email.text).toContain("Suspected common cause: the broker, the network, or the worker's own host.");
  expect(email.text).toContain('autoheal remediation override-breaker --by <name> --reason <text>');
  expect(email.messageId).toBe('<fleet-breaker.20260302T090400000Z@fidus-autoheal>');
});
