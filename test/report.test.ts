/**
 * `autoheal report`'s figures over a time-skipped month, on the time-skipping server with the real
 * roll-up workflow: coverage ticks every hour while a worker runs; the worker is stopped for six
 * hours (that time is unknown, never up, and an incident inside it is not counted as downtime);
 * closed incidents reach the roll-up from the real healing workflow at close, and from the
 * roll-up activity directly for incidents of known length. Uptime, error budget and MTTR are
 * computed by hand here and compared with the report.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createRollupActivities } from '../src/activities/rollup';
import { ensureRollups, readReport, readRollup } from '../src/client/operator-views';
import type { TargetConfig } from '../src/config/load-config';
import { type IncidentSummary, type RollupState, rollupWorkflow } from '../src/workflows/rollup';
import { rollupWorkflowId } from '../src/shared/names';
import { FakeBridge, HOUR, MINUTE, createHealingWorker, finish, incidentInput, policy, serverNow, startIncident, target } from './healing-harness';
import { exportFixture } from './healing-fixtures';
import { timeSkippingServerPerTest, uniqueTaskQueue } from './helpers/temporal';

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

test('a month with known incidents and six hours with the worker down: uptime, budget, MTTR as computed by hand', async () => {
  const bridge = new FakeBridge('month');
  const taskQueue = uniqueTaskQueue('month');
  const tc: TargetConfig = { target: target('month'), policy: policy() };
  const rollup = createRollupActivities({ client: env.client, taskQueue });
  const start = (await serverNow(env)).getTime();

  // the real roll-up activity: this test is about what the incident records there
  let worker = await createHealingWorker(env, taskQueue, [bridge], { recordIncidentClosed: rollup.recordIncidentClosed });
  let atStop: RollupState | undefined;
  let real: { detectedMs: number; closedMs: number; alertMs: number } | undefined;
  await worker.runUntil(async () => {
    await ensureRollups(env.client, taskQueue, [tc], HOUR);
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
    await env.sleep(10 * DAY);
    atStop = await readRollup(env.client, taskQueue, 'month');
  });
  // The worker is down six hours. On the time-skipping server time does not move while a
  // workflow task waits for a worker, so the outage is played as the roll-up sees one: its state
  // as it was at the stop, and its next tick coming only after the restart (here one tick after).
  const lastTickBeforeStop = Date.parse(atStop?.lastTickAt ?? '');
  const stoppedAt = (await serverNow(env)).getTime();
  await env.client.workflow.getHandle(rollupWorkflowId('month', taskQueue)).terminate('worker down');
  await env.sleep(6 * HOUR);
  const restartedAt = (await serverNow(env)).getTime();

  worker = await createHealingWorker(env, taskQueue, [bridge], { recordIncidentClosed: rollup.recordIncidentClosed });
  await worker.runUntil(async () => {
    await env.client.workflow.start(rollupWorkflow, {
      workflowId: rollupWorkflowId('month', taskQueue),
      taskQueue,
      args: [atStop as RollupState],
    });
    // C: an incident of one hour while the worker was down.
    await rollup.recordIncidentClosed(summary('C', stoppedAt + HOUR, HOUR, { alertedAt: undefined }));
    await env.sleep(9 * DAY);
    // D: a real incident on day ~19, closed by the healing workflow, which records it in the roll-up.
    const handle = await startIncident(env, taskQueue, incidentInput('month', {}, await serverNow(env)));
    const result = await finish(env, handle, 15_000);
    await exportFixture(handle, 'incident-recorded-in-rollup');
    real = {
      detectedMs: Date.parse(result.figures.detectedAt),
      closedMs: Date.parse(result.figures.closedAt ?? ''),
      alertMs: result.figures.alertMs ?? Number.NaN,
    };
    // up to day 30 and two hours: the report's 30-day window starts after the roll-up's first tick
    await env.sleep(start + 30 * DAY + 2 * HOUR - (await serverNow(env)).getTime());
    const state = await readRollup(env.client, taskQueue, 'month');
    expect(state?.incidents.map((i) => i.incidentId)).toEqual(['A', 'B', 'C', expect.stringMatching(/^month-/)]);
    await exportFixture(env.client.workflow.getHandle(rollupWorkflowId('month', taskQueue)), 'rollup');

    const now = await serverNow(env);
    const report = await readReport(env.client, taskQueue, [tc], 30, now);
    const t = report.targets[0];
    if (!t || !real) throw new Error('no report');

    // By hand. Unknown: from the last tick before the stop to the first tick after the restart.
    const period = 30 * DAY;
    expect(t.period.periodMs).toBe(period);
    const firstTickAfter = Date.parse(state?.measured[1]?.[0] ?? '');
    expect(state?.measured).toHaveLength(2);
    expect(firstTickAfter - restartedAt).toBeGreaterThanOrEqual(HOUR); // one tick after the restart
    expect(firstTickAfter - restartedAt).toBeLessThan(HOUR + 10_000); // (plus the seconds the start took)
    expect(t.period.unknownMs).toBe(firstTickAfter - lastTickBeforeStop);
    expect(restartedAt - stoppedAt).toBeGreaterThanOrEqual(6 * HOUR);
    const realDown = real.closedMs - real.detectedMs;
    // Down: A 10 min + B 30 min + D; C lies in the unknown time and is not counted as down.
    expect(t.period.downMs).toBe(10 * MINUTE + 30 * MINUTE + realDown);
    const up = period - t.period.unknownMs - t.period.downMs;
    expect(t.period.upMs).toBe(up);
    expect(t.period.uptimePct).toBeCloseTo((up / period) * 100, 10);
    expect(t.period.uptimePct).toBeLessThan(99.2); // 6–7 h unknown out of 720 h: never counted as up
    expect(t.period.errorBudgetMs).toBeCloseTo(period * 0.0001, 6); // 4.32 minutes
    expect(t.period.errorBudgetLeftMs).toBeCloseTo(period * 0.0001 - (period - up), 6);
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

    // 24 h and 7 d: no incident, no gap in the last 7 days (the stop was on days 10–11).
    expect(t.uptime['24h']).toMatchObject({ periodMs: DAY, unknownMs: 0, downMs: 0, uptimePct: 100 });
    expect(t.uptime['7d'].downMs).toBe(0);
    expect(t.uptime['7d'].uptimePct).toBe(100);

    // The daily strip: 30 cells, the stop's day(s) carry the unknown time, A's day its 10 minutes.
    expect(t.days).toHaveLength(30);
    const stopDay = iso(stoppedAt).slice(0, 10);
    expect(t.days.find((d) => d.day === stopDay)?.unknownMs).toBeGreaterThan(0);
    const dayA = iso(start + 2 * DAY).slice(0, 10);
    expect(t.days.find((d) => d.day === dayA)?.downMs).toBe(10 * MINUTE);
    expect(report.overall.period).toEqual(t.period);
  });
});
