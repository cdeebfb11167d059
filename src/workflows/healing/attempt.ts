/**
 * One remediation attempt: wait out the restart spacing (RESTART_COOLDOWN, across incidents),
 * dispatch the restart, then verify on durable timers until two consecutive healthy probes,
 * VERIFY_TIMEOUT, RECOVERY_SLA or an operator message decides. The restart endpoint's own answer
 * never decides recovery.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
} from '@temporalio/workflow';
import type { AttemptRecord, RemediationReceipt, RemediationRequest } from '../../shared/contracts';
import { formatDuration } from '../../shared/duration';
import type { Rung } from '../../shared/remediation-ladder';
import { describeError } from '../../shared/errors';
import { dispatchRemediation, recordLedger } from './calls';
import { judgeSla } from './between-attempts';
import { holdWhileRemediationOff } from './remediation-hold';
import { freshLook, needsFreshLook } from './fresh-look';
import { checkSafetyEnvelope } from './safety-envelope';
import { type ForceRequest, type Incident, iso, nowMs } from './incident';
import type { AttemptOutcome } from './outcome';
import { verify } from './verify';

/** Runs one attempt; `force` is the operator request it answers, `slaApplies` false while un-parked. */
export async function runAttempt(
  incident: Incident,
  force: ForceRequest | undefined,
  slaApplies: boolean,
): Promise<AttemptOutcome> {
  const { policy, view } = incident;
  const slaDeadline = slaApplies ? incident.slaDeadlineMs : Number.POSITIVE_INFINITY;
  if (!force) {
    // each rung has its own spacing: a reinit does not consume the full restart's RESTART_COOLDOWN
    const next = incident.rungs.current();
    const earliest = Math.max(incident.rungs.lastDispatchOf(next.rung) + next.cooldownMs, nowMs());
    if (earliest > nowMs()) {
      incident.note(
        'waiting',
        'spacing',
        `next ${next.rung === 'reinit' ? 'reinit' : 'restart'} not before ${iso(earliest)} (${cooldownName(next.rung)} ${formatDuration(next.cooldownMs)} since the last ${next.rung === 'reinit' ? 'reinit' : 'dispatch'})`,
      );
      incident.doing(`waiting for the restart spacing until ${iso(earliest)}`);
      await incident.waitUntil(Math.min(earliest, slaDeadline));
      if (view.resolution) return { kind: 'resolved' };
      force = incident.forceRequests.shift();
      if (!force && nowMs() >= slaDeadline) return judgeSla(incident);
    }
  }
  // From here until the dispatch is sent, a forceRecovery joins this restart (index.ts) instead
  // of queueing a second one seconds later; only the kill switch's hold lets one interrupt.
  incident.preparingDispatch = true;
  try {
    if (!force) {
      const withheld = await holdWhileRemediationOff(incident, slaDeadline);
      if (withheld) return withheld;
    }
    const outside = await checkSafetyEnvelope(incident, force, slaDeadline);
    if (outside) return outside;
    if (needsFreshLook(incident)) {
      const looked = await freshLook(incident);
      if (looked) return looked;
    }
  } finally {
    incident.preparingDispatch = false;
  }
  const attempt = view.attempts.length + 1;
  const step = incident.rungs.rungFor(force?.rung);
  const sinceLast = nowMs() - incident.rungs.lastDispatchOf(step.rung);
  const override = !!force && sinceLast < step.cooldownMs;
  const cure = step.rung === 'reinit' ? 'reinit' : 'restart';
  const why = force ? `forced by ${force.by}: ${force.reason}` : `automatic ${cure}`;
  const record: AttemptRecord = { attempt, method: policy.remediation, rung: step.rung, outcome: 'in_progress', detail: why };
  view.attempts.push(record);
  const conclude = (outcome: AttemptRecord['outcome'], text: string): void => {
    Object.assign(record, { outcome, endedAt: iso(), detail: `${why} — ${text}` });
  };
  incident.doing(`dispatching ${cure} attempt ${attempt}${force ? ` (forced by ${force.by})` : ''}`);
  const dispatchStartMs = nowMs();
  const previousDispatchMs = incident.rungs.lastDispatchOf(step.rung);
  incident.rungs.setLastDispatch(step.rung, dispatchStartMs);
  // Recorded before the dispatch, so the spacing holds even if this worker dies mid-dispatch.
  incident.dispatchInFlight = true;
  await recordLedger(incident, 'dispatch', iso(dispatchStartMs), step.rung);
  let receipt: RemediationReceipt;
  const request: RemediationRequest = {
    targetId: incident.target.id,
    incidentId: incident.id,
    attempt,
    reason: view.issue,
    trigger: force ? `operator:${force.by}` : triggerName(incident),
    ...(force ? { forced: true } : {}),
    dryRun: policy.remediation === 'dry-run',
    rung: step.rung,
  };
  // Only an `off` that arrives during this dispatch stops it: the hold above has just read the switch.
  incident.switchedOff = undefined;
  try {
    receipt = await dispatchUnlessStopped(incident, request, slaDeadline);
    incident.joinedForce.splice(0); // they joined this restart
  } catch (err) {
    // a forceRecovery that joined a dispatch that did not go through gets its own attempt
    incident.forceRequests.push(...incident.joinedForce.splice(0));
    if (err instanceof DispatchStopped && err.switchedOff) {
      return withdraw(incident, record, step.rung, previousDispatchMs, `remediation turned off by ${err.switchedOff.by} (${err.switchedOff.reason}) while the dispatch waited on retries: cancelled, nothing is sent after that`);
    }
    if (err instanceof DispatchStopped) {
      const text = view.resolution
        ? `dispatch cancelled while it waited on retries: resolved by ${view.resolution.by}; nothing is sent after that`
        : `dispatch cancelled while it waited on retries: RECOVERY_SLA (${formatDuration(policy.recoverySlaMs)}) ran out`;
      conclude('dispatch_failed', text);
      incident.note('dispatched', 'cancelled', `attempt ${attempt}: ${text}`);
      return view.resolution ? { kind: 'resolved' } : { kind: 'sla' };
    }
    const failure =
      err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
    const diagnosis = failure?.message ?? describeError(err);
    if (failure?.type === 'RemediationSwitchedOffError') return withdraw(incident, record, step.rung, previousDispatchMs, diagnosis);
    conclude('dispatch_failed', diagnosis);
    incident.note('dispatched', 'failed', `attempt ${attempt}: ${diagnosis}`);
    if (failure?.nonRetryable) return { kind: 'non_retryable', diagnosis: `${failure.type}: ${diagnosis}` };
    return { kind: 'failed' };
  } finally {
    incident.dispatchInFlight = false;
  }
  record.method = receipt.method;
  record.dispatchedAt = iso(dispatchStartMs);
  view.figures.dispatchedAt ??= iso(dispatchStartMs);
  view.figures.dispatchMs ??= dispatchStartMs - incident.detectedAtMs;
  incident.note(
    'dispatched',
    override ? 'override' : 'ok',
    `attempt ${attempt}${incident.rungs.ladder.length > 1 || step.rung === 'reinit' ? ` (rung ${step.rung})` : ''}: ${receipt.detail}` +
      (override
        ? ` — forceRecovery by ${force?.by} overrode the ${formatDuration(step.cooldownMs)} ${cure} spacing (previous ${cure} ${formatDuration(Math.max(0, sinceLast))} earlier)`
        : ''),
  );
  return verify(incident, attempt, dispatchStartMs, slaDeadline, conclude, receipt, step);
}

