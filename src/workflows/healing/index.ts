/**
 * HealingWorkflow: one execution is one incident of one target (workflow id `heal-<target>`,
 * so one healer per target). detect → alert (in parallel) → dispatch → verify → confirm; a
 * failed attempt is retried after a backoff; the incident escalates to humans and parks when
 * the target has had ESCALATE_AFTER failed attempts within ESCALATION_WINDOW (counted across
 * incidents through the attempt ledger, src/workflows/attempt-ledger.ts), when it stays open
 * longer than RECOVERY_SLA, or at once on a remediation error that retrying cannot fix.
 *
 * Parked (ESCALATED): no automatic restart; a reminder to the escalation contacts every
 * reminder interval until acknowledged; probing goes on at a slow cadence and the incident
 * closes RECOVERED (with the recovery email) when the target recovers by itself, or RESOLVED
 * when an operator resolves it. `forceRecovery` un-parks it for one attempt.
 *
 * Spacing: two dispatches to one target are at least RESTART_COOLDOWN apart, across incidents
 * (the ledger keeps the last dispatch time); only forceRecovery overrides it, recorded as such.
 * Docs: docs/healing.md.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { LedgerActivities } from '../../activities/ledger';
import { AutohealSeverity, AutohealStatus, AutohealTarget, type IncidentStatus } from '../../shared/constants';
import {
  type AlertActivities,
  type AlertEvent,
  type AttemptRecord,
  type InAppNotification,
  NON_RETRYABLE_REMEDIATION_ERRORS,
  type ProbeActivities,
  type RemediationActivities,
  type RemediationReceipt,
} from '../../shared/contracts';
import { ALERT_EMAIL_ACTIVITY_OPTIONS, NOTIFY_IN_APP_ACTIVITY_OPTIONS } from '../../shared/alert-policy';
import { TERMINAL_NOT_CONNECTED_LOG } from '../../shared/log-lines';
import { REMEDIATION_ACTIVITY_OPTIONS } from '../../shared/remediation-policy';
import { formatDuration, formatDurationWords } from '../../shared/duration';
import type { HealingInput, ProbeReport } from '../../shared/types';
import { type AttemptLedgerState, EMPTY_LEDGER } from '../attempt-ledger';
import {
  type ForceRecoveryRequest,
  type HealingResult,
  type IncidentView,
  type TimelineEntry,
  acknowledgeUpdate,
  forceRecoveryUpdate,
  resolveUpdate,
  statusQuery,
} from './messages';
import {
  bridgeStatus,
  failingChecks,
  isHealthyForRecovery,
  terminalDown,
} from './verdict';
import { describeMethod } from '../../shared/remediation-words';

type HealingActivities = ProbeActivities & AlertActivities & RemediationActivities & LedgerActivities;

/** Parked incidents probe at a slow cadence: at least this far apart (history stays small). */
const PARKED_PROBE_FLOOR_MS = 60_000;

/** Longest wait for undelivered alerts once the incident is decided (see docs/healing.md). */
const ALERT_SETTLE_LIMIT_MS = 10 * 60_000;

const { probeTarget } = proxyActivities<HealingActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumAttempts: 2 },
});
const { sendAlertEmail } = proxyActivities<HealingActivities>(ALERT_EMAIL_ACTIVITY_OPTIONS);
const { notifyInApp } = proxyActivities<HealingActivities>(NOTIFY_IN_APP_ACTIVITY_OPTIONS);
const { dispatchRemediation } = proxyActivities<HealingActivities>(REMEDIATION_ACTIVITY_OPTIONS);
const { readAttemptLedger, recordLedgerEntry } = proxyActivities<HealingActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 5 },
});

/** State carried across continue-as-new while an incident is parked for a long time. */
export interface CarriedIncident {
  view: IncidentView;
  detectedAt: string;
  lastReport?: ProbeReport;
  remindersSent: number;
  nextReminderAt: string;
}

/** HealingInput, plus the state carried when a long-parked incident continues as new. */
export type HealingWorkflowInput = HealingInput & { carried?: CarriedIncident };

