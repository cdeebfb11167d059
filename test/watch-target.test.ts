/**
 * The watch activity's heartbeats, in the SDK's activity test environment, with the real probe
 * against the bridge simulator: a heartbeat goes out while the first probe still waits on a
 * silent bridge (a watch whose first probe outlasted the heartbeat timeout was timed out and
 * retried forever, and never reported a powered-off VPS), and a retried watch keeps its last
 * attempt's details for the dashboard.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { loadConfig, type TargetConfig } from '../src/config/load-config';
import { createProbeActivities } from '../src/activities/probe/index';
import { createWatchActivity } from '../src/activities/probe/watch-target';
import type { WatchDetails, WatchInput, WatchResult } from '../src/shared/contracts';
import { HEALTHY_SIGNATURE } from '../src/shared/monitor-policy';
import type { ProbeReport, Target } from '../src/shared/types';
import { createBridgeSimulator, type BridgeSimulator } from '../src/simulator';

let simulator: BridgeSimulator;
beforeAll(async () => {
  simulator = await createBridgeSimulator({ host: '127.0.0.1', port: 0 });
});
afterAll(() => simulator?.close());

/** A watch that hands its report back after its first probe, with the heartbeat tick given. */
function watchOnce(heartbeatEveryMs: number, onProbe: (report: ProbeReport) => void) {
  const tc = loadConfig({ MT5_BRIDGE_URL: simulator.url, CHECK_INTERVAL: '1s', PROBE_TIMEOUT: '4s' }).targets[0] as TargetConfig;
  const { probeTarget } = createProbeActivities({});
  const { watchTarget } = createWatchActivity({
    heartbeatEveryMs,
    probeTarget: async (target: Target) => {
      const report = await probeTarget(target);
      onProbe(report);
      return report;
    },
  });
  const input: WatchInput = { target: tc.target, checkIntervalMs: 1_000, phaseMs: 0, expected: HEALTHY_SIGNATURE, returnAfterMs: 0 };
  return (env: MockActivityEnvironment): Promise<WatchResult> => env.run(watchTarget, input);
}

test('a bridge slower to answer the first probe than the heartbeat tick: the watch heartbeats before that probe completes', async () => {
  const tickMs = 50;
  simulator.setFault({ mode: 'slow', delayMs: 20 * tickMs });
  const env = new MockActivityEnvironment();
  const beats: Array<WatchDetails | undefined> = [];
  env.on('heartbeat', (d: WatchDetails | undefined) => beats.push(d));
  let beatsBeforeFirstAnswer: number | undefined;
  const result = await watchOnce(tickMs, () => {
    beatsBeforeFirstAnswer ??= beats.length;
  })(env);
  simulator.clearFaults();
  expect(result.probes).toBe(1);
  // Heartbeats went out while the first probe waited (the SDK throttles what reaches the server).
  expect(beatsBeforeFirstAnswer).toBeGreaterThan(0);
  // The probe's answer is heartbeated once it is there.
  expect(beats[beats.length - 1]).toMatchObject({ probes: 1, probedAt: result.report.observation.probedAt });
});

test("a retried watch heartbeats its last attempt's details until its first probe answers: the dashboard keeps the last probe", async () => {
  const tickMs = 50;
  simulator.setFault({ mode: 'slow', delayMs: 10 * tickMs });
  const last: WatchDetails = { targetId: 'desk', severity: 'CRITICAL', summary: 'bridge unreachable', probedAt: '2026-01-01T00:00:00.000Z', probes: 7, syncedAccounts: 0, expectedAccounts: 7 };
  const env = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: last });
  const beats: Array<WatchDetails | undefined> = [];
  env.on('heartbeat', (d: WatchDetails | undefined) => beats.push(d));
  let beforeAnswer: Array<WatchDetails | undefined> = [];
  await watchOnce(tickMs, () => {
    if (!beforeAnswer.length) beforeAnswer = [...beats];
  })(env);
  simulator.clearFaults();
  expect(beforeAnswer.length).toBeGreaterThan(0);
  expect(beforeAnswer.every((d) => d === last)).toBe(true);
});