/**
 * The dispatch was cancelled while it waited on retries: the incident was resolved, RECOVERY_SLA
 * ran out, or (`switchedOff`) `remediation off` reached the incident.
 */
class DispatchStopped extends Error {
  constructor(readonly switchedOff?: { by: string; reason: string }) {
    super('dispatch stopped');
  }
}

/**
 * An automatic restart that the kill switch stopped before it was sent: the attempt is recorded
 * as withheld (not a failed restart), the spacing is not charged for it, and the incident goes
 * back to the switch's hold (the next attempt reads the switch and waits while it is off).
 */
function withdraw(incident: Incident, record: AttemptRecord, rung: Rung, previousDispatchMs: number, text: string): AttemptOutcome {
  Object.assign(record, { outcome: 'dispatch_failed', endedAt: iso(), detail: `withheld — ${text}` });
  incident.rungs.setLastDispatch(rung, previousDispatchMs);
  incident.switchedOff = undefined;
  incident.note('withheld', 'remediation_off', `attempt ${record.attempt}: ${text}`);
  return { kind: 'superseded' };
}

/**
 * The dispatch in a cancellation scope: a rate-limited GitHub can hold it for an hour of
 * retries, and meanwhile a resolve or the SLA must be honoured. On either, the scope is
 * cancelled (Temporal schedules no further retry; an attempt already on the wire cannot be
 * recalled, and is idempotent per incident and attempt) and DispatchStopped is thrown.
 */
async function dispatchUnlessStopped(
  incident: Incident,
  request: RemediationRequest,
  slaDeadline: number,
): Promise<RemediationReceipt> {
  const scope = new CancellationScope();
  const dispatching = scope.run(() => dispatchRemediation(request));
  let settled = false;
  void dispatching.then(
    () => (settled = true),
    () => (settled = true),
  );
  const automatic = !request.forced;
  const stop = () => settled || !!incident.view.resolution || (automatic && !!incident.switchedOff);
  const left = slaDeadline - nowMs();
  if (Number.isFinite(left)) await condition(stop, Math.max(1, left));
  else await condition(stop);
  if (!settled) {
    scope.cancel();
    try {
      await dispatching;
    } catch (err) {
      if (!isCancellation(err)) throw err;
    }
    throw new DispatchStopped(incident.view.resolution || !automatic ? undefined : incident.switchedOff);
  }
  return dispatching;
}

/** The variable that spaces a rung's dispatches. */
export function cooldownName(rung: Rung): string {
  return rung === 'reinit' ? 'REINIT_COOLDOWN' : 'RESTART_COOLDOWN';
}

/** Who asked for an automatic attempt, as the restart request carries it. */
function triggerName({ trigger }: Incident): string {
  return trigger.source === 'operator' ? `operator:${trigger.by ?? 'unknown'}` : 'auto_sync_service';
}

/** Records a failed attempt in the ledger; true when the window's count calls for escalation. */
export async function countFailure(incident: Incident): Promise<boolean> {
  const at = iso();
  incident.ledger = { ...incident.ledger, failures: [...incident.ledger.failures, at] };
  await recordLedger(incident, 'failure', at);
  return incident.failuresInWindow() >= incident.policy.escalateAfter;
}
