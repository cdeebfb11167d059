/**
 * One cycle of the long-lived monitor: a watch (the looping probe activity) until the report
 * changes or is due, the confirmation of a new CRITICAL (a re-probe after CONFIRM_DELAY), then
 * what the architecture asks of a monitor run: start the healer on a confirmed CRITICAL, count
 * an unconfirmed one, hand WARNING conditions (and an intermittent fault) to the warning watch.
 */
import { log, proxyActivities, setCurrentDetails, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../../shared/contracts';
import { warningConditions } from '../../shared/alert-conditions';
import { formatDuration } from '../../shared/duration';
import { intermittentCondition } from '../../shared/intermittent-faults';
import { MONITOR_HEARTBEAT_TIMEOUT_MS, reportSignature } from '../../shared/monitor-policy';
import { AutohealSeverity } from '../../shared/names';
import { phaseOffsetMs } from '../../shared/probe-phase';
import type { MonitorInput, ProbeReport } from '../../shared/types';
import { reportWarnings } from '../alerting/report-warnings';
import { startHealing } from '../start-healing';
import { announceFlapping, planOpen, settleFlapping } from './flapping';
import type { MonitorAction } from './messages';
import type { MonitorState } from './state';

/** What a watch (and its confirmation) saw. */
export interface CycleOutcome {
  /** The report the watch handed back. */
  first: ProbeReport;
  /** The report to act on: the confirming re-probe's, or `first`. */
  final: ProbeReport;
  /** A CRITICAL that lasted: confirmed by the re-probe, or seen by every probe of a whole watch. */
  confirmed: boolean;
  /** ISO time of the first probe that saw `first`'s signature without a break (the first CRITICAL sighting). */
  firstSightingAt: string;
}

function watchActivity(settings: MonitorInput, returnAfterMs: number) {
  const probeBudgetMs = Math.max(10_000, settings.target.probeTimeoutMs * 4);
  return proxyActivities<Activities>({
    startToCloseTimeout: returnAfterMs + 2 * settings.policy.checkIntervalMs + probeBudgetMs + 60_000,
    heartbeatTimeout: MONITOR_HEARTBEAT_TIMEOUT_MS,
    // A watch that cannot go on (its worker died, a programming error) starts again; never gives up.
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
  }).watchTarget;
}

function confirmActivity(settings: MonitorInput) {
  return proxyActivities<Activities>({
    startToCloseTimeout: Math.max(10_000, settings.target.probeTimeoutMs * 4),
    retry: { initialInterval: '1s', maximumAttempts: 2 },
  }).probeTarget;
}

/**
 * CONFIRM_DELAY counts from the start of the probe that saw the CRITICAL: a probe that waited
 * out PROBE_TIMEOUT (a powered-off VPS, a hung bridge) has already waited it, so the re-probe goes
 * at once instead of a full delay later.
 */
function confirmWaitMs(first: ProbeReport, confirmDelayMs: number): number {
  const startedMs = Date.parse(first.observation?.probedAt ?? '');
  if (!Number.isFinite(startedMs)) return confirmDelayMs;
  return Math.min(confirmDelayMs, Math.max(0, confirmDelayMs - (Date.now() - startedMs)));
}

/** Watches until the report changes or is due, and confirms a new CRITICAL. Cancellable as a whole. */
export async function watchAndConfirm(state: MonitorState): Promise<CycleOutcome> {
  const { settings } = state;
  const { target, policy } = settings;
  state.phase = 'watching';
  const returnAfterMs = state.returnAfterMs();
  const intermittent = state.intermittent();
  setCurrentDetails(
    `Watching ${target.id} every ${formatDuration(policy.checkIntervalMs)} (${state.expected}); the watch hands back a report when it changes, or after ${formatDuration(returnAfterMs)}.` +
      (intermittent.count ? ` Unconfirmed CRITICAL findings in the last ${formatDuration(intermittent.windowMs)}: ${intermittent.count}.` : ''),
  );
  const watch = await watchActivity(settings, returnAfterMs)({
    target,
    checkIntervalMs: policy.checkIntervalMs,
    phaseMs: phaseOffsetMs(target.id, policy.checkIntervalMs),
    expected: state.expected,
    returnAfterMs,
    ...(intermittent.count ? { intermittent } : {}),
    ...(state.last ? { lastAction: state.last.action } : {}),
  });
  state.probes += watch.probes;
  const first = watch.report;
  const firstSightingAt = watch.signatureSince ?? first.observation.probedAt;
  if (first.severity !== 'CRITICAL') return { first, final: first, confirmed: false, firstSightingAt };
  // A whole watch of CRITICAL probes (an incident is open, or was closed while the target stays down).
  if (watch.end === 'refresh') return { first, final: first, confirmed: true, firstSightingAt };

  state.phase = 'confirming';
  const waitMs = confirmWaitMs(first, policy.confirmDelayMs);
  setCurrentDetails(`CRITICAL on ${target.id}: ${first.summary}. Confirming with a re-probe in ${waitMs} ms.`);
  if (waitMs > 0) await sleep(waitMs);
  const final = await confirmActivity(settings)(target);
  state.probes += 1;
  return { first, final, confirmed: final.severity === 'CRITICAL', firstSightingAt };
}

/** Starts the healer, counts an unconfirmed CRITICAL, reports warnings; records what it did. */
export async function act(state: MonitorState, outcome: CycleOutcome): Promise<MonitorAction> {
  const { settings } = state;
  const { first, final, confirmed, firstSightingAt } = outcome;
  state.phase = 'acting';
  let action: MonitorAction = 'none';

  if (first.severity === 'CRITICAL' && !confirmed) {
    state.recordUnconfirmed(first.observation.probedAt, first.summary);
    log.info('CRITICAL not confirmed by the re-probe: no incident', { target: settings.target.id, first: first.summary, second: final.summary });
    action = 'not_confirmed';
  } else if (confirmed && state.pause) {
    // A pause accepted in the same moment the re-probe confirmed (one workflow task): no incident.
    log.info('Confirmed CRITICAL while pausing: no incident opened', { target: settings.target.id, pause: state.pause.note });
    action = 'none';
  } else if (confirmed) {
    const plan = planOpen(state.flap, settings, final);
    const started = await startHealing(settings, final, firstSightingAt, plan.episode?.id);
    if (started) {
      state.incidentsStarted += 1;
      state.flap = plan.next;
      if (plan.began && plan.episode) await announceFlapping(settings, plan.episode, final);
    }
    action = started ? 'healing_started' : 'already_healing';
  }
  // no await without an episode: an extra turn would reorder this activation's commands (replays)
  if (state.flap.episode) state.flap = await settleFlapping(state.flap, settings, final.severity === 'CRITICAL');

  if (state.last?.severity !== final.severity) upsertSearchAttributes([{ key: AutohealSeverity, value: final.severity }]);

  // A confirmed CRITICAL is one incident: its failing accounts are not also WARNING emails.
  const warnings = final.severity === 'CRITICAL' ? [] : warningConditions(final);
  const intermittent = final.severity === 'CRITICAL' ? undefined : intermittentCondition(state.intermittent());
  if (intermittent) warnings.push(intermittent);
  if (warnings.length > 0) {
    await reportWarnings(settings.target.id, warnings, {
      reminderIntervalMs: settings.policy.reminderIntervalMs,
      holdMs: settings.policy.warningHoldMs,
      groupWaitMs: settings.policy.warningGroupWaitMs,
    });
    if (action === 'none') action = 'warned';
  }

  state.expected = reportSignature(final);
  state.last = {
    severity: final.severity,
    summary: final.summary,
    probedAt: final.observation.probedAt,
    action,
    handledAt: new Date().toISOString(),
  };
  return action;
}
