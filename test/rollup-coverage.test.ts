/**
 * The roll-up measures time by the monitor's probes, on the time-skipping server with the real
 * roll-up workflow and the real signal-with-start the watch and the monitor use: probed spans
 * join across gaps of up to two check intervals and no wider; maintenance windows are kept apart.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createRollupActivities, probedSpansRecorder } from '../src/activities/rollup';
import { computeReport, readRollup } from '../src/client/operator-views';
import { serverNow } from './healing-harness';
import { timeSkippingServerPerTest, trackWorker, uniqueTaskQueue, workflowBundle } from './helpers/temporal';

jest.setTimeout(120_000);

let env: TestWorkflowEnvironment;
const test = timeSkippingServerPerTest((e) => {
  env = e;
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();
const span = (from: number, to: number): [string, string] => [iso(from), iso(to)];

async function rollupWorker(taskQueue: string): Promise<Worker> {
  return trackWorker(await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle() }));
}

test('probed spans: a gap of up to two check intervals joins, a wider one (six and a half minutes without a probe) stays unknown; a pause is maintenance', async () => {
  const taskQueue = uniqueTaskQueue('rollup-probed');
  const record = probedSpansRecorder({ client: env.client, taskQueue });
  const { recordMaintenance } = createRollupActivities({ client: env.client, taskQueue });
  const t0 = (await serverNow(env)).getTime() - 24 * HOUR;
  const worker = await rollupWorker(taskQueue);
  await worker.runUntil(async () => {
    const maxGapMs = 30_000; // CHECK_INTERVAL 15s
    await record('t', { spans: [span(t0, t0 + HOUR)], maxGapMs });
    await record('t', { spans: [span(t0 + HOUR + 25_000, t0 + 2 * HOUR)], maxGapMs }); // the next watch, 25 s later
    await record('t', { spans: [span(t0 + 2 * HOUR + 6.5 * MINUTE, t0 + 5 * HOUR)], maxGapMs }); // worker down 6.5 min
    await record('t', { spans: [span(t0 + 3 * HOUR, t0 + 4 * HOUR)], maxGapMs }); // a late, overlapping flush
    await recordMaintenance('t', span(t0 + 6 * HOUR, t0 + 7 * HOUR));
    await recordMaintenance('t', span(t0 + 6 * HOUR, t0 + 6.5 * HOUR)); // the same pause, recorded at a continue-as-new
    await env.sleep(1_000);
    const state = await readRollup(env.client, taskQueue, 't');
    expect(state?.measured).toEqual([span(t0, t0 + 2 * HOUR), span(t0 + 2 * HOUR + 6.5 * MINUTE, t0 + 5 * HOUR)]);
    expect(state?.maintenance).toEqual([span(t0 + 6 * HOUR, t0 + 7 * HOUR)]);

    const nowMs = t0 + 8 * HOUR;
    const report = computeReport([{ target: 't', facts: { measured: state?.measured ?? [], maintenance: state?.maintenance, incidents: [] } }], 1, nowMs);
    const day = report.targets[0]?.uptime['24h'];
    expect(day).toMatchObject({ upMs: 5 * HOUR - 6.5 * MINUTE, downMs: 0, maintenanceMs: HOUR, uptimePct: 100 });
    expect(day?.unknownMs).toBe(24 * HOUR - (5 * HOUR - 6.5 * MINUTE) - HOUR);
    expect(day?.errorBudgetLeftMs).toBeCloseTo(day?.errorBudgetMs ?? Number.NaN, 6);
  });
});
