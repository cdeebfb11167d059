/**
 * The monitor's side of flap detection (src/shared/flapping.ts, docs/alerting.md "Flapping"):
 * each incident it opens is counted; the one that makes the target FLAPPING starts an episode
 * and one FLAPPING notice (email, in-app, the channels routed for CRITICAL) stands for it and the
 * incidents after it, which open folded (no CRITICAL or recovery email of their own). Once no
 * incident has opened for a whole FLAP_WINDOW and the target is not CRITICAL, one "stopped
 * flapping" notice gives the episode's totals. Both notices go through the target's
 * alertDeliveryWorkflow (retried for 24 h), so the monitor never waits on SMTP.
 *
 * A history from before flap detection never reached an episode: `patched(FLAP_DETECTION_PATCH)`
 * is asked when one would begin, and replays of older runs go on without it.
 */
import { log, patched, proxyActivities } from '@temporalio/workflow';
import { emailDelivery, inAppDelivery } from '../../shared/alert-policy';
import type { Activities, AlertEvent, FlapTotals } from '../../shared/contracts';
import { formatDuration } from '../../shared/duration';
import {
  type FlapEpisode,
  type FlapState,
  afterSettling,
  flapEpisodeId,
  flapPolicyOf,
  hasSettled,
  recordOpen,
} from '../../shared/flapping';
import { FLAP_DETECTION_PATCH } from '../../shared/names';
import { restartBudgetOf } from '../../shared/restart-budget';
import type { MonitorInput, ProbeReport } from '../../shared/types';
import { handOverAlerts } from '../alerting/alert-outbox';
import { failingChecks } from '../healing/verdict';

const { readFlapTotals } = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', maximumAttempts: 3 },
});

/** What opening an incident now would do to the flap state (committed by the caller once the incident started). */
export interface PlannedOpen {
  next: FlapState;
  /** The episode the incident is folded into; absent: it alerts as usual. */
  episode?: FlapEpisode;
  /** This incident makes the target flapping: the FLAPPING notice goes out. */
  began: boolean;
}

export function planOpen(state: FlapState, settings: MonitorInput, report: ProbeReport): PlannedOpen {
  const at = new Date().toISOString();
  const { state: next, verdict } = recordOpen(
    state,
    { at, checks: failingChecks(report) },
    flapPolicyOf(settings.policy),
    flapEpisodeId(settings.target.id, at),
  );
  if (verdict.kind === 'folded') return { next, episode: verdict.episode, began: false };
  // an older history never began an episode here: it replays without one
  if (verdict.kind === 'began' && patched(FLAP_DETECTION_PATCH)) return { next, episode: verdict.episode, began: true };
  return { next: { opens: next.opens }, began: false };
}

/** Hands the notice (email and in-app) to the target's alertDeliveryWorkflow; a failure is logged, never thrown. */
async function deliver(event: AlertEvent, text: string): Promise<void> {
  const notification = { severity: event.kind === 'flapping' ? ('CRITICAL' as const) : ('INFO' as const), targetId: event.targetId, text, at: event.at };
  try {
    await handOverAlerts(event.targetId, [emailDelivery(event), inAppDelivery(notification)]);
  } catch (err) {
    log.error(`The ${event.kind} notice could not be handed to the alert delivery`, { target: event.targetId, error: String(err) });
  }
}

/** The FLAPPING notice of an episode that has just begun. */
export async function announceFlapping(settings: MonitorInput, episode: FlapEpisode, report: ProbeReport): Promise<void> {
  const { target, policy } = settings;
  const windowMs = flapPolicyOf(settings.policy).windowMs;
  const budget = restartBudgetOf(policy);
  log.warn('Target is FLAPPING: its incidents are folded into one episode', { target: target.id, episode: episode.id, incidents: episode.incidents });
  await deliver(
    {
      kind: 'flapping',
      targetId: target.id,
      at: episode.recognisedAt,
      episodeId: episode.id,
      incidents: episode.incidents,
      windowMs,
      since: episode.since,
      checks: episode.checks,
      issue: report.summary,
      restartCooldownMs: policy.restartCooldownMs,
      ...(budget ? { restartBudget: `${budget.count} within ${formatDuration(budget.windowMs)}` } : {}),
    },
    `${target.id} is FLAPPING: ${episode.incidents} incidents within ${formatDuration(windowMs)} (${episode.checks.join(', ') || 'checks unknown'}); incidents go on being healed, their CRITICAL and recovery emails are folded into episode ${episode.id} until none opens for ${formatDuration(windowMs)}`,
  );
}

/**
 * Ends the episode with its all-clear once it has settled; returns the state to keep. `critical`:
 * the latest report the monitor handled is CRITICAL.
 */
export async function settleFlapping(state: FlapState, settings: MonitorInput, critical: boolean): Promise<FlapState> {
  const policy = flapPolicyOf(settings.policy);
  const episode = state.episode;
  if (!episode || !hasSettled(state, Date.now(), policy, critical)) return state;
  const { id: targetId } = settings.target;
  let totals: FlapTotals | undefined;
  try {
    totals = await readFlapTotals(targetId, episode.since);
  } catch (err) {
    log.warn('The roll-up could not be read: the all-clear goes out without downtime and restarts', { target: targetId, error: String(err) });
  }
  const at = new Date().toISOString();
  log.info('Target stopped flapping', { target: targetId, episode: episode.id, incidents: episode.incidents });
  await deliver(
    {
      kind: 'flapping_stopped',
      targetId,
      at,
      episodeId: episode.id,
      since: episode.since,
      recognisedAt: episode.recognisedAt,
      windowMs: policy.windowMs,
      incidents: episode.incidents,
      ...(totals ? { totals } : {}),
      checks: episode.checks,
    },
    `${targetId} stopped flapping: no incident for ${formatDuration(policy.windowMs)}; episode ${episode.id}: ${episode.incidents} incidents` +
      (totals ? `, ${formatDuration(totals.downtimeMs)} down, ${totals.restarts} restarts` : ''),
  );
  return afterSettling();
}