type AttemptOutcome =
  | { kind: 'recovered' }
  | { kind: 'resolved' }
  | { kind: 'failed' }
  | { kind: 'non_retryable'; diagnosis: string }
  | { kind: 'sla' }
  | { kind: 'superseded' };

const nowMs = (): number => Date.now();
const iso = (ms: number = nowMs()): string => new Date(ms).toISOString();

export async function healingWorkflow(input: HealingWorkflowInput): Promise<HealingResult> {
  const { target, policy, trigger } = input;
  const carried = input.carried;
  const openedAtMs = carried ? Date.parse(carried.view.openedAt) : nowMs();
  const triggerMs = Date.parse(trigger.at);
  const detectedAtMs = carried
    ? Date.parse(carried.detectedAt)
    : Number.isFinite(triggerMs) && triggerMs <= openedAtMs
      ? triggerMs
      : openedAtMs;
  const slaDeadlineMs = openedAtMs + policy.recoverySlaMs;

  const view: IncidentView = carried?.view ?? {
    incidentId: `${target.id}-${iso(openedAtMs).replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`,
    status: 'HEALING',
    target: target.id,
    openedAt: iso(openedAtMs),
    issue: input.report?.summary ?? trigger.reason,
    failingChecks: failingChecks(input.report),
    activity: 'opening the incident',
    attempts: [],
    timeline: [],
    figures: { detectedAt: iso(detectedAtMs), openedAt: iso(openedAtMs) },
  };
  let lastReport: ProbeReport | undefined = carried?.lastReport ?? input.report;
  const forceRequests: Array<ForceRecoveryRequest & { at: string }> = [];
  const pendingAlerts: Array<Promise<unknown>> = [];
  let ledger: AttemptLedgerState = EMPTY_LEDGER;
  let lastDispatchMs = Number.NEGATIVE_INFINITY;
  let dispatchInFlight = false;

  const closed = (): boolean => view.status === 'RECOVERED' || view.status === 'RESOLVED';
  const note = (step: TimelineEntry['step'], outcome: string, detail: string): void => {
    view.timeline.push({ at: iso(), step, outcome, detail });
  };
  const doing = (activity: string): void => {
    view.activity = activity;
    setCurrentDetails(
      `**${target.id}: ${view.status}**\n\nWhat is wrong: ${view.issue}\n\nWhat is being done: ${activity}`,
    );
  };
  const setStatus = (status: IncidentStatus, severity?: string): void => {
    view.status = status;
    upsertSearchAttributes([
      { key: AutohealStatus, value: status },
      ...(severity ? [{ key: AutohealSeverity, value: severity }] : []),
    ]);
  };
  const track = (promise: Promise<unknown>, onOk?: () => void, label = 'alert'): void => {
    pendingAlerts.push(
      promise.then(
        () => onOk?.(),
        (err: unknown) => {
          log.warn(`${label} could not be delivered`, {
            incidentId: view.incidentId,
            error: describeError(err),
          });
          note('alerted', 'failed', `${label} could not be delivered: ${describeError(err)}`);
        },
      ),
    );
  };
  const notify = (severity: InAppNotification['severity'], text: string): void => {
    track(
      notifyInApp({ severity, targetId: target.id, incidentId: view.incidentId, text, at: iso() }),
      undefined,
      'in-app notification',
    );
  };
  const email = (event: AlertEvent, onOk?: () => void): void =>
    track(sendAlertEmail(event), onOk, `${event.kind} email`);

  /** Lets outstanding alerts finish (bounded: a closed incident must not hold the target's healer id for a day). */
  const settleAlerts = async (): Promise<void> => {
    let settled = false;
    void Promise.allSettled(pendingAlerts).then(() => (settled = true));
    if (!(await condition(() => settled, ALERT_SETTLE_LIMIT_MS))) {
      log.warn('Leaving this run with alerts still undelivered', {
        incidentId: view.incidentId,
        limit: formatDuration(ALERT_SETTLE_LIMIT_MS),
      });
    }
    await condition(allHandlersFinished);
  };

  // ------------------------------------------------------------- operator messages
  const requireOpen = (): void => {
    if (closed()) throw new Error(`incident ${view.incidentId} is already ${view.status}`);
  };
  const requireText = (value: unknown, name: string): void => {
    if (typeof value !== 'string' || !value.trim()) throw new Error(`${name} is required`);
  };
  setHandler(statusQuery, () => view);
  setHandler(
    forceRecoveryUpdate,
    ({ reason, by }) => {
      if (dispatchInFlight || forceRequests.length > 0) {
        // One restart at a time: a request made while one is being dispatched (or already queued) joins it.
        note(
          'force_recovery',
          'joined',
          `forceRecovery by ${by}: ${reason} — joins the restart already ${dispatchInFlight ? 'being dispatched' : 'requested'}`,
        );
        return { incidentId: view.incidentId, status: view.status };
      }
      forceRequests.push({ reason, by, at: iso() });
      note('force_recovery', 'requested', `forceRecovery by ${by}: ${reason}`);
      return { incidentId: view.incidentId, status: view.status };
    },
    {
      validator: (req) => {
        requireOpen();
        requireText(req?.reason, 'reason');
        requireText(req?.by, 'by');
      },
    },
  );
  setHandler(
    acknowledgeUpdate,
    ({ by }) => {
      view.acknowledged ??= { by, at: iso() };
      note('acknowledged', 'ok', `acknowledged by ${by}: reminders stop, probing goes on`);
      return { incidentId: view.incidentId, status: view.status };
    },
    {
      validator: (req) => {
        requireOpen();
        requireText(req?.by, 'by');
      },
    },
  );
  setHandler(
    resolveUpdate,
    ({ by, note: text }) => {
      view.resolution ??= { by, note: text ?? '', at: iso() };
      note('resolved', 'ok', `resolved by ${by}${text ? `: ${text}` : ''}`);
      return { incidentId: view.incidentId, status: view.status };
    },
    {
      validator: (req) => {
        requireOpen();
        requireText(req?.by, 'by');
      },
    },
  );
  const interrupted = (): boolean => !!view.resolution || forceRequests.length > 0;

  // ------------------------------------------------------------- helpers
  const probe = async (): Promise<ProbeReport | undefined> => {
    try {
      lastReport = await probeTarget(target);
      return lastReport;
    } catch (err) {
      note('probe', 'failed', `the probe could not run: ${describeError(err)}`);
      return undefined;
    }
  };
  const recordLedger = async (kind: 'dispatch' | 'failure', at: string): Promise<void> => {
    try {
      await recordLedgerEntry(target.id, {
        kind,
        at,
        windowMs: policy.escalationWindowMs,
        incidentId: view.incidentId,
      });
    } catch (err) {
      note('ledger', 'failed', `could not record the ${kind} in the attempt ledger: ${describeError(err)}`);
    }
  };
  const failuresInWindow = (): number => {
    const since = nowMs() - policy.escalationWindowMs;
    return ledger.failures.filter((at) => Date.parse(at) >= since).length;
  };
  /** Waits until `untilMs` (or an operator message); false when interrupted. */
  const waitUntil = async (untilMs: number): Promise<boolean> => {
    const ms = untilMs - nowMs();
    if (ms <= 0) return !interrupted();
    return !(await condition(interrupted, ms));
  };

  // ------------------------------------------------------------- one attempt
  const runAttempt = async (
    force: (ForceRecoveryRequest & { at: string }) | undefined,
    slaApplies: boolean,
  ): Promise<AttemptOutcome> => {
    const slaDeadline = slaApplies ? slaDeadlineMs : Number.POSITIVE_INFINITY;
    if (!force) {
      const earliest = Math.max(lastDispatchMs + policy.restartCooldownMs, nowMs());
      if (earliest > nowMs()) {
        note(
          'waiting',
          'spacing',
          `next restart not before ${iso(earliest)} (RESTART_COOLDOWN ${formatDuration(policy.restartCooldownMs)} since the last dispatch)`,
        );
        doing(`waiting for the restart spacing until ${iso(earliest)}`);
        await waitUntil(Math.min(earliest, slaDeadline));
        if (view.resolution) return { kind: 'resolved' };
        force = forceRequests.shift();
        if (!force && nowMs() >= slaDeadline) return { kind: 'sla' };
      }
    }
    const attempt = view.attempts.length + 1;
    const sinceLast = nowMs() - lastDispatchMs;
    const override = !!force && sinceLast < policy.restartCooldownMs;
    const record: AttemptRecord = {
      attempt,
      method: policy.remediation,
      outcome: 'in_progress',
      detail: force ? `forced by ${force.by}: ${force.reason}` : 'automatic restart',
    };
    view.attempts.push(record);
    const conclude = (outcome: AttemptRecord['outcome'], text: string): void => {
      record.outcome = outcome;
      record.endedAt = iso();
      record.detail = `${force ? `forced by ${force.by}: ${force.reason}` : 'automatic restart'} — ${text}`;
    };
    doing(`dispatching restart attempt ${attempt}${force ? ` (forced by ${force.by})` : ''}`);
    const dispatchStartMs = nowMs();
    lastDispatchMs = dispatchStartMs;
    // Recorded before the dispatch, so the spacing holds even if this worker dies mid-dispatch.
    dispatchInFlight = true;
    await recordLedger('dispatch', iso(dispatchStartMs));
    let receipt: RemediationReceipt;
    try {
      receipt = await dispatchRemediation({
        targetId: target.id,
        incidentId: view.incidentId,
        attempt,
        reason: view.issue,
        trigger: force
          ? `operator:${force.by}`
          : trigger.source === 'operator'
            ? `operator:${trigger.by ?? 'unknown'}`
            : 'auto_sync_service',
      });
    } catch (err) {
      const failure =
        err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
      const diagnosis = failure?.message ?? describeError(err);
      conclude('dispatch_failed', diagnosis);
      note('dispatched', 'failed', `attempt ${attempt}: ${diagnosis}`);
      if (failure?.type && (NON_RETRYABLE_REMEDIATION_ERRORS as readonly string[]).includes(failure.type)) {
        return { kind: 'non_retryable', diagnosis: `${failure.type}: ${diagnosis}` };
      }
      return { kind: 'failed' };
    } finally {
      dispatchInFlight = false;
    }
    record.method = receipt.method;
    record.dispatchedAt = iso(dispatchStartMs);
    view.figures.dispatchedAt ??= iso(dispatchStartMs);
    view.figures.dispatchMs ??= dispatchStartMs - detectedAtMs;
    note(
      'dispatched',
      override ? 'override' : 'ok',
      `attempt ${attempt}: ${receipt.detail}` +
        (override
          ? ` — forceRecovery by ${force?.by} overrode the ${formatDuration(policy.restartCooldownMs)} restart spacing (previous dispatch ${formatDuration(Math.max(0, sinceLast))} earlier)`
          : ''),
    );

    // verify: durable timers, two consecutive healthy probes with fresh live data
    const deadline = dispatchStartMs + policy.verifyTimeoutMs;
    let healthyInARow = 0;
    doing(
      `verifying attempt ${attempt}: probing every ${formatDuration(policy.verifyIntervalMs)} until ${iso(deadline)}`,
    );
    for (;;) {
      const woke = await waitUntil(Math.min(nowMs() + policy.verifyIntervalMs, deadline, slaDeadline));
      if (!woke) {
        if (view.resolution) {
          conclude('not_recovered', `verification stopped: resolved by ${view.resolution.by}`);
          return { kind: 'resolved' };
        }
        conclude('not_recovered', 'superseded by an operator forceRecovery');
        return { kind: 'superseded' };
      }
      if (nowMs() >= slaDeadline) {
        conclude(
          'not_recovered',
          `still failing when RECOVERY_SLA (${formatDuration(policy.recoverySlaMs)}) ran out: ${lastReport?.summary ?? 'no probe'}`,
        );
        return { kind: 'sla' };
      }
      const report = await probe();
      healthyInARow = isHealthyForRecovery(report) ? healthyInARow + 1 : 0;
      if (healthyInARow >= 2) {
        const text = `verified healthy on two consecutive probes (${report?.syncedAccounts}/${report?.expectedAccounts} accounts live)`;
        conclude('recovered', text);
        note('verified', 'healthy', `attempt ${attempt}: ${text}`);
        return { kind: 'recovered' };
      }
      if (nowMs() >= deadline) {
        const text = `not healthy after ${formatDuration(policy.verifyTimeoutMs)} (VERIFY_TIMEOUT): ${report?.summary ?? 'the probe could not run'}`;
        conclude('not_recovered', text);
        note('attempt_failed', 'not_recovered', `attempt ${attempt}: ${text}`);
        return { kind: 'failed' };
      }
    }
  };

  /** Records a failed attempt in the ledger; true when the window's count calls for escalation. */
  const countFailure = async (): Promise<boolean> => {
    const at = iso();
    ledger = { ...ledger, failures: [...ledger.failures, at] };
    await recordLedger('failure', at);
    return failuresInWindow() >= policy.escalateAfter;
  };

  // ------------------------------------------------------------- close
  const close = async (how: 'RECOVERED' | 'RESOLVED', method?: string): Promise<HealingResult> => {
    const closedMs = nowMs();
    if (how === 'RECOVERED') {
      setStatus('RECOVERED', 'HEALTHY');
      view.figures.verifiedHealthyAt = iso(closedMs);
      view.figures.recoveryMs = closedMs - detectedAtMs;
      const online = lastReport?.syncedAccounts ?? 0;
      const expected = lastReport?.expectedAccounts ?? target.expectedAccounts;
      note(
        'recovered',
        'ok',
        `${describeMethod(method ?? policy.remediation)}; recovery time ${formatDurationWords(closedMs - detectedAtMs)}; ${online}/${expected} accounts online`,
      );
      log.info('✅ MT5 Bridge automatically recovered', {
        targetId: target.id,
        incidentId: view.incidentId,
        recoveryTime: formatDurationWords(closedMs - detectedAtMs),
      });
      email({
        kind: 'recovery',
        targetId: target.id,
        at: iso(closedMs),
        incidentId: view.incidentId,
        method: describeMethod(method ?? policy.remediation),
        recoveryTimeMs: closedMs - detectedAtMs,
        accountsOnline: online,
        accountsExpected: expected,
      });
      notify(
        'INFO',
        `${target.id} recovered (${describeMethod(method ?? policy.remediation)}) in ${formatDurationWords(closedMs - detectedAtMs)}`,
      );
    } else {
      setStatus('RESOLVED');
      notify('INFO', `${target.id} incident resolved by ${view.resolution?.by}`);
    }
    view.figures.closedAt = iso(closedMs);
    view.figures.downtimeMs = closedMs - detectedAtMs;
    note(
      'closed',
      how,
      how === 'RECOVERED'
        ? 'incident closed: recovered'
        : `incident closed: resolved by ${view.resolution?.by}`,
    );
    doing(how === 'RECOVERED' ? 'closed: recovered' : `closed: resolved by ${view.resolution?.by}`);
    await settleAlerts();
    return { ...view, status: how };
  };

  // ------------------------------------------------------------- escalate and park
  let remindersSent = carried?.remindersSent ?? 0;
  let nextReminderMs = carried ? Date.parse(carried.nextReminderAt) : Number.POSITIVE_INFINITY;
  const escalate = (reason: string, diagnosis: string): void => {
    setStatus('ESCALATED', 'CRITICAL');
    const at = iso();
    view.escalation = { at, reason, diagnosis };
    nextReminderMs = nowMs() + policy.reminderIntervalMs;
    note('escalated', reason, diagnosis);
    log.error('Incident escalated to the support contacts: automatic restarts of this target are parked', {
      targetId: target.id,
      incidentId: view.incidentId,
      reason,
      diagnosis,
    });
    email({
      kind: 'escalation',
      targetId: target.id,
      at,
      incidentId: view.incidentId,
      issue: view.issue,
      openedAt: view.openedAt,
      attempts: view.attempts,
      diagnosis,
    });
    notify('CRITICAL', `${target.id} escalated (${reason}): ${diagnosis}`);
  };

  /** Parked: reminders, slow probing; returns when recovered, resolved or forced. */
  const park = async (): Promise<'recovered' | 'resolved' | 'forced'> => {
    const probeEveryMs = Math.max(policy.verifyIntervalMs, policy.checkIntervalMs, PARKED_PROBE_FLOOR_MS);
    let nextProbeMs = nowMs() + probeEveryMs;
    let healthyInARow = 0;
    for (;;) {
      doing(
        `ESCALATED (${view.escalation?.reason}): automatic restarts parked; probing every ${formatDuration(probeEveryMs)}; ${view.acknowledged ? `acknowledged by ${view.acknowledged.by}` : `reminding the escalation contacts every ${formatDuration(policy.reminderIntervalMs)}`}`,
      );
      const wake = Math.min(nextProbeMs, view.acknowledged ? Number.POSITIVE_INFINITY : nextReminderMs);
      await waitUntil(wake);
      if (view.resolution) return 'resolved';
      if (forceRequests.length > 0) return 'forced';
      if (!view.acknowledged && nowMs() >= nextReminderMs) {
        remindersSent += 1;
        nextReminderMs += policy.reminderIntervalMs;
        note('reminder', 'sent', `reminder ${remindersSent} to the escalation contacts`);
        email({
          kind: 'reminder',
          targetId: target.id,
          at: iso(),
          incidentId: view.incidentId,
          issue: view.issue,
          openedAt: view.openedAt,
          reminder: remindersSent,
        });
      }
      if (nowMs() >= nextProbeMs) {
        const report = await probe();
        healthyInARow = isHealthyForRecovery(report) ? healthyInARow + 1 : 0;
        nextProbeMs = nowMs() + probeEveryMs;
        if (healthyInARow >= 2) {
          note(
            'verified',
            'healthy',
            'the target recovered by itself while escalated (two consecutive healthy probes)',
          );
          return 'recovered';
        }
      }
      if (workflowInfo().continueAsNewSuggested && !interrupted()) {
        await settleAlerts();
        const next: CarriedIncident = {
          view,
          detectedAt: iso(detectedAtMs),
          lastReport,
          remindersSent,
          nextReminderAt: iso(nextReminderMs),
        };
        await continueAsNew<typeof healingWorkflow>({
          target,
          policy,
          trigger,
          report: input.report,
          carried: next,
        });
      }
    }
  };

  // ------------------------------------------------------------- detect and alert
  if (carried) {
    upsertSearchAttributes([
      { key: AutohealTarget, value: target.id },
      { key: AutohealStatus, value: view.status },
      { key: AutohealSeverity, value: 'CRITICAL' },
    ]);
    note('ledger', 'continued', 'continued as new while parked (history kept small)');
  } else {
    upsertSearchAttributes([
      { key: AutohealTarget, value: target.id },
      { key: AutohealStatus, value: 'HEALING' },
      { key: AutohealSeverity, value: 'CRITICAL' },
    ]);
    if (!input.report) {
      await probe();
      view.failingChecks = failingChecks(lastReport);
      if (lastReport && lastReport.severity !== 'HEALTHY')
        view.issue = `${lastReport.summary} (${trigger.reason})`;
    }
    note(
      'detected',
      trigger.source,
      `${view.issue}${view.failingChecks.length ? ` — failing checks: ${view.failingChecks.join(', ')}` : ''} (trigger: ${trigger.source}${trigger.by ? ` ${trigger.by}` : ''})`,
    );
    if (terminalDown(lastReport))
      log.error(TERMINAL_NOT_CONNECTED_LOG, { targetId: target.id, incidentId: view.incidentId });
    else
      log.error(`CRITICAL: ${view.issue} - initiating auto-restart`, {
        targetId: target.id,
        incidentId: view.incidentId,
      });

    // alert, in parallel with the dispatch: started, not awaited
    const autoRestart =
      policy.remediation === 'none'
        ? 'OFF: no remediation configured (REMEDIATION=none), alerts only'
        : 'INITIATED';
    email(
      {
        kind: 'critical',
        targetId: target.id,
        at: iso(),
        incidentId: view.incidentId,
        component: 'MT5 Bridge',
        status: bridgeStatus(lastReport),
        issue: view.issue,
        autoRestart,
      },
      () => {
        view.figures.alertedAt ??= iso();
        view.figures.alertMs ??= nowMs() - detectedAtMs;
        note('alerted', 'ok', 'CRITICAL email delivered');
      },
    );
    notify(
      'CRITICAL',
      `${target.id}: ${view.issue} — auto-restart ${autoRestart === 'INITIATED' ? 'initiated' : 'off'}`,
    );
  }

  try {
    ledger = await readAttemptLedger(target.id);
  } catch (err) {
    note(
      'ledger',
      'failed',
      `could not read the attempt ledger (failures in other incidents unknown, spacing unknown): ${describeError(err)}`,
    );
  }
  if (ledger.lastDispatchAt) lastDispatchMs = Date.parse(ledger.lastDispatchAt);

  // ------------------------------------------------------------- the loop
  let force =
    !carried && trigger.source === 'operator'
      ? { reason: trigger.reason, by: trigger.by ?? 'operator', at: trigger.at }
      : undefined;
  let parked = view.status === 'ESCALATED';
  for (;;) {
    if (parked) {
      const why = await park();
      if (why === 'resolved') return close('RESOLVED');
      if (why === 'recovered') return close('RECOVERED', 'recovered without restart (while escalated)');
      force = forceRequests.shift();
      setStatus('HEALING');
      note('force_recovery', 'unparked', `one attempt forced by ${force?.by} while escalated`);
    } else if (!force) {
      force = forceRequests.shift();
    }
    const outcome = await runAttempt(force, !parked);
    force = undefined;
    switch (outcome.kind) {
      case 'recovered':
        return close('RECOVERED', view.attempts[view.attempts.length - 1]?.method);
      case 'resolved':
        return close('RESOLVED');
      case 'superseded':
        continue;
      case 'non_retryable':
        escalate('remediation failed permanently', outcome.diagnosis);
        parked = true;
        continue;
      case 'sla':
        escalate(
          'RECOVERY_SLA exceeded',
          `the incident has been open longer than ${formatDuration(policy.recoverySlaMs)} (RECOVERY_SLA) after ${view.attempts.length} attempt(s); last probe: ${lastReport?.summary ?? 'none'}`,
        );
        parked = true;
        continue;
      case 'failed': {
        const escalateNow = await countFailure();
        if (escalateNow || parked) {
          if (escalateNow && !parked) {
            escalate(
              `${failuresInWindow()} failed attempts within ${formatDuration(policy.escalationWindowMs)}`,
              `${failuresInWindow()} restart attempts of ${target.id} failed within ${formatDuration(policy.escalationWindowMs)} (ESCALATE_AFTER ${policy.escalateAfter}); last probe: ${lastReport?.summary ?? 'none'}`,
            );
          } else {
            setStatus('ESCALATED');
            note(
              'escalated',
              'still escalated',
              'the forced attempt did not recover the target; parked again',
            );
          }
          parked = true;
          continue;
        }
        // backoff: at least one verify interval, and the restart spacing (in runAttempt)
        doing(
          `attempt ${view.attempts.length} failed; next attempt after a ${formatDuration(policy.verifyIntervalMs)} backoff`,
        );
        if (!(await waitUntil(Math.min(nowMs() + policy.verifyIntervalMs, slaDeadlineMs))) && view.resolution)
          return close('RESOLVED');
        if (nowMs() >= slaDeadlineMs && forceRequests.length === 0) {
          escalate(
            'RECOVERY_SLA exceeded',
            `the incident has been open longer than ${formatDuration(policy.recoverySlaMs)} (RECOVERY_SLA) after ${view.attempts.length} attempt(s); last probe: ${lastReport?.summary ?? 'none'}`,
          );
          parked = true;
        }
        continue;
      }
    }
  }
}

function describeError(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}
