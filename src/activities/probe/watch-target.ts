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
 *
 * Measured time: the watch tells the target's roll-up which time its probes covered
 * (`recordProbed`, every COVERAGE_FLUSH_MS and when it ends, however it ends): one span per run of
 * probes at most two check intervals apart. The heartbeat carries the current run's start
 * (`probingSince`), so a retry after the worker died still records what the dead attempt probed
 * up to its last heartbeat, and the report can count the run not yet recorded.
 */
import { Context } from '@temporalio/activity';
import type { WatchDetails, WatchInput, WatchResult } from '../../shared/contracts';
import type { ProbedSpans } from '../../workflows/rollup';
import { MONITOR_HEARTBEAT_TIMEOUT_MS, coverageGapMs, reportSignature } from '../../shared/monitor-policy';
import { nextProbeSlot } from '../../shared/probe-phase';
import type { ProbeReport, Target } from '../../shared/types';

export interface WatchDeps {
  probeTarget(target: Target): Promise<ProbeReport>;
  now?: () => number;
  /** How often heartbeat is called between probes (the SDK throttles what is sent), ms. */
  heartbeatEveryMs?: number;
  /** Records the spans the probes covered in the target's roll-up (absent: not recorded). */
  recordProbed?: (targetId: string, spans: ProbedSpans) => Promise<void>;
  /** How often the covered spans are recorded while the watch runs, ms. */
  coverageFlushMs?: number;
}

/** The heartbeat tick: 10 s, or a quarter of the heartbeat timeout if that is shorter. */
export const WATCH_HEARTBEAT_EVERY_MS = Math.min(10_000, MONITOR_HEARTBEAT_TIMEOUT_MS / 4);
/** Covered time reaches the roll-up this often (one signal, so one Temporal action, per target). */
export const COVERAGE_FLUSH_MS = 5 * 60_000;

export function watchDetails(report: ProbeReport, probes: number, input: WatchInput, probingSince?: string): WatchDetails {
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
    ...(probingSince ? { probingSince } : {}),
  };
}

/** The spans a watch's probes covered: a probe within two intervals of the last one extends its span. */
class Coverage {
  private closed: Array<[string, string]> = [];
  private since?: string;
  private last?: string;
  constructor(private readonly maxGapMs: number) {}

  /** The run of probes a previous attempt heartbeated (its worker died): recorded as it was. */
  resume(previous: Partial<WatchDetails> | undefined): void {
    if (previous?.probingSince && previous.probedAt) this.closed.push([previous.probingSince, previous.probedAt]);
  }

  probed(at: string): void {
    if (this.last && this.since && Date.parse(at) - Date.parse(this.last) > this.maxGapMs) {
      this.closed.push([this.since, this.last]);
      this.since = undefined;
    }
    this.since ??= at;
    this.last = at;
  }

  get probingSince(): string | undefined {
    return this.since;
  }

  /** Everything covered so far (the current run included, again: the roll-up merges overlaps). */
  take(): Array<[string, string]> {
    const spans = this.closed;
    this.closed = [];
    return this.since && this.last ? [...spans, [this.since, this.last]] : spans;
  }
}

export function createWatchActivity(deps: WatchDeps) {
  const now = deps.now ?? Date.now;
  const heartbeatEveryMs = deps.heartbeatEveryMs ?? WATCH_HEARTBEAT_EVERY_MS;
  const flushEveryMs = deps.coverageFlushMs ?? COVERAGE_FLUSH_MS;

  return {
    async watchTarget(input: WatchInput): Promise<WatchResult> {
      const ctx = Context.current();
      const deadline = now() + input.returnAfterMs;
      let probes = 0;
      // A retried watch starts from its last attempt's details, so that the dashboard keeps them.
      let details = ctx.info.heartbeatDetails as WatchDetails | undefined;
      let signatureSince: string | undefined;
      const maxGapMs = coverageGapMs(input.checkIntervalMs);
      const coverage = new Coverage(maxGapMs);
      coverage.resume(ctx.info.heartbeatDetails as Partial<WatchDetails> | undefined);
      let flushedAt = now();
      // Never fails the watch: time not recorded is unknown in the report, which is the truth.
      const flush = async () => {
        flushedAt = now();
        const spans = coverage.take();
        if (!deps.recordProbed || !spans.length) return;
        await deps.recordProbed(input.target.id, { spans, maxGapMs }).catch((err: unknown) => {
          ctx.log.warn('Covered time could not be recorded in the roll-up', { target: input.target.id, error: String(err) });
        });
      };
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
          coverage.probed(report.observation.probedAt);
          details = watchDetails(report, probes, input, coverage.probingSince);
          beat();
          if (now() - flushedAt >= flushEveryMs) await flush();
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
        await flush();
      }
    },
  };
}
