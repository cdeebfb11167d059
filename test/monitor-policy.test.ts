/**
 * The pure parts of the long-lived monitor: what its watch compares, when it hands reports
 * back, the probe phase, and the intermittent-fault count.
 */
import {
  INTERMITTENT_CONDITION_KEY,
  intermittentCondition,
  recordFinding,
  summarise,
} from '../src/shared/intermittent-faults';
import { criticalRecheckMs, monitorStaleAfterMs, reportSignature, warningRefreshMs } from '../src/shared/monitor-policy';
import { nextProbeSlot, phaseOffsetMs } from '../src/shared/probe-phase';
import type { CheckResult } from '../src/shared/types';

const check = (c: Partial<CheckResult> & Pick<CheckResult, 'check' | 'status'>): CheckResult => ({ evidence: 'seen', ...c });

describe('reportSignature', () => {
  it('is the severity alone for HEALTHY and CRITICAL: moving figures never hand a report back', () => {
    expect(reportSignature({ severity: 'HEALTHY', checks: [check({ check: 'bridge', status: 'ok', latencyMs: 5 })] })).toBe('HEALTHY');
    expect(reportSignature({ severity: 'CRITICAL', checks: [check({ check: 'terminal', status: 'fail' })] })).toBe('CRITICAL');
  });

  it('names the WARNING conditions: a second failing account is a change, the same one is not', () => {
    const one = reportSignature({ severity: 'WARNING', checks: [check({ check: 'account', status: 'warn', accounts: ['111'] })] });
    const same = reportSignature({ severity: 'WARNING', checks: [check({ check: 'account', status: 'warn', accounts: ['111'], evidence: 'other words' })] });
    const two = reportSignature({ severity: 'WARNING', checks: [check({ check: 'account', status: 'warn', accounts: ['222', '111'] })] });
    expect(one).toBe('WARNING|account:111');
    expect(same).toBe(one);
    expect(two).toBe('WARNING|account:111|account:222');
  });
});

describe('when a watch hands back', () => {
  it('refreshes warnings within the hold and the clear-after, and rechecks a lasting CRITICAL every minute', () => {
    expect(warningRefreshMs({ checkIntervalMs: 15_000, warningHoldMs: 120_000 })).toBe(120_000);
    expect(warningRefreshMs({ checkIntervalMs: 15_000, warningHoldMs: 0 })).toBe(60_000);
    expect(warningRefreshMs({ checkIntervalMs: 15_000, warningHoldMs: 3_600_000 })).toBe(300_000);
    expect(warningRefreshMs({ checkIntervalMs: 600_000, warningHoldMs: 120_000 })).toBe(600_000);
    expect(criticalRecheckMs({ checkIntervalMs: 15_000 })).toBe(60_000);
    expect(monitorStaleAfterMs(15_000)).toBe(120_000);
    expect(monitorStaleAfterMs(60_000)).toBe(192_800); // 12.8 s (80 % of the 16 s heartbeat timeout) + 3 intervals
  });
});

describe('probe phase', () => {
  it('spreads targets over the interval and schedules the next probe on the target\'s phase', () => {
    const phases = new Set(Array.from({ length: 100 }, (_, i) => phaseOffsetMs(`bridge-${i}`, 15_000)));
    expect(phases.size).toBeGreaterThan(10);
    for (const p of phases) expect(p % 1_000).toBe(0);
    expect(nextProbeSlot(100_000, 15_000, 3_000)).toBe(108_000);
    expect(nextProbeSlot(108_000, 15_000, 3_000)).toBe(123_000);
    expect(nextProbeSlot(107_999, 15_000, 3_000)).toBe(108_000);
  });
});

describe('intermittent faults', () => {
  const policy = { threshold: 3, windowMs: 600_000 };
  const t0 = Date.parse('2026-11-28T12:00:00Z');
  const at = (s: number) => new Date(t0 + s * 1000).toISOString();

  it('below the threshold: counted, no WARNING', () => {
    let findings = recordFinding([], { at: at(0), summary: 'MT5 Bridge unreachable' }, t0, policy.windowMs);
    findings = recordFinding(findings, { at: at(30), summary: 'MT5 Bridge unreachable' }, t0 + 30_000, policy.windowMs);
    const s = summarise(findings, t0 + 30_000, policy);
    expect(s).toMatchObject({ count: 2, raised: false });
    expect(intermittentCondition(s)).toBeUndefined();
  });

  it('at the threshold within the window: one WARNING that says how often, over how long, and what was seen', () => {
    const findings = [0, 95, 250].reduce(
      (acc, s, i) => recordFinding(acc, { at: at(s), summary: i === 1 ? 'terminal NOT CONNECTED' : 'MT5 Bridge unreachable' }, t0 + s * 1000, policy.windowMs),
      [] as ReturnType<typeof recordFinding>,
    );
    const s = summarise(findings, t0 + 250_000, policy);
    expect(s).toMatchObject({ count: 3, raised: true, first: at(0), last: at(250) });
    const condition = intermittentCondition(s);
    expect(condition?.key).toBe(INTERMITTENT_CONDITION_KEY);
    expect(condition?.issue).toBe(
      `Intermittent fault: CRITICAL seen 3 times in 4 minutes 10 seconds (${at(0)} to ${at(250)}), each time not confirmed by the re-probe: ` +
        'MT5 Bridge unreachable ×2; terminal NOT CONNECTED ×1. No restart is started for a fault that does not last; check the bridge, its network and the VPS.',
    );
  });

  it('findings that left the window no longer count: the WARNING stops being reported and clears', () => {
    const findings = [0, 10, 20].reduce((acc, s) => recordFinding(acc, { at: at(s), summary: 'x' }, t0 + s * 1000, policy.windowMs), [] as ReturnType<typeof recordFinding>);
    expect(summarise(findings, t0 + 30_000, policy).raised).toBe(true);
    expect(summarise(findings, t0 + 615_000, policy)).toMatchObject({ count: 1, raised: false });
  });
});
