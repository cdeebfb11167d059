/**
 * How long a probe may take, and whether a monitor run can finish: the timing rule that
 * `loadConfig` enforces and that the schedules and workflows size their timeouts with.
 * Workflow-safe: plain arithmetic.
 *
 * One probe (src/activities/probe/index.ts) makes up to three kinds of request, each bounded by
 * PROBE_TIMEOUT: the health call, in parallel with the accounts summary, which on a 404 is
 * followed by the per-account info calls (which share one more PROBE_TIMEOUT). The longest chain
 * is therefore 2 × PROBE_TIMEOUT; the activity gets that plus PROBE_ACTIVITY_SLACK_MS for the
 * worker to pick the task up, classify and report.
 *
 * A monitor run is: probe, CONFIRM_DELAY, re-probe (only on a CRITICAL finding), then a signal
 * or a child start. Each probe activity is bounded as a whole (its schedule-to-close timeout is
 * the activity timeout, so a retry fits inside it, never after it), so the longest run that can
 * still confirm a CRITICAL is
 *
 *   2 × probeActivityTimeout + CONFIRM_DELAY + MONITOR_RUN_SLACK_MS
 *
 * and it must fit in the run's execution timeout, max(60 s, 4 × CHECK_INTERVAL) (set on the
 * schedule's action): otherwise a bridge that never answers (a powered-off VPS: every request
 * runs into PROBE_TIMEOUT) times the run out before the re-probe, and nobody is alerted.
 */

/** Requests of one probe that run one after the other, each bounded by PROBE_TIMEOUT. */
export const PROBE_SEQUENTIAL_REQUESTS = 2;

/** Slack of one probe activity beyond its HTTP deadlines: task pick-up, classification, report. */
export const PROBE_ACTIVITY_SLACK_MS = 5_000;

/** Slack of one monitor run beyond its two probes and the confirm delay: workflow tasks, the child start. */
export const MONITOR_RUN_SLACK_MS = 5_000;

/** The shortest execution timeout of a monitor run. */
export const MONITOR_RUN_TIMEOUT_FLOOR_MS = 60_000;

/** Timeout of one probe activity (start-to-close and schedule-to-close), from PROBE_TIMEOUT. */
export function probeActivityTimeoutMs(probeTimeoutMs: number): number {
  return PROBE_SEQUENTIAL_REQUESTS * probeTimeoutMs + PROBE_ACTIVITY_SLACK_MS;
}

/** Execution timeout of one monitor run: a run that cannot finish in it is abandoned; the next firing probes again. */
export function monitorRunTimeoutMs(checkIntervalMs: number): number {
  return Math.max(MONITOR_RUN_TIMEOUT_FLOOR_MS, 4 * checkIntervalMs);
}

/** The longest a monitor run that confirms a CRITICAL can take. */
export function monitorRunBudgetMs(probeTimeoutMs: number, confirmDelayMs: number): number {
  return 2 * probeActivityTimeoutMs(probeTimeoutMs) + confirmDelayMs + MONITOR_RUN_SLACK_MS;
}
