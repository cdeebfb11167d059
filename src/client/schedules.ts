/**
 * One Temporal Schedule per target: `autoheal-monitor-<target>`, every CHECK_INTERVAL, overlap
 * SKIP, running MonitorWorkflow. `applySchedules` creates or updates them (idempotent).
 *
 * Interval schedules are aligned to the Unix epoch, so every 15 s schedule would fire in the
 * same second: each target gets a phase offset derived from its id, spreading many targets'
 * probes over the interval.
 */
import { type Client, ScheduleNotFoundError, ScheduleOverlapPolicy, type ScheduleOptionsAction } from '@temporalio/client';
import type { TargetConfig } from '../config/load-config';
import { AutohealTarget, monitorRunId, monitorScheduleId } from '../shared/names';
import { monitorWorkflow } from '../workflows/monitor';
import { monitorRunTimeoutMs } from '../shared/probe-timing';
import type { MonitorInput } from '../shared/types';
import { phaseOffsetMs } from '../shared/probe-phase';

export { phaseOffsetMs };

export interface ScheduleOptions {
  /** The configuration the schedules come from (src/config/fingerprint.ts). */
  configFingerprint?: string;
}

export interface AppliedSchedule {
  scheduleId: string;
  targetId: string;
  action: 'created' | 'updated';
  everyMs: number;
  offsetMs: number;
}

function monitorAction(tc: TargetConfig, taskQueue: string, configFingerprint?: string): ScheduleOptionsAction {
  const input: MonitorInput = { target: tc.target, policy: tc.policy };
  return {
    type: 'startWorkflow',
    workflowType: monitorWorkflow,
    workflowId: monitorRunId(tc.target.id),
    taskQueue,
    args: [input],
    typedSearchAttributes: [{ key: AutohealTarget, value: tc.target.id }],
    // A monitor run that cannot finish in max(60 s, 4 intervals) is abandoned; the next firing probes again.
    // loadConfig refuses timings whose confirming run would not fit (src/config/timing-rules.ts).
    workflowExecutionTimeout: monitorRunTimeoutMs(tc.policy.checkIntervalMs),
    staticSummary: `Probe ${tc.target.id} (${tc.target.url})`,
    // which configuration the schedule came from (`autoheal doctor` compares it with its own)
    ...(configFingerprint ? { memo: { configFingerprint } } : {}),
  };
}

/** Creates or updates the monitor schedule of every target. */
export async function applySchedules(
  client: Client,
  targets: TargetConfig[],
  taskQueue: string,
  options: ScheduleOptions = {},
): Promise<AppliedSchedule[]> {
  const applied: AppliedSchedule[] = [];
  for (const tc of targets) {
    const scheduleId = monitorScheduleId(tc.target.id);
    const everyMs = tc.policy.checkIntervalMs;
    const offsetMs = phaseOffsetMs(tc.target.id, everyMs);
    const spec = { intervals: [{ every: everyMs, offset: offsetMs }] };
    const action = monitorAction(tc, taskQueue, options.configFingerprint);
    const handle = client.schedule.getHandle(scheduleId);
    try {
      await handle.describe();
      await handle.update((previous) => ({ ...previous, spec, action, policies: { ...previous.policies, overlap: ScheduleOverlapPolicy.SKIP } }));
      applied.push({ scheduleId, targetId: tc.target.id, action: 'updated', everyMs, offsetMs });
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
      await client.schedule.create({
        scheduleId,
        spec,
        action,
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
        memo: { target: tc.target.id, url: tc.target.url },
      });
      applied.push({ scheduleId, targetId: tc.target.id, action: 'created', everyMs, offsetMs });
    }
  }
  return applied;
}
