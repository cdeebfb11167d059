/**
 * The two ends of an incident. Opening records what was detected (search attributes, failing
 * checks, the runbook's log line) and sends the CRITICAL email and in-app notification in the
 * background, never awaited before the dispatch. Closing records the figures and sends the
 * recovery email (RECOVERED) or an in-app note (RESOLVED), handing them (and any alert still
 * undelivered) to the target's alertDeliveryWorkflow: the run ends as soon as the incident is
 * decided, and `heal-<target>` is free for the next incident.
 */
import { log } from '@temporalio/workflow';
import { formatDurationWords } from '../../shared/duration';
import { TERMINAL_NOT_CONNECTED_LOG } from '../../shared/log-lines';
import { describeMethod } from '../../shared/remediation-words';
import { describeRung } from '../../shared/remediation-ladder';
import { rungAttemptsOf } from '../../shared/rung-stats';
import { isTerminalNotConnected } from '../../shared/report-checks';
import { withheldText } from '../remediation-switch';
import { probe, readRemediationState, recordRollup } from './calls';
import { diagnoseAndRecordEvidence } from './evidence';
import { reportClosedToFleet, reportOpenedToFleet } from './fleet-hold';
import { type Incident, iso, nowMs } from './incident';
import type { HealingResult } from './messages';
import { bridgeStatus, failingChecks } from './verdict';
import type { IncidentSummary } from '../../shared/contracts';

/** Detect and alert: the first step of a new incident (a run continued as new only notes it). */
export async function open(incident: Incident): Promise<void> {
  const { view, target, trigger, policy } = incident;
  incident.publishSearchAttributes();
  if (incident.input.carried) {
    incident.note('ledger', 'continued', 'continued as new while parked (history kept small)');
    return;
  }
  if (!incident.input.report) {
    await probe(incident);
    view.failingChecks = failingChecks(incident.lastReport);
    if (incident.lastReport && incident.lastReport.severity !== 'HEALTHY')
      view.issue = `${incident.lastReport.summary} (${trigger.reason})`;
  }
  incident.note(
    'detected',
    trigger.source,
    `${view.issue}${view.failingChecks.length ? ` — failing checks: ${view.failingChecks.join(', ')}` : ''} (trigger: ${trigger.source}${trigger.by ? ` ${trigger.by}` : ''})`,
  );
  const where = { targetId: target.id, incidentId: incident.id };
  if (isTerminalNotConnected(incident.lastReport)) log.error(TERMINAL_NOT_CONNECTED_LOG, where);
  else log.error(`CRITICAL: ${view.issue} - initiating auto-restart`, where);
  // evidence before the cure, and the rung the diagnosis picks (the email names it)
  incident.rungs.noCuringRung = !diagnoseAndRecordEvidence(incident);

  let autoRestart = autoRestartWords(policy.remediation);
  const ladder = policy.ladder && policy.remediation !== 'none' ? incident.rungs.ladder : undefined;
  const first = incident.rungs.current();
  if (ladder && autoRestart === 'INITIATED') {
    autoRestart = incident.rungs.noCuringRung
      ? `NOT INITIATED: no rung of the ladder (${ladder.map((r) => r.rung).join(', ')}) cures this fault; escalated to the support contacts`
      : `INITIATED — first rung: ${describeRung(first.rung)}${ladderAfter(incident)}`;
  }
  if (policy.remediation !== 'none') {
    const remediation = await readRemediationState(incident);
    if (!remediation.enabled) autoRestart = `WITHHELD: ${withheldText(remediation)}`;
  }
  const critical = {
    kind: 'critical' as const,
    targetId: target.id,
    at: iso(),
    incidentId: incident.id,
    component: 'MT5 Bridge',
    status: bridgeStatus(incident.lastReport),
    issue: view.issue,
    autoRestart,
    ...(ladder && first.rung === 'reinit' && !incident.rungs.noCuringRung ? { expectedRecoveryMs: first.verifyTimeoutMs } : {}),
  };
  const folded = incident.folded;
  if (folded) {
    // the monitor's FLAPPING notice stands for it (docs/alerting.md, "Flapping")
    incident.note('alerted', 'folded', `folded into flapping episode ${folded}: no CRITICAL email or channel page of its own (the FLAPPING notice stands for it)`);
  } else {
    incident.alerts.email(critical, () => {
      view.figures.alertedAt ??= iso();
      view.figures.alertMs ??= nowMs() - incident.detectedAtMs;
      incident.note('alerted', 'ok', 'CRITICAL email delivered');
    });
  }
  incident.notify(
    'CRITICAL',
    `${target.id}: ${view.issue} — auto-restart ${autoRestart === 'INITIATED' ? 'initiated' : policy.remediation === 'none' ? 'off' : autoRestart}${folded ? ` (folded into flapping episode ${folded})` : ''}`,
  );
  await reportOpenedToFleet(incident);
}

