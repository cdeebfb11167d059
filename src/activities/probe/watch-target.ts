/**
 * The watch activity of the long-lived monitor: probes the target every check interval (at the
 * target's phase), heartbeats the latest observation, and hands a report back to the workflow
 * only when its signature (severity, WARNING conditions) differs from what the workflow last
 * handled, or after `returnAfterMs`. A healthy hour is one activity and its heartbeats, instead
 * of 240 workflow runs.
 *
 * Heartbeat details are a small WatchDetails (no readings): the dashboard reads the last probe
 * from them through describe, at no cost in actions. The SDK throttles what reaches the server
 * to one heartbeat per 80% of the heartbeat timeout; this only calls heartbeat often enough that
 * a long check interval or a slow probe never looks like a dead worker: on a tick of at most a
 * quarter of MONITOR_HEARTBEAT_TIMEOUT_MS, from the start, through the first probe too (a
 * powered-off VPS answers nothing for PROBE_TIMEOUT; before, a watch whose first probe outlasted
 * the heartbeat timeout was timed out and retried forever, and never reported the CRITICAL).
 *
 * Cancellation (a pause, new settings, worker shutdown) arrives with a heartbeat answer: the
 * sleep and the probe's HTTP calls stop at once.
 */
import { Context } from '@temporalio/activity';
import type { WatchDetails, WatchInput, WatchResult } from '../../shared/contracts';
import { MONITOR_HEARTBEAT_TIMEOUT_MS, reportSignature } from '../../shared/monitor-policy';
import { nextProbeSlot } from '../../shared/probe-phase';
import type { ProbeReport, Target } from '../../shared/types';

export interface WatchDeps {
  probeTarget(target: Target): Promise<ProbeReport>;
  now?: () => number;
  /** How often heartbeat is called between probes (the SDK throttles what is sent), ms. */
  heartbeatEveryMs?: number;
}

/** The heartbeat tick: 10 s, or a quarter of the heartbeat timeout if that is shorter. */
export const WATCH_HEARTBEAT_EVERY_MS = Math.min(10_000, MONITOR_HEARTBEAT_TIMEOUT_MS / 4);

export function watchDetails(report: ProbeReport, probes: number, input: WatchInput): WatchDetails {
  return {
    targetId: input.target.id,
    severity: report.severity,
    summary: report.summary,
    probedAt: report.observation.probedAt,
    probes,
    syncedAccounts: report.syncedAccounts,
    expectedAccounts: report.expectedAccounts,
    ...(input.intermittent ? { intermittent: input.intermittent } : {}),
    ...(input.lastAction ? { action: input.lastAction } : {}),
  };
}

export function createWatchActivity(deps: WatchDeps) {
  const now = deps.now ?? Date.now;
  const heartbeatEveryMs = deps.heartbeatEveryMs ?? WATCH_HEARTBEAT_EVERY_MS;

  return {
    async watchTarget(input: WatchInput): Promise<WatchResult> {
      const ctx = Context.current();
      const deadline = now() + input.returnAfterMs;
      let probes = 0;
      // A retried watch starts from its last attempt's details, so that the dashboard keeps them.
      let details = ctx.info.heartbeatDetails as WatchDetails | undefined;
      let signatureSince: string | undefined;
      // The SDK sends the first heartbeat at once and the next ones at most every 80% of the
      // timeout. A first probe answered within a tick is carried by the first heartbeat (the
      // dashboard has it at once); a slower one is preceded by a tick's heartbeat, so that the
      // heartbeat timeout never runs out while the first probe waits on a silent bridge.
      const beat = () => ctx.heartbeat(details);
      const ticker = setInterval(beat, heartbeatEveryMs);
      try {
        for (;;) {
          const startedAt = now();
          const report = await deps.probeTarget(input.target);
          probes += 1;
          details = watchDetails(report, probes, input);
          beat();
          if (reportSignature(report) !== input.expected) {
            return { end: 'changed', report, probes, signatureSince: report.observation.probedAt };
          }
          signatureSince ??= report.observation.probedAt;
          if (now() >= deadline) return { end: 'refresh', report, probes, signatureSince };
          // The next slot of the target's phase, at least half an interval after this probe began.
          const next = nextProbeSlot(Math.max(now(), startedAt + input.checkIntervalMs / 2), input.checkIntervalMs, input.phaseMs);
          await ctx.sleep(Math.max(0, next - now()));
        }
      } finally {
        clearInterval(ticker);
      }
    },
  };
}
