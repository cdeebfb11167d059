/**
 * healingWorkflow: one execution is one incident of one target (workflow id `heal-<target>`,
 * so one healer per target). detect → alert (in parallel) → dispatch → verify → confirm; a
 * failed attempt is retried after a backoff; the incident escalates to humans and parks when
 * the target has had ESCALATE_AFTER failed attempts within ESCALATION_WINDOW (counted across
 * incidents by the attempt ledger), when it stays open longer than RECOVERY_SLA, or at once on
 * a remediation error that retrying cannot fix. Parked: see parking.ts; `forceRecovery` un-parks
 * it for one attempt. Spacing: two dispatches to one target are at least RESTART_COOLDOWN apart,
 * across incidents; only forceRecovery overrides it, recorded as such. Docs: docs/healing.md.
 *
 * This file holds the operator messages and the main loop; the steps live beside it:
 * incident.ts (state), open-close.ts, attempt.ts, parking.ts, climb.ts; the operator commands
 * in force-requests.ts and acknowledge.ts.
 */
import { setHandler } from '@temporalio/workflow';
import { formatDuration } from '../../shared/duration';
import { readLedger } from './calls';
import { countFailure, runAttempt } from './attempt';
import { backoff } from './between-attempts';
import { failedAttemptWasDryRun, recordDryRunNotRecovered } from './dry-run';
import { type ForceRequest, type HealingWorkflowInput, Incident, iso } from './incident';
import {
  type CommandAck,
  type HealingResult,
  acknowledgeUpdate,
  forceRecoveryUpdate,
  remediationSwitchedOffSignal,
  resolveUpdate,
  statusQuery,
} from './messages';
import { close, open } from './open-close';
import { escalate, escalateOnSla, park } from './parking';
import { acceptForce, requireKnownRung } from './force-requests';
import { acceptAcknowledge } from './acknowledge';
import { climb, escalateWhenNoRungCures, nextRungAfterUnusable } from './climb';

export type { CarriedIncident, HealingWorkflowInput } from './incident';

export async function healingWorkflow(input: HealingWorkflowInput): Promise<HealingResult> {
  const incident = new Incident(input);
  const { view } = incident;
  const ack = (): CommandAck => ({ incidentId: view.incidentId, status: view.status });
  const requireOpen = (): void => {
    if (incident.closed()) throw new Error(`incident ${view.incidentId} is already ${view.status}`);
  };
  const requireText = (value: unknown, name: string): void => {
    if (typeof value !== 'string' || !value.trim()) throw new Error(`${name} is required`);
  };

  setHandler(statusQuery, () => view);
  setHandler(remediationSwitchedOffSignal, (change) => {
    incident.switchedOff = change;
  });
  setHandler(
    forceRecoveryUpdate,
    ({ reason, by, rung }) => (acceptForce(incident, reason, by, rung), ack()),
    { validator: (req) => (requireOpen(), requireText(req?.reason, 'reason'), requireText(req?.by, 'by'), requireKnownRung(req?.rung)) },
  );
  setHandler(
    acknowledgeUpdate,
    ({ by }) => (acceptAcknowledge(incident, by), ack()),
    { validator: (req) => (requireOpen(), requireText(req?.by, 'by')) },
  );
  setHandler(
    resolveUpdate,
    ({ by, note }) => {
      view.resolution ??= { by, note: note ?? '', at: iso() };
      incident.note('resolved', 'ok', `resolved by ${by}${note ? `: ${note}` : ''}`);
      return ack();
    },
    { validator: (req) => (requireOpen(), requireText(req?.by, 'by')) },
  );

  await open(incident);
  await readLedger(incident);

  const { trigger, policy, target } = incident;
  let force: ForceRequest | undefined =
    !input.carried && trigger.source === 'operator'
      ? { reason: trigger.reason, by: trigger.by ?? 'operator', at: trigger.at, ...(trigger.rung ? { rung: trigger.rung } : {}) }
      : undefined;
  let parked = view.status === 'ESCALATED';
  if (!parked && !force && escalateWhenNoRungCures(incident)) parked = true;
  for (;;) {
    if (parked) {
      const why = await park(incident);
      if (why === 'resolved') return close(incident, 'RESOLVED');
      if (why === 'recovered') return close(incident, 'RECOVERED', 'recovered without restart (while escalated)');
      force = incident.forceRequests.shift();
      incident.setStatus('HEALING');
      incident.note('force_recovery', 'unparked', `one attempt forced by ${force?.by} while escalated`);
    } else if (!force) {
      force = incident.forceRequests.shift();
    }
    const outcome = await runAttempt(incident, force, !parked);
    force = undefined;
    switch (outcome.kind) {
      case 'recovered':
        return close(incident, 'RECOVERED', outcome.method ?? view.attempts[view.attempts.length - 1]?.method);
      case 'resolved':
        return close(incident, 'RESOLVED');
      case 'superseded':
        continue;
      case 'non_retryable':
        // a rung that cannot be used (not the last) hands over to the next one at once
        if (nextRungAfterUnusable(incident, outcome.diagnosis, parked)) continue;
        escalate(incident, 'remediation failed permanently', outcome.diagnosis);
        parked = true;
        continue;
      case 'sla':
      case 'escalated': // already escalated before dispatching (the restart budget)
        if (outcome.kind === 'sla') escalateOnSla(incident);
        parked = true;
        continue;
      case 'failed': {
        const escalateNow = failedAttemptWasDryRun(incident) ? recordDryRunNotRecovered(incident) : await countFailure(incident);
        climb(incident, escalateNow || parked);
        if (escalateNow && !parked) {
          const failures = incident.failuresInWindow();
          const window = formatDuration(policy.escalationWindowMs);
          escalate(
            incident,
            `${failures} failed attempts within ${window}`,
            `${failures} restart attempts of ${target.id} failed within ${window} (ESCALATE_AFTER ${policy.escalateAfter}); last probe: ${incident.lastReport?.summary ?? 'none'}`,
          );
        } else if (parked) {
          incident.setStatus('ESCALATED');
          incident.note('escalated', 'still escalated', 'the forced attempt did not recover the target; parked again');
        }
        if (escalateNow || parked) {
          parked = true;
          continue;
        }
        const next = await backoff(incident);
        if (next?.kind === 'resolved') return close(incident, 'RESOLVED');
        if (next?.kind === 'recovered') return close(incident, 'RECOVERED', next.method);
        if (next?.kind === 'sla') {
          escalateOnSla(incident);
          parked = true;
        }
        continue;
      }
    }
  }
}