/** Closes the incident: RECOVERED (recovery email, figures) or RESOLVED by an operator. */
export async function close(incident: Incident, how: 'RECOVERED' | 'RESOLVED', method?: string): Promise<HealingResult> {
  const { view, target, policy } = incident;
  const closedMs = nowMs();
  const took = closedMs - incident.detectedAtMs;
  if (how === 'RECOVERED') {
    const methodText = describeMethod(method ?? policy.remediation);
    incident.setStatus('RECOVERED', 'HEALTHY');
    view.figures.verifiedHealthyAt = iso(closedMs);
    view.figures.recoveryMs = took;
    const online = incident.lastReport?.syncedAccounts ?? 0;
    const expected = incident.lastReport?.expectedAccounts ?? target.expectedAccounts;
    incident.note(
      'recovered',
      'ok',
      `${methodText}; recovery time ${formatDurationWords(took)}; ${online}/${expected} accounts online`,
    );
    log.info('✅ MT5 Bridge automatically recovered', {
      targetId: target.id,
      incidentId: incident.id,
      recoveryTime: formatDurationWords(took),
    });
    const recovery = {
      kind: 'recovery' as const,
      targetId: target.id,
      at: iso(closedMs),
      incidentId: incident.id,
      method: methodText,
      recoveryTimeMs: took,
      accountsOnline: online,
      accountsExpected: expected,
    };
    if (incident.folded) incident.note('alerted', 'folded', `recovery email folded into flapping episode ${incident.folded}`);
    else incident.alerts.queueEmail(recovery);
    incident.notify('INFO', `${target.id} recovered (${methodText}) in ${formatDurationWords(took)}${incident.folded ? ` (folded into flapping episode ${incident.folded})` : ''}`, true);
  } else {
    incident.setStatus('RESOLVED');
    incident.notify('INFO', `${target.id} incident resolved by ${view.resolution?.by}`, true);
    // no recovery email: PagerDuty resolves the page, the channels routed for CRITICAL hear of it
    incident.alerts.queueChannels({
      kind: 'resolved',
      targetId: target.id,
      incidentId: incident.id,
      by: view.resolution?.by ?? 'operator',
      ...(view.resolution?.note ? { note: view.resolution.note } : {}),
      at: iso(closedMs),
    });
  }
  answerPendingForces(incident, how, method);
  view.figures.closedAt = iso(closedMs);
  view.figures.downtimeMs = took;
  const words = how === 'RECOVERED' ? 'recovered' : `resolved by ${view.resolution?.by}`;
  incident.note('closed', how, `incident closed: ${words}`);
  incident.doing(`closed: ${words}`);
  await recordRollup(incident, summarise(incident, how, method));
  await reportClosedToFleet(incident);
  await incident.handOverAlerts();
  return { ...view, status: how };
}

/**
 * forceRecovery requests the incident accepted and never acted on (one arrived as the last
 * verification probe was running, or joined a restart that a fresh look found unneeded) get an
 * answer in the timeline and the in-app feed instead of silence.
 */
function answerPendingForces(incident: Incident, how: 'RECOVERED' | 'RESOLVED', method?: string): void {
  const pending = [...incident.forceRequests.splice(0), ...incident.joinedForce.splice(0)];
  if (!pending.length) return;
  const why =
    how === 'RECOVERED'
      ? `the target recovered (${describeMethod(method ?? incident.policy.remediation)})`
      : `the incident was resolved by ${incident.view.resolution?.by}`;
  for (const request of pending) {
    const text = `forceRecovery by ${request.by} (${request.reason}) was not acted on: ${why} before it could be; no restart was sent for it. Force again if the target still needs a restart.`;
    incident.note('force_recovery', 'not_needed', text);
    incident.notify('INFO', `${incident.target.id}: ${text}`, true);
  }
}

/** ", then full restart, then people": the rungs after the first, as the CRITICAL email names them. */
function ladderAfter(incident: Incident): string {
  const rest = incident.rungs.ladder.slice(incident.rungs.index + 1).map((r) => describeRung(r.rung));
  return `; then ${[...rest, 'people (escalation)'].join(', then ')}`;
}

/** The CRITICAL email's `Auto-Restart:` line for the configured remediation. */
function autoRestartWords(method: string): string {
  if (method === 'none') return 'OFF: no remediation configured (REMEDIATION=none), alerts only';
  if (method === 'dry-run') return 'DRY RUN: would have restarted (REMEDIATION=dry-run: no restart is sent)';
  return 'INITIATED';
}

/** One line of the target's roll-up: what `autoheal report` needs once the incident is gone. */
function summarise(incident: Incident, how: 'RECOVERED' | 'RESOLVED', method?: string): IncidentSummary {
  const { view } = incident;
  const forcedBy = view.timeline
    .filter((t) => t.step === 'force_recovery' && t.outcome === 'requested')
    .map((t) => /^forceRecovery by (.*?):/.exec(t.detail)?.[1] ?? 'operator');
  if (incident.trigger.source === 'operator') forcedBy.unshift(incident.trigger.by ?? 'operator');
  return {
    incidentId: view.incidentId,
    targetId: incident.target.id,
    outcome: how,
    detectedAt: view.figures.detectedAt,
    openedAt: view.figures.openedAt,
    alertedAt: view.figures.alertedAt,
    dispatchedAt: view.figures.dispatchedAt,
    closedAt: view.figures.closedAt ?? iso(),
    acknowledged: view.acknowledged,
    resolvedBy: view.resolution?.by,
    attempts: view.attempts.length,
    forcedBy,
    escalation: view.escalation ? { at: view.escalation.at, reason: view.escalation.reason } : undefined,
    autoHealed: how === 'RECOVERED' && !forcedBy.length && !view.acknowledged && !view.escalation,
    method: how === 'RECOVERED' ? (method ?? incident.policy.remediation) : undefined,
    rungAttempts: rungAttemptsOf(view.attempts),
    ...(view.failingChecks.length ? { checks: [...view.failingChecks] } : {}),
    ...(view.flappingEpisode ? { flappingEpisode: view.flappingEpisode } : {}),
  };
}
