/**
 * The watch activity tells the roll-up which time its probes covered: one span per run of probes
 * at most two check intervals apart, the current run's start in its heartbeat, and the run a dead
 * attempt heartbeated recorded by the retry. The probes' times are synthetic (a probe's
 * `probedAt` is what counts), the activity runs in the SDK's mock activity environment.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createWatchActivity } from '../src/activities/probe/watch-target';
import type { WatchDetails, WatchInput } from '../src/shared/contracts';
import type { ProbedSpans } from '../src/workflows/rollup';
import { healthyReport, target, terminalDownReport } from './healing-harness';

const T0 = Date.parse('2025-03-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const INTERVAL = 15_000;

/**
 * A watch over scripted probes "at" the given offsets (ms after T0); the last one is CRITICAL, so
 * the watch hands it back and ends. Its clock moves one interval a call: no real waiting.
 */
async function watch(offsets: number[], heartbeatDetails?: Partial<WatchDetails>) {
  const recorded: ProbedSpans[] = [];
  const beats: WatchDetails[] = [];
  let i = 0;
  let clock = T0;
  const { watchTarget } = createWatchActivity({
    probeTarget: async () => {
      const at = offsets[i] as number;
      const report = i++ === offsets.length - 1 ? terminalDownReport('w') : healthyReport('w');
      return { ...report, observation: { ...report.observation, probedAt: iso(T0 + at) } };
    },
    recordProbed: async (_targetId, spans) => {
      recorded.push(spans);
    },
    now: () => (clock += INTERVAL),
    coverageFlushMs: Number.MAX_SAFE_INTEGER,
  });
  const env = new MockActivityEnvironment(heartbeatDetails ? { heartbeatDetails } : {});
  env.on('heartbeat', (d: WatchDetails) => beats.push(d));
  const input: WatchInput = { target: target('w'), checkIntervalMs: INTERVAL, phaseMs: 0, expected: 'HEALTHY', returnAfterMs: 3_600_000 };
  const result = await env.run(watchTarget, input);
  return { recorded, beats, result };
}

test('a run of probes at most two intervals apart is one span; a wider gap (the watch stalled) starts another', async () => {
  const offsets = [0, 15_000, 30_000, 60_000 /* 30 s: joined */, 60_000 + 6.5 * 60_000 /* 6.5 min: unknown */, 60_000 + 6.5 * 60_000 + 15_000];
  const { recorded, beats, result } = await watch(offsets);
  expect(result).toMatchObject({ end: 'changed', probes: offsets.length });
  expect(recorded).toEqual([
    {
      spans: [
        [iso(T0), iso(T0 + 60_000)],
        [iso(T0 + 60_000 + 6.5 * 60_000), iso(T0 + 60_000 + 6.5 * 60_000 + 15_000)],
      ],
      maxGapMs: 2 * INTERVAL,
    },
  ]);
  // the heartbeat carries the current run's start, for the report's live part
  expect(beats[0]?.probingSince).toBe(iso(T0));
  expect(beats[beats.length - 1]?.probingSince).toBe(iso(T0 + 60_000 + 6.5 * 60_000));
});

test('a retry after the worker died records the run the dead attempt heartbeated, apart from its own', async () => {
  const previous = { probingSince: iso(T0 - 3_600_000), probedAt: iso(T0 - 90_000) };
  const { recorded } = await watch([0, 15_000], previous);
  expect(recorded.flatMap((r) => r.spans)).toEqual([
    [iso(T0 - 3_600_000), iso(T0 - 90_000)],
    [iso(T0), iso(T0 + 15_000)],
  ]);
});
