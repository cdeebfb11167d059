/**
 * `autoheal report`'s figures over a time-skipped month, on the time-skipping server with the real
 * roll-up workflow: the time the probes covered reaches it as the monitor's watch sends it, with
 * six hours (worker down) and six and a half minutes (monitor stalled) without a probe: unknown,
 * never up, never charged to the budget; an incident across the six hours is down from its first
 * sighting to its recovery. Closed incidents reach the roll-up from the real healing workflow at
 * close, and from the roll-up activity directly for incidents of known length. Uptime, coverage,
 * error budget and MTTR are computed by hand here and compared with the report.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createRollupActivities, probedSpansRecorder } from '../src/activities/rollup';
import { readReport, readRollup } from '../src/client/operator-views';
import type { TargetConfig } from '../src/config/load-config';
import { rollupWorkflowId } from '../src/shared/names';
import { FakeBridge, HOUR, MINUTE, createHealingWorker, finish, incidentInput, policy, serverNow, startIncident, target } from './healing-harness';
import { exportFixture } from './healing-fixtures';
import { timeSkippingServerPerTest, uniqueTaskQueue } from './helpers/temporal';
import type { IncidentSummary } from '../src/shared/contracts';

jest.setTimeout(300_000);

let env: TestWorkflowEnvironment;
const test = timeSkippingServerPerTest((e) => {
  env = e;
});

const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

function summary(id: string, detectedMs: number, lengthMs: number, extra: Partial<IncidentSummary> = {}): IncidentSummary {
  return {
    incidentId: id,
    targetId: 'month',
    outcome: 'RECOVERED',
    detectedAt: iso(detectedMs),
    openedAt: iso(detectedMs + 5_000),
    alertedAt: iso(detectedMs + 30_000),
    dispatchedAt: iso(detectedMs + 6_000),
    closedAt: iso(detectedMs + lengthMs),
    attempts: 1,
    forcedBy: [],
    autoHealed: true,
    method: 'github',
    ...extra,
  };
}

test('a month with known incidents, six hours and six and a half minutes without a probe: uptime, coverage, budget, MTTR as computed by hand', async () => {
  const bridge = new FakeBridge('month');
  const taskQueue = uniqueTaskQueue('month');
  const tc: TargetConfig = { target: target('month'), policy: policy() };
  const rollup = createRollupActivities({ client: env.client, taskQueue });
  // what the monitor's watch sends: the spans its probes covered (CHECK_INTERVAL 15 s)
  const probed = (from: number, to: number) =>
    probedSpansRecorder({ client: env.client, taskQueue })('month', { spans: [[iso(from), iso(to)]], maxGapMs: 30_000 });
  const start = (await serverNow(env)).getTime();
  const stoppedAt = start + 10 * DAY;
  const restartedAt = stoppedAt + 6 * HOUR; // the worker was down six hours: no probe
  const stalledAt = start + 20 * DAY;
  const resumedAt = stalledAt + 6.5 * MINUTE; // the monitor stalled six and a half minutes
  let real: { detectedMs: number; closedMs: number } | undefined;

  // the real roll-up activity: this test is about what the incident records there
  const worker = await createHealingWorker(env, taskQueue, [bridge], { recordIncidentClosed: rollup.recordIncidentClosed });
  await worker.runUntil(async () => {
    // A: day 2, 10 minutes; B: day 5, 30 minutes, escalated, resolved by carol after acknowledging.
    await rollup.recordIncidentClosed(summary('A', start + 2 * DAY, 10 * MINUTE));
    await rollup.recordIncidentClosed(
      summary('B', start + 5 * DAY, 30 * MINUTE, {
        outcome: 'RESOLVED',
        autoHealed: false,
        resolvedBy: 'carol',
        acknowledged: { by: 'carol', at: iso(start + 5 * DAY + 20 * MINUTE) },
        escalation: { at: iso(start + 5 * DAY + 15 * MINUTE), reason: 'RECOVERY_SLA exceeded' },
        alertedAt: iso(start + 5 * DAY + 20_000),
      }),
    );
    // C: an incident of one hour while the worker was down: seen before the stop, recovered after.
    await rollup.recordIncidentClosed(summary('C', stoppedAt - HOUR / 2, HOUR, { alertedAt: undefined }));
    await probed(start, stoppedAt);
    await probed(restartedAt, stalledAt);
    await env.sleep(19 * DAY);
    // D: a real incident on day ~19, closed by the healing workflow, which records it in the roll-up.
    const handle = await startIncident(env, taskQueue, incidentInput('month', {}, await serverNow(env)));
    const result = await finish(env, handle, 15_000);
    await exportFixture(handle, 'incident-recorded-in-rollup');
    real = { detectedMs: Date.parse(result.figures.detectedAt), closedMs: Date.parse(result.figures.closedAt ?? '') };
    await env.sleep(start + 30 * DAY - (await serverNow(env)).getTime());
    const nowMs = (await serverNow(env)).getTime();
    await probed(resumedAt, nowMs);
    await env.sleep(1_000);
    const state = await readRollup(env.client, taskQueue, 'month');
    expect(state?.incidents.map((i) => i.incidentId)).toEqual(['A', 'B', 'C', expect.stringMatching(/^month-/)]);
    expect(state?.measured).toHaveLength(3);
    await exportFixture(env.client.workflow.getHandle(rollupWorkflowId('month', taskQueue)), 'rollup-probed');

    const now = await serverNow(env);
    const report = await readReport(env.client, taskQueue, [tc], 30, now);
    const t = report.targets[0];
    if (!t || !real) throw new Error('no report');

    // By hand. The window starts just after the first probe (the report is read a second after).
    const period = 30 * DAY;
    expect(t.period.periodMs).toBe(period);
    const beforeFirstProbe = now.getTime() - period - start > 0 ? 0 : start - (now.getTime() - period);
    const realDown = real.closedMs - real.detectedMs;
    // Down: A 10 min + B 30 min + C 60 min (down from its first sighting to recovery, probes or not) + D.
    const down = 10 * MINUTE + 30 * MINUTE + HOUR + realDown;
    expect(t.period.downMs).toBe(down);
    // Unknown: the six hours without a worker (less C's half hour in it) and the 6.5-minute stall; nothing else.
    const unknown = 6 * HOUR - HOUR / 2 + 6.5 * MINUTE + beforeFirstProbe + (now.getTime() - Date.parse(state?.measured[2]?.[1] ?? ''));
    expect(t.period.unknownMs).toBe(unknown);
    expect(t.period.maintenanceMs).toBe(0);
    const up = period - unknown - down;
    expect(t.period.upMs).toBe(up);
    expect(t.period.measuredMs).toBe(up + down);
    expect(t.period.uptimePct).toBeCloseTo((up / (up + down)) * 100, 10);
    expect(t.period.coveragePct).toBeCloseTo(((up + down) / period) * 100, 10);
    expect(t.period.enoughCoverage).toBe(true);
    expect(t.period.errorBudgetMs).toBeCloseTo(period * 0.0001, 6); // 4.32 minutes
    // Only down time spends it (here more than all of it): the unknown hours do not.
    expect(t.period.errorBudgetLeftMs).toBeCloseTo(period * 0.0001 - down, 6);
    expect(t.uptime['30d']).toEqual(t.period);

    // MTTR over A (10 min), B (30 min), C (60 min), D: nearest rank p50 = 2nd, p95 = 4th.
    const mttr = [10 * MINUTE, 30 * MINUTE, HOUR, realDown].sort((a, b) => a - b);
    expect(t.incidents.mttr).toEqual({ count: 4, p50Ms: mttr[1], p95Ms: mttr[3], maxMs: mttr[3] });
    expect(t.incidents.mttd).toMatchObject({ count: 4, maxMs: 5_000 });
    expect(t.incidents.mtta.count).toBe(3);
    expect(t.incidents.incidents).toBe(4);
    expect(t.incidents.autoHealRate).toBe(0.75);
    expect(t.incidents.escalations).toBe(1);
    expect(t.incidents.escalationCauses).toEqual({ 'RECOVERY_SLA exceeded': 1 });

    // 24 h: no incident, no gap.
    expect(t.uptime['24h']).toMatchObject({ periodMs: DAY, downMs: 0, uptimePct: 100, enoughCoverage: true });
    expect(t.uptime['7d'].downMs).toBe(0);

    // The daily strip: 30 cells, the stop's day carries the unknown time, A's day its 10 minutes.
    expect(t.days).toHaveLength(30);
    const stopDay = iso(stoppedAt + HOUR).slice(0, 10);
    expect(t.days.find((d) => d.day === stopDay)?.unknownMs).toBeGreaterThan(0);
    const dayA = iso(start + 2 * DAY).slice(0, 10);
    expect(t.days.find((d) => d.day === dayA)?.downMs).toBe(10 * MINUTE);
    expect(report.overall.period).toEqual(t.period);
  });
});
