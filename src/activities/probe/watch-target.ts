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
 * a long check interval or a slow probe never looks like a dead worker.
 *
 * Cancellation (a pause, new settings, worker shutdown) arrives with a heartbeat answer: the
 * sleep and the probe's HTTP calls stop at once.
 */
import { Context } from '@temporalio/activity';
import type { WatchDetails, WatchInput, WatchResult } from '../../shared/contracts';
import { reportSignature } from '../../shared/monitor-policy';
import { nextProbeSlot } from '../../shared/probe-phase';
import type { ProbeReport, Target } from '../../shared/types';

export interface WatchDeps {
  probeTarget(target: Target): Promise<ProbeReport>;
  now?: () => number;
  /** How often heartbeat is called between probes (the SDK throttles what is sent), ms. */
  heartbeatEveryMs?: number;
}

const DEFAULT_HEARTBEAT_EVERY_MS = 10_000;

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
  const heartbeatEveryMs = deps.heartbeatEveryMs ?? DEFAULT_HEARTBEAT_EVERY_MS;

  return {
    async watchTarget(input: WatchInput): Promise<WatchResult> {
      const ctx = Context.current();
      const deadline = now() + input.returnAfterMs;
      let probes = 0;
      let details: WatchDetails | undefined;
      let signatureSince: string | undefined;
      // The first heartbeat goes out at once and the next ones at most every 80% of the timeout:
      // the first one carries the first probe, so that the dashboard has it at once.
      const beat = () => {
        if (details) ctx.heartbeat(details);
      };
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
