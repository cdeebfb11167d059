/**
 * Timing combinations that cannot work, refused at start-up with the rule in the message
 * (src/shared/probe-timing.ts explains the arithmetic):
 *
 * 1. A monitor run must be able to confirm a CRITICAL finding before its execution timeout:
 *      2 × (2 × PROBE_TIMEOUT + 5 s) + CONFIRM_DELAY + 5 s  ≤  max(60 s, 4 × CHECK_INTERVAL)
 *    Otherwise a bridge that never answers (a powered-off VPS) times out every run before the
 *    re-probe and nobody is ever alerted.
 * 2. A verification probe must be able to finish within one verification window:
 *      2 × PROBE_TIMEOUT + 5 s  <  VERIFY_TIMEOUT
 * 3. A probe of the watch must finish within the watch's heartbeat timeout:
 *      2 × PROBE_TIMEOUT + 5 s  <  MONITOR_HEARTBEAT_TIMEOUT_MS (src/shared/monitor-policy.ts)
 *    A watch whose probe of a powered-off VPS outlasts the heartbeat timeout was timed out during
 *    its first probe, attempt after attempt, and never reported the CRITICAL. The watch now
 *    heartbeats on a tick through its probes and its waits (so CHECK_INTERVAL, the wait, cannot
 *    outlast the timeout), and this rule keeps a single probe inside it as well, whatever value
 *    the constant takes.
 * 4. The reinit rung's window must hold the two healthy probes recovery needs:
 *      REINIT_VERIFY_TIMEOUT  ≥  2 × VERIFY_INTERVAL + 2 × PROBE_TIMEOUT + 5 s
 */
import { formatDuration } from '../shared/duration';
import { MONITOR_HEARTBEAT_TIMEOUT_MS } from '../shared/monitor-policy';
import {
  MONITOR_RUN_SLACK_MS,
  PROBE_ACTIVITY_SLACK_MS,
  PROBE_SEQUENTIAL_REQUESTS,
  monitorRunBudgetMs,
  monitorRunTimeoutMs,
  probeActivityTimeoutMs,
} from '../shared/probe-timing';
import type { HealingPolicy, Target } from '../shared/types';

const f = formatDuration;

/** Why this target's timing cannot work (the rule, the figures and the fix), or undefined. */
export function timingProblem({ target, policy }: { target: Target; policy: HealingPolicy }, where?: string): string | undefined {
  const probeMs = target.probeTimeoutMs;
  const activityMs = probeActivityTimeoutMs(probeMs);
  const confirmMs = policy.confirmDelayMs;
  const budgetMs = monitorRunBudgetMs(probeMs, confirmMs);
  const runTimeoutMs = monitorRunTimeoutMs(policy.checkIntervalMs);
  const prefix = where ? `${where}: ` : '';
  if (activityMs >= MONITOR_HEARTBEAT_TIMEOUT_MS) {
    // Largest PROBE_TIMEOUT, in whole seconds, whose probe ends before the heartbeat timeout.
    const maxProbeMs = Math.floor((MONITOR_HEARTBEAT_TIMEOUT_MS - PROBE_ACTIVITY_SLACK_MS - 1) / PROBE_SEQUENTIAL_REQUESTS / 1000) * 1000;
    return (
      `${prefix}PROBE_TIMEOUT (${f(probeMs)}) cannot work with the watch that probes every CHECK_INTERVAL (${f(policy.checkIntervalMs)}) under a heartbeat timeout of ${f(MONITOR_HEARTBEAT_TIMEOUT_MS)}. ` +
      `Rule: 2 × PROBE_TIMEOUT + 5s must be less than the watch's heartbeat timeout (${f(MONITOR_HEARTBEAT_TIMEOUT_MS)}, fixed by autoheal); here a probe of a bridge that never answers takes up to ${f(activityMs)}, ` +
      'so the watch would be timed out during its probe and retried, probe after probe, and a powered-off VPS would never raise an incident. ' +
      `Fix: lower PROBE_TIMEOUT to at most ${f(maxProbeMs)}.`
    );
  }
  if (budgetMs > runTimeoutMs) {
    // Largest PROBE_TIMEOUT that fits the current interval, in whole seconds; smallest interval that fits the current probe timeout.
    const fixedMs = 2 * PROBE_ACTIVITY_SLACK_MS + confirmMs + MONITOR_RUN_SLACK_MS;
    const maxProbeMs = Math.floor((runTimeoutMs - fixedMs) / (2 * PROBE_SEQUENTIAL_REQUESTS) / 1000) * 1000;
    const minIntervalMs = Math.ceil(budgetMs / 4 / 1000) * 1000;
    const fixes = [`raise CHECK_INTERVAL to at least ${f(minIntervalMs)}`];
    if (maxProbeMs >= 1000) fixes.unshift(`lower PROBE_TIMEOUT to at most ${f(maxProbeMs)}`);
    return (
      `${prefix}PROBE_TIMEOUT (${f(probeMs)}), CONFIRM_DELAY (${f(confirmMs)}) and CHECK_INTERVAL (${f(policy.checkIntervalMs)}) cannot work together. ` +
      'Rule: 2 × (2 × PROBE_TIMEOUT + 5s) + CONFIRM_DELAY + 5s must be at most max(60s, 4 × CHECK_INTERVAL), ' +
      `because a monitor run probes (each probe up to ${PROBE_SEQUENTIAL_REQUESTS} requests in a row plus slack: ${f(activityMs)}), waits CONFIRM_DELAY and probes again; ` +
      `here that is ${f(budgetMs)} against a run timeout of ${f(runTimeoutMs)}, so a bridge that never answers would time out every run before it is confirmed CRITICAL and no one would be alerted. ` +
      `Fix: ${fixes.join(', or ')}.`
    );
  }
  if (activityMs >= policy.verifyTimeoutMs) {
    return (
      `${prefix}PROBE_TIMEOUT (${f(probeMs)}) and VERIFY_TIMEOUT (${f(policy.verifyTimeoutMs)}) cannot work together. ` +
      `Rule: 2 × PROBE_TIMEOUT + 5s must be less than VERIFY_TIMEOUT, so that a verification probe can finish; here it is ${f(activityMs)}. ` +
      `Fix: raise VERIFY_TIMEOUT above ${f(activityMs)} or lower PROBE_TIMEOUT.`
    );
  }
  const reinit = policy.ladder?.find((r) => r.rung === 'reinit');
  if (reinit && reinit.verifyTimeoutMs < activityMs + 2 * policy.verifyIntervalMs) {
    const least = activityMs + 2 * policy.verifyIntervalMs;
    return (
      `${prefix}REINIT_VERIFY_TIMEOUT (${f(reinit.verifyTimeoutMs)}) is too short for VERIFY_INTERVAL (${f(policy.verifyIntervalMs)}) and PROBE_TIMEOUT (${f(probeMs)}). ` +
      'Rule: REINIT_VERIFY_TIMEOUT must be at least 2 × VERIFY_INTERVAL + 2 × PROBE_TIMEOUT + 5s, because recovery needs two healthy probes VERIFY_INTERVAL apart; ' +
      `otherwise every reinit would fail its verification and hand over to the full restart. Fix: raise REINIT_VERIFY_TIMEOUT to at least ${f(least)} or lower VERIFY_INTERVAL.`
    );
  }
  return undefined;
}
