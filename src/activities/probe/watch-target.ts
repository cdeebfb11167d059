/**
 * The watch activity of the long-lived monitor: probes the target every check interval (at the
 * target's phase), heartbeats the latest observation, and hands a report back to the workflow
 * only when its signature (severity, WARNING conditions) differs from what the workflow last
 * handled, or after `returnAfterMs`. A healthy hour is one activity and its heartbeats, instead
 * of 240 workflow runs.
 *
 * Heartbeat details are a small WatchDetails (no readings): the dashboard reads the last probe
 * from them through describe, at no cost in actions. Every heartbeat that reaches the server is
 * a billable action, so the watch calls heartbeat once per `heartbeatEveryMs` (45 s, under the
 * 60 s heartbeat timeout) and no more: a call on every probe let the SDK's throttle (80% of the
 * timeout) send about 160 an hour (`npm run bench -- --only cost`), as it sends the throttled
 * one at the end of its window and the next call at once. A long check interval or a slow probe
 * still never looks like a dead worker.
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
  /** Heartbeat is called at most this often (and at least this often, between probes), ms. */
  heartbeatEveryMs?: number;
}

const DEFAULT_HEARTBEAT_EVERY_MS = 45_000;

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
      // The first heartbeat goes out at once (it carries the first probe, so that the dashboard
      // has it at once), the next ones every heartbeatEveryMs with the latest probe.
      let lastBeat = Number.NEGATIVE_INFINITY;
      const beat = () => {
        if (!details || now() - lastBeat < heartbeatEveryMs) return;
        lastBeat = now();
        ctx.heartbeat(details);
      };
      const ticker = setInterval(beat, Math.min(5_000, heartbeatEveryMs / 3));
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
